import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { conversations, memberships, withTenant, type WorkHours } from "@threadline/db";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { loadMember } from "../access/load.ts";
import { listConversations } from "../conversations/list.ts";
import { assignQueuedLeads, createRotationRule } from "../staff/rotation-settings.ts";
import { processLeadMessage } from "./agent.ts";
import { handOver, NOTIFICATION_TEXTS } from "./stages.ts";

// The intent read on every client turn, stored on the conversation, filtered in the list and
// routed by the owner's rules to a member or a group taking turns.
let env: TestEnv;
type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;
let chat = 0;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env?.close());

const every = (from: string, to: string): WorkHours => ({ days: Object.fromEntries(["0", "1", "2", "3", "4", "5", "6"].map((d) => [d, [{ from, to }]])) });

async function writes(T: Tenant, text: string, chatId = `i${++chat}`) {
  const r = await env.ingest(T.channel, clientMessage({ chatId, text }));
  return { projectId: T.project.id, conversationId: r.conversationId, messageId: r.messageId, chatId };
}

async function conversation(id: string) {
  const [c] = await env.owner.select().from(conversations).where(eq(conversations.id, id));
  return c!;
}

/** A project with the agent off (people answer at once); manager, admin and owner take leads in this order. */
async function peopleOnly(name: string) {
  const T = await env.createTenant(name);
  await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: false });
  await withTenant(env.db, T.project.id, async (tx) => {
    for (const [key, n] of [["manager", 1], ["admin", 2], ["owner", 3]] as const) {
      await tx.update(memberships).set({ rotationOrder: n, inRotation: true }).where(eq(memberships.id, T[key].membershipId));
    }
  });
  return T;
}

describe("intent on every client turn", () => {
  it("is written when a lead comes in, moves to what the client says next, and small talk keeps it", async () => {
    const T = await peopleOnly("IntentTurns");
    const first = await writes(T, "Хочу заказать торт на субботу");
    await processLeadMessage(env.leadDeps, first);
    expect((await conversation(first.conversationId)).intent).toBe("purchase");
    // A person has the conversation now; the client's next messages are still read.
    const next = await writes(T, "Торт привезли помятый, у меня претензия к качеству", first.chatId);
    await processLeadMessage(env.leadDeps, next);
    expect((await conversation(first.conversationId)).intent).toBe("complaint");
    const thanks = await writes(T, "Спасибо", first.chatId);
    await processLeadMessage(env.leadDeps, thanks);
    expect((await conversation(first.conversationId)).intent).toBe("complaint");
  });

  it("with the agent on, its reading of the message is stored", async () => {
    const T = await env.createTenant("IntentAgent");
    const job = await writes(T, "Где вы находитесь?");
    await processLeadMessage(env.leadDeps, job);
    const c = await conversation(job.conversationId);
    expect(c.stage).toBe("bot");
    expect(c.intent).toBe("question");
  });
});

describe("routing rules by intent", () => {
  it("complaints go round the chosen group, other leads round everyone, and the list filter shows them", async () => {
    const T = await peopleOnly("IntentRoute");
    const owner = await loadMember(env.db, T.owner.user.id, T.project.id);
    await withTenant(env.db, T.project.id, (tx) => createRotationRule(tx, owner, { intent: "complaint", membershipIds: [T.admin.membershipId, T.owner.membershipId] }));
    const complaints: (string | null)[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const job = await writes(T, "Хочу оставить жалобу: курьер опоздал на два часа");
      await processLeadMessage(env.leadDeps, job);
      const c = await conversation(job.conversationId);
      expect(c.intent).toBe("complaint");
      complaints.push(c.assigneeId);
      ids.push(job.conversationId);
    }
    expect(complaints).toEqual([T.admin.membershipId, T.owner.membershipId, T.admin.membershipId]);
    // Purchases are not complaints: the whole rotation takes them, the manager too.
    const buyers: (string | null)[] = [];
    for (let i = 0; i < 2; i++) {
      const buy = await writes(T, "Сколько стоит торт на 2 кг?");
      await processLeadMessage(env.leadDeps, buy);
      buyers.push((await conversation(buy.conversationId)).assigneeId);
    }
    expect(buyers).toContain(T.manager.membershipId);

    const member = await loadMember(env.db, T.owner.user.id, T.project.id);
    const page = await withTenant(env.db, T.project.id, (tx) => listConversations(tx, member, { filter: "all", intent: "complaint", limit: 50 }));
    expect(page.items.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(page.items.every((r) => r.intent === "complaint")).toBe(true);
  });

  it("an intent rule outweighs a channel rule", async () => {
    const T = await peopleOnly("IntentWeight");
    const owner = await loadMember(env.db, T.owner.user.id, T.project.id);
    await withTenant(env.db, T.project.id, async (tx) => {
      await createRotationRule(tx, owner, { channelId: T.channel.id, membershipIds: [T.manager.membershipId] });
      await createRotationRule(tx, owner, { intent: "support", membershipIds: [T.admin.membershipId] });
    });
    const help = await writes(T, "Телефон не включается после обновления");
    await processLeadMessage(env.leadDeps, help);
    expect(await conversation(help.conversationId)).toMatchObject({ intent: "support", assigneeId: T.admin.membershipId });
    const buy = await writes(T, "Хочу купить чехол");
    await processLeadMessage(env.leadDeps, buy);
    expect((await conversation(buy.conversationId)).assigneeId).toBe(T.manager.membershipId);
  });

  it("on the clock: a complaint at night waits for the group's shift, not for the first person on shift", async () => {
    const T = await peopleOnly("IntentClock");
    const owner = await loadMember(env.db, T.owner.user.id, T.project.id);
    await withTenant(env.db, T.project.id, async (tx) => {
      await tx.update(memberships).set({ workHours: every("08:00", "17:00") }).where(eq(memberships.id, T.manager.membershipId));
      await tx.update(memberships).set({ workHours: every("10:00", "19:00") }).where(eq(memberships.id, T.admin.membershipId));
      await tx.update(memberships).set({ inRotation: false }).where(eq(memberships.id, T.owner.membershipId));
      await createRotationRule(tx, owner, { intent: "complaint", membershipIds: [T.admin.membershipId] });
    });
    const r = await env.ingest(T.channel, clientMessage({ chatId: "night", text: "Верните деньги, это обман" }));
    await env.owner.update(conversations).set({ intent: "complaint" }).where(eq(conversations.id, r.conversationId));
    const night = new Date("2026-12-07T20:00:00Z"); // 23:00 Moscow
    const to = await withTenant(env.db, T.project.id, (tx) => handOver(tx, { projectId: T.project.id, conversationId: r.conversationId, assigneeId: null, text: NOTIFICATION_TEXTS.conversation, now: night }, []));
    expect(to).toBeNull();
    const publish = async () => {};
    // 08:00 Moscow: the manager's shift starts, but complaints are the admin's.
    await assignQueuedLeads(env.db, publish, new Date("2026-12-08T05:00:00Z"));
    expect((await conversation(r.conversationId)).assigneeId).toBeNull();
    // 10:00: the admin's shift starts and the complaint is theirs.
    await assignQueuedLeads(env.db, publish, new Date("2026-12-08T07:00:00Z"));
    expect((await conversation(r.conversationId)).assigneeId).toBe(T.admin.membershipId);
  });

  it("another project's members, spam and an empty rule are refused; the filter never shows another project's conversations", async () => {
    const A = await peopleOnly("IntentA");
    const B = await peopleOnly("IntentB");
    const a = env.caller(A.owner.token).rotation;
    await expect(a.createRule({ projectId: A.project.id, intent: "complaint", membershipIds: [B.admin.membershipId] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(a.createRule({ projectId: A.project.id, intent: "spam" as "complaint", membershipIds: [A.admin.membershipId] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(a.createRule({ projectId: A.project.id, intent: null, membershipIds: [A.admin.membershipId] })).rejects.toThrow(/намерение/);
    const job = await writes(B, "Это возмутительно, хочу пожаловаться");
    await processLeadMessage(env.leadDeps, job);
    const listA = await env.caller(A.owner.token).conversations.list({ projectId: A.project.id, intent: "complaint" });
    expect(listA.items.map((r) => r.id)).not.toContain(job.conversationId);
    const listB = await env.caller(B.owner.token).conversations.list({ projectId: B.project.id, intent: "complaint" });
    expect(listB.items.map((r) => r.id)).toEqual([job.conversationId]);
    // Another project's rule list stays its own.
    await a.createRule({ projectId: A.project.id, intent: "complaint", membershipIds: [A.admin.membershipId] });
    expect(await env.caller(B.owner.token).rotation.rules({ projectId: B.project.id })).toEqual([]);
  });
});
