import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { agentSettings, contacts, conversations } from "@threadline/db";
import { clientMessage, createTenantEnv, type TestEnv } from "@threadline/testing";
import type { MessageEvent } from "@threadline/channels";
import { ingestBatch } from "./ingest-batch.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => ({ env, T } = await createTenantEnv("Contact card")));
afterAll(async () => env?.close());

/** A client's message with a contact card, as the Telegram adapter reports the contact button. */
function cardMessage(chatId: string, phoneNumber: string, userId: string | undefined = chatId): MessageEvent {
  return { ...clientMessage({ chatId, text: "" }), contact: { phoneNumber, firstName: "Мария", userId } };
}

async function phoneOf(conversationId: string) {
  const [row] = await env.owner
    .select({ phone: contacts.phone })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, conversationId));
  return row?.phone ?? null;
}

describe("a shared contact card", () => {
  beforeAll(async () => {
    // The agent is off in this project: nothing but the ingest itself can store the number.
    await env.owner
      .insert(agentSettings)
      .values({ projectId: T.project.id, enabled: false })
      .onConflictDoUpdate({ target: agentSettings.projectId, set: { enabled: false } });
  });

  it("fills the client's phone in E.164 with the agent off, and the message keeps the number", async () => {
    const c = await env.ingest(T.channel, cardMessage("7001", "79161234567"));
    expect(await phoneOf(c.conversationId)).toBe("+79161234567");
    const history = await env.caller(T.owner.token).conversations.messages({ projectId: T.project.id, conversationId: c.conversationId });
    expect(history.items.at(-1)?.text).toContain("79161234567");
  });

  it("reads a national number from the phone book and a foreign one written without the plus", async () => {
    expect(await phoneOf((await env.ingest(T.channel, cardMessage("7002", "8 (916) 765-43-21"))).conversationId)).toBe("+79167654321");
    expect(await phoneOf((await env.ingest(T.channel, cardMessage("7003", "380501234567"))).conversationId)).toBe("+380501234567");
  });

  it("arriving in a batch of messages (the group commit), fills the phone all the same", async () => {
    const [plain, card] = await ingestBatch(env.db, T.project.id, [
      { channel: T.channel, event: clientMessage({ chatId: "7004", text: "Здравствуйте" }) },
      { channel: T.channel, event: cardMessage("7004", "+7 916 111-22-33") },
    ]);
    if (plain?.kind !== "message" || card?.kind !== "message") throw new Error("both are stored as messages");
    expect(card.conversationId).toBe(plain.conversationId);
    expect(await phoneOf(plain.conversationId)).toBe("+79161112233");
  });

  it("leaves the phone alone for someone else's card, a number that is no phone, and a phone already known", async () => {
    const other = await env.ingest(T.channel, cardMessage("7005", "79161234567", "999999"));
    expect(await phoneOf(other.conversationId)).toBeNull();
    const junk = await env.ingest(T.channel, cardMessage("7006", "12345"));
    expect(await phoneOf(junk.conversationId)).toBeNull();
    const known = await env.ingest(T.channel, cardMessage("7007", "79160000001"));
    await env.ingest(T.channel, cardMessage("7007", "79160000002"));
    expect(await phoneOf(known.conversationId)).toBe("+79160000001");
  });
});
