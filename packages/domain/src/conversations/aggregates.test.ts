import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { conversations, withTenant } from "@threadline/db";
import { clientMessage, createTenantEnv, type TestEnv } from "@threadline/testing";
import { processLeadMessage, type LeadDeps } from "../leads/agent.ts";
import { storeImportBatch } from "@threadline/pipeline/import/store.ts";
import { ingestBatch } from "./ingest-batch.ts";
import { messagePreview, messagePreviewSql, PREVIEW_LENGTH, placeholders, type MessageKind } from "./aggregates.ts";

// Every writer of a conversation's list fields over one story, out of order on purpose; after each
// step the row must equal what its messages say. The recomputation below is written on its own,
// from the messages table, so it checks the writers instead of repeating them.

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let deps: LeadDeps;
beforeAll(async () => {
  ({ env, T } = await createTenantEnv("Aggregates"));
  deps = env.leadDeps;
});
afterAll(async () => env?.close());

type Fields = {
  messageCount: number;
  lastSeq: number;
  lastInboundSeq: number;
  lastMessageAt: string | null;
  lastMessagePreview: string | null;
  lastMessageDirection: string | null;
  lastMessageAuthor: string | null;
  lastMessageAuthorId: string | null;
};

/** The list line of one message: its trimmed text, else what it carries; long ones cut with "…". */
function expectedPreview(text: string, kind: string, fileName: string | null): string {
  const trimmed = text.trim();
  const base = trimmed
    ? trimmed
    : kind === "text"
      ? ""
      : kind === "document" && fileName
        ? `${placeholders.document}: ${fileName}`
        : placeholders[kind as keyof typeof placeholders];
  const chars = [...base];
  return chars.length > PREVIEW_LENGTH ? `${chars.slice(0, PREVIEW_LENGTH - 1).join("")}…` : base;
}

/** The conversation's fields as its messages define them: the last message is the latest sent, then the latest stored. */
async function recomputed(conversationId: string): Promise<Fields> {
  const [agg] = await env.owner.execute<{ n: number; seq: string | null; iseq: string | null }>(sql`
    select count(*)::int as n, max(id)::text as seq, max(id) filter (where direction = 'in')::text as iseq
    from messages where conversation_id = ${conversationId}::uuid`);
  const [last] = await env.owner.execute<{ at: string; text: string; kind: string; direction: string; author: string; author_id: string | null; file: string | null }>(sql`
    select to_char(m.sent_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as at, m.text, m.kind, m.direction, m.author, m.author_membership_id as author_id,
           (select a.file_name from attachments a where a.message_id = m.id order by a.created_at, a.id limit 1) as file
    from messages m where m.conversation_id = ${conversationId}::uuid
    order by m.sent_at desc, m.id desc limit 1`);
  return {
    messageCount: agg!.n,
    lastSeq: Number(agg!.seq ?? 0),
    lastInboundSeq: Number(agg!.iseq ?? 0),
    lastMessageAt: last?.at ?? null,
    lastMessagePreview: last ? expectedPreview(last.text, last.kind, last.file) : null,
    lastMessageDirection: last?.direction ?? null,
    lastMessageAuthor: last?.author ?? null,
    lastMessageAuthorId: last?.author_id ?? null,
  };
}

async function stored(conversationId: string): Promise<Fields> {
  const [row] = await env.owner.execute<Fields>(sql`
    select message_count as "messageCount", last_seq::int as "lastSeq", last_inbound_seq::int as "lastInboundSeq",
           to_char(last_message_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as "lastMessageAt",
           last_message_preview as "lastMessagePreview", last_message_direction as "lastMessageDirection",
           last_message_author as "lastMessageAuthor", last_message_author_id as "lastMessageAuthorId"
    from conversations where id = ${conversationId}::uuid`);
  return row!;
}

const minutes = (n: number) => new Date(Date.now() + n * 60_000);
const long = (word: string) => `  ${Array.from({ length: 40 }, (_, i) => `${word} ${i}`).join(" ")} 🙂🙂🙂  `;
/** An emoji right on the cut: cut by UTF-16 units it would be half a character. */
const emojiOnTheCut = `\n ${"я".repeat(PREVIEW_LENGTH - 2)}🙂🙂🙂 `;

describe("one rule for a conversation's list fields", () => {
  it("ingest, batch ingest, import, the agent and a manager's reply leave the row as its messages define it, whatever the order", async () => {
    const chatId = "777001";
    const drift: { step: string; stored: Fields; recomputed: Fields }[] = [];
    let conversationId = "";
    const check = async (step: string) => {
      const [s, r] = [await stored(conversationId), await recomputed(conversationId)];
      if (JSON.stringify(s) !== JSON.stringify(r)) drift.push({ step, stored: s, recomputed: r });
    };
    await env.caller(T.owner.token).agent.update({
      projectId: T.project.id,
      enabled: true,
      script: { askPhone: long("Оставьте номер"), askPhoneAgain: long("Номер, пожалуйста"), reAskPhone: long("Номер ещё раз") },
    });

    // A client writes (a long text with spaces at its edges and an emoji on the cut).
    const first = await env.ingest(T.channel, clientMessage({ chatId, id: "1", text: emojiOnTheCut, at: minutes(-30) }));
    conversationId = first.conversationId;
    await check("ingest");

    // A group commit: a document without text (newest) and a late older message.
    await ingestBatch(env.db, T.project.id, [
      { channel: T.channel, event: clientMessage({ chatId, id: "2", text: "", at: minutes(-20), attachments: [{ kind: "document", fileId: "f-2", fileName: "прайс.pdf" }] }) },
      { channel: T.channel, event: clientMessage({ chatId, id: "3", text: "Пишу из прошлого", at: minutes(-40) }) },
    ]);
    await check("batch ingest");

    // The agent answers (its last reply is long).
    const routed = await processLeadMessage(deps, { projectId: T.project.id, conversationId, messageId: first.messageId });
    expect(routed.replies.length).toBeGreaterThan(0);
    await check("agent turn");

    // An imported page of older history, with a message the webhook already stored.
    await withTenant(env.db, T.project.id, (tx) =>
      storeImportBatch(tx, T.channel, {
        dialogs: [],
        pages: [
          {
            chatId,
            messages: [
              { chatId, externalId: `${chatId}:0a`, direction: "in", text: "Давний вопрос", sentAt: minutes(-60 * 24 * 30), attachments: [] },
              { chatId, externalId: `${chatId}:0b`, direction: "out", text: "Давний ответ", sentAt: minutes(-60 * 24 * 29), attachments: [], readByClient: true },
              { chatId, externalId: `${chatId}:1`, direction: "in", text: emojiOnTheCut, sentAt: minutes(-30), attachments: [] },
            ],
          },
        ],
      }),
    );
    await check("import of an older page");

    // A client message dated ahead of our clock (the platform's clock is off), then the agent answers it.
    const ahead = await env.ingest(T.channel, clientMessage({ chatId, id: "5", text: "Когда доставка?", at: minutes(60) }));
    await env.owner.update(conversations).set({ stage: "bot", aiEnabled: true }).where(eq(conversations.id, conversationId));
    const answered = await processLeadMessage(deps, { projectId: T.project.id, conversationId, messageId: ahead.messageId });
    expect(answered.replies.length).toBeGreaterThan(0);
    await check("agent turn after a message dated ahead");

    // A manager replies (long); then, late, a client message and one typed in the platform's app, older than everything live.
    await env.caller(T.owner.token).conversations.reply({ projectId: T.project.id, conversationId, text: long("Добрый день") });
    await check("manager reply");
    await ingestBatch(env.db, T.project.id, [
      { channel: T.channel, event: clientMessage({ chatId, id: "6", text: "Опоздавшее", at: minutes(-50) }) },
      { channel: T.channel, event: clientMessage({ chatId, id: "4", text: "Ответ из приложения", at: minutes(-45), direction: "outbound" }) },
    ]);
    await check("late batch messages");
    await env.ingest(T.channel, clientMessage({ chatId, id: "7", text: "Ещё одно опоздавшее", at: minutes(-35) }));
    await check("late ingest");

    expect(drift).toEqual([]);
  });

  it("the SQL form of the preview, for bulk writers, gives what the writers store", async () => {
    const cases: [string, MessageKind, string | null][] = [
      ["Сколько стоит?", "text", null],
      ["  \n\tс пробелами\u00a0 ", "text", null],
      [emojiOnTheCut, "text", null],
      [long("Добрый день"), "text", null],
      ["я".repeat(PREVIEW_LENGTH), "text", null],
      ["", "photo", null],
      ["", "voice", null],
      [" ", "document", "прайс.pdf"],
      ["", "document", null],
      ["подпись к фото", "photo", null],
      ["", "text", null],
    ];
    for (const [text, kind, fileName] of cases) {
      const [row] = await env.owner.execute<{ p: string }>(sql`select ${sql.raw(messagePreviewSql("t.text", "t.kind", "t.file"))} as p from (select ${text}::text as text, ${kind}::text as kind, ${fileName}::text as file) t`);
      expect(row!.p).toBe(messagePreview(text, kind, fileName));
      expect(row!.p).toBe(expectedPreview(text, kind, fileName));
    }
  });
});
