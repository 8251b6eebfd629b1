import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { contacts, conversations } from "@threadline/db";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
type Person = { token: string; membershipId: string };

/** A conversation with one client message, assigned to `assignee` (null: unassigned). */
async function conversation(chatId: string, name: string, text: string, assignee: Person | null, phone?: string) {
  const { conversationId } = await env.ingest(T.channel, clientMessage({ chatId, name, text }));
  await env.owner.update(conversations).set({ assigneeId: assignee?.membershipId ?? null }).where(eq(conversations.id, conversationId));
  if (phone) await env.owner.update(contacts).set({ phone }).where(eq(contacts.externalId, chatId));
  return conversationId;
}

/** Every page of a search, `limit` rows at a time, following the cursor. */
async function searchAll(person: Person, search: string, limit: number) {
  const ids: string[] = [];
  const times: number[] = [];
  let cursor: { lastMessageAt: Date; id: string } | null = null;
  for (let page = 0; page < 100; page++) {
    const res = await env.caller(person.token).conversations.list({ projectId: T.project.id, search, limit, cursor });
    ids.push(...res.items.map((c) => c.id));
    times.push(...res.items.map((c) => c.lastMessageAt!.getTime()));
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  return { ids, times };
}

const sorted = (ids: string[]) => [...ids].sort();

let mine: string, unassigned: string, colleagues: string;
beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Search");
  mine = await conversation("s1", "Святослав Игнатьев", "Когда будет доставка?", T.manager, "+79123456789");
  unassigned = await conversation("s2", "Ольга Смирнова", "Нужны доставки по субботам", null);
  colleagues = await conversation("s3", "Тимур Смирнов", "Доставкой недоволен", T.admin, "+79997776655");
});
afterAll(async () => env?.close());

describe("search", () => {
  it("finds Russian word forms: «доставка» finds «доставки» and «доставкой»", async () => {
    const found = await searchAll(T.owner, "доставка", 50);
    expect(found.ids).toEqual(expect.arrayContaining([mine, unassigned, colleagues]));
    expect((await searchAll(T.owner, "доставками", 50)).ids).toEqual(expect.arrayContaining([mine, unassigned, colleagues]));
    expect((await searchAll(T.owner, "самолёт", 50)).ids).toEqual([]);
  });

  it("shows a manager only their own and unassigned conversations among the results", async () => {
    const found = await searchAll(T.manager, "доставка", 50);
    expect(found.ids).toEqual(expect.arrayContaining([mine, unassigned]));
    expect(found.ids).not.toContain(colleagues);
    expect((await searchAll(T.manager, "Тимур", 50)).ids).toEqual([]);
    expect((await searchAll(T.manager, "999 777", 50)).ids).toEqual([]);
  });

  it("finds by phone digits only for a role that may see phones", async () => {
    expect((await searchAll(T.owner, "912 345-67", 50)).ids).toEqual([mine]);
    await env.caller(T.owner.token).roles.update({ projectId: T.project.id, roleId: T.tech.roleId, permissions: ["inbox.use", "conversations.viewAll"] });
    expect((await searchAll(T.tech, "912 345-67", 50)).ids).toEqual([]);
    expect((await searchAll(T.tech, "Святослав", 50)).ids).toEqual([mine]);
  });

  it("pages through results one by one in list order with no duplicates or gaps", async () => {
    const whole = await searchAll(T.owner, "доставка", 50);
    const oneByOne = await searchAll(T.owner, "доставка", 1);
    expect(oneByOne.ids).toEqual(whole.ids);
    expect(oneByOne.times).toEqual([...oneByOne.times].sort((a, b) => b - a));
  });
});

describe("search for a term with thousands of hits", () => {
  // More hits than the indexes are asked for up front: the list is walked and each row checked.
  const MANY = 2400;
  let expectedForManager: string[];
  let expectedForOwner: string[];
  beforeAll(async () => {
    // Thousands of conversations with a common surname and an old message each, a third of them
    // with a colleague; and thousands of messages with one word in the conversations above.
    await env.owner.execute(sql`
      insert into contacts (project_id, channel_id, external_id, name)
      select ${T.project.id}, ${T.channel.id}, 'bulk-' || g, 'Мария Кузнецова ' || g
      from generate_series(1, ${MANY}) g`);
    await env.owner.execute(sql`
      insert into conversations (project_id, channel_id, contact_id, external_chat_id, assignee_id, last_message_at, last_seq, last_inbound_seq)
      select ${T.project.id}, ${T.channel.id}, ct.id, ct.external_id,
             case g % 3 when 0 then ${T.manager.membershipId}::uuid when 1 then null else ${T.admin.membershipId}::uuid end,
             now() - interval '1 day' - interval '1 minute' * g, 1, 1
      from generate_series(1, ${MANY}) g join contacts ct on ct.external_id = 'bulk-' || g`);
    await env.owner.execute(sql`
      insert into messages (project_id, conversation_id, channel_id, external_id, direction, author, text, sent_at)
      select ${T.project.id}, (array[${mine}, ${unassigned}, ${colleagues}]::uuid[])[1 + g % 3], ${T.channel.id}, 'bulk-msg-' || g,
             'in', 'client', 'Самокат не заряжается, ' || g, now() - interval '2 days'
      from generate_series(1, ${MANY}) g`);
    const bulk = (await env.owner.execute(sql`select id, assignee_id from conversations where external_chat_id like 'bulk-%'`)) as unknown as { id: string; assignee_id: string | null }[];
    expectedForOwner = bulk.map((r) => r.id);
    expectedForManager = bulk.filter((r) => r.assignee_id === null || r.assignee_id === T.manager.membershipId).map((r) => r.id);
  });

  it("a common name: every visible match once, in list order, across pages", async () => {
    const asManager = await searchAll(T.manager, "кузнецова", 200);
    expect(sorted(asManager.ids)).toEqual(sorted(expectedForManager));
    expect(asManager.times).toEqual([...asManager.times].sort((a, b) => b - a));
    const asOwner = await searchAll(T.owner, "Кузнецова", 200);
    expect(sorted(asOwner.ids)).toEqual(sorted(expectedForOwner));
  });

  it("a common word: Russian forms, visibility and paging hold, name matches join in", async () => {
    const named = await conversation("s4", "Пётр Самокатов", "Добрый день", null);
    expect((await searchAll(T.owner, "самокат", 1)).ids).toEqual([named, colleagues, unassigned, mine]);
    expect((await searchAll(T.owner, "самокаты", 1)).ids).toEqual([colleagues, unassigned, mine]);
    expect((await searchAll(T.manager, "самокат", 1)).ids).toEqual([named, unassigned, mine]);
  });

  it("a word in thousands of messages of one conversation and one message of another finds both", async () => {
    await env.owner.execute(sql`
      insert into messages (project_id, conversation_id, channel_id, external_id, direction, author, text, sent_at)
      select ${T.project.id}, ${mine}, ${T.channel.id}, 'receipt-' || g, 'out', 'system', 'Квитанция №' || g || ' отправлена', now() - interval '3 days'
      from generate_series(1, ${MANY}) g`);
    await env.owner.execute(sql`
      insert into messages (project_id, conversation_id, channel_id, external_id, direction, author, text, sent_at)
      values (${T.project.id}, ${unassigned}, ${T.channel.id}, 'receipt-0', 'in', 'client', 'Пришлите квитанцию, пожалуйста', now() - interval '3 days')`);
    expect((await searchAll(T.manager, "квитанции", 1)).ids).toEqual([unassigned, mine]);
    expect((await searchAll(T.owner, "квитанция", 50)).ids).toEqual([unassigned, mine]);
  });

  it("a rare word among them finds its one conversation", async () => {
    expect((await searchAll(T.manager, "суббота", 50)).ids).toEqual([unassigned]);
  });
});
