import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { contacts, conversations, messages, payments } from "@threadline/db";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { extendSearchLexicon, markMatches, phonePatterns, RARE_LIMIT } from "./search.ts";

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

/**
 * A member's message that carried a bill into the chat: its payment names it (`payments.message_id`),
 * which is how a bill's message is told from other messages.
 */
async function billMessage(conversationId: string, text: string) {
  const [m] = await env.owner
    .insert(messages)
    .values({ projectId: T.project.id, conversationId, channelId: T.channel.id, direction: "out", author: "member", text, sentAt: new Date(), delivery: "sent" })
    .returning({ id: messages.id });
  await env.owner.insert(payments).values({ projectId: T.project.id, provider: "yookassa", conversationId, messageId: m!.id, amount: 560_000, currency: "RUB", description: text.split("\n")[0]! });
  return m!.id;
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

  it("finds a phone typed with a leading 8, with +7, without the country code or in pieces alike", async () => {
    const phoned = await conversation("s5", "Глеб Носов", "Добрый вечер", T.manager, "+79161234567");
    for (const typed of ["89161234567", "8 (916) 123-45-67", "+79161234567", "+7 916 123 45 67", "9161234567", "8916123"]) {
      expect((await searchAll(T.owner, typed, 50)).ids, typed).toEqual([phoned]);
    }
    // A number the client wrote in a message is found however the manager types it.
    const written = await conversation("s6", "Вера Лаптева", "Мой номер 89035556677, перезвоните", null);
    for (const typed of ["+7 903 555-66-77", "89035556677", "9035556677"]) expect((await searchAll(T.owner, typed, 50)).ids, typed).toEqual([written]);
    // A leading 8 is not a rule for digits in the middle of a number.
    expect(phonePatterns("123 8")).toEqual({ contains: "%1238%", national: null });
    expect(phonePatterns("8 916")).toEqual({ contains: "%8916%", national: "+7916%" });
  });

  it("finds every form of a word from its base form, and a base form from another form", async () => {
    const tulips = await conversation("s7", "Инна Громова", "Хочу заказать букет из 15 тюльпанов к пятнице", null);
    for (const typed of ["тюльпан", "тюльпаны", "Тюльпанов", "тюльпанами"]) expect((await searchAll(T.owner, typed, 50)).ids, typed).toEqual([tulips]);
    expect((await searchAll(T.owner, "букет тюльпан", 50)).ids).toEqual([tulips]);
    expect((await searchAll(T.owner, "тюльпан самолёт", 50)).ids).toEqual([]);
  });

  it("reads the last word as a beginning still being typed: «тюльп» finds «тюльпанов», marked", async () => {
    const tulips = await conversation("s9", "Алла Рябова", "Пришлите фото гортензий и ранункулюсов", null);
    for (const typed of ["гортенз", "Ранункул", "фото гортен"]) expect((await searchAll(T.owner, typed, 50)).ids, typed).toEqual([tulips]);
    const res = await env.caller(T.owner.token).conversations.list({ projectId: T.project.id, search: "ранунк", limit: 50 });
    const match = res.items[0]!.match!;
    expect(match.marks.map(([a, b]) => match.text.slice(a, b))).toEqual(["ранункулюсов"]);
    // Only the last word is a beginning: the words before it are whole words in any form.
    expect((await searchAll(T.owner, "фотогр гортензий", 50)).ids).toEqual([]);
    // A manager still finds only what they may see.
    expect((await searchAll(T.manager, "гортенз", 50)).ids).toEqual([tulips]);
    expect((await searchAll(T.manager, "недовол", 50)).ids).toEqual([]);
    expect((await searchAll(T.owner, "недовол", 50)).ids).toEqual([colleagues]);
  });

  it("tolerates a typo in a name when nothing else is found, within what the member may see", async () => {
    expect(sorted((await searchAll(T.owner, "Смирнва", 50)).ids)).toEqual(sorted([unassigned, colleagues]));
    expect((await searchAll(T.owner, "Игнатев", 50)).ids).toEqual([mine]);
    expect((await searchAll(T.manager, "Смирнва", 50)).ids).toEqual([unassigned]);
    expect((await searchAll(T.owner, "Жмуркин", 50)).ids).toEqual([]);
  });

  it("shows the newest matching message with the matched words marked, to open the thread at it", async () => {
    const res = await env.caller(T.owner.token).conversations.list({ projectId: T.project.id, search: "тюльпан", limit: 50 });
    const match = res.items[0]!.match!;
    expect(match.text).toBe("…букет из 15 тюльпанов к пятнице");
    expect(match.marks.map(([a, b]) => match.text.slice(a, b))).toEqual(["тюльпанов"]);
    const [message] = (await env.owner.execute(sql`select id from messages where text like 'Хочу заказать букет%'`)) as unknown as [{ id: string }];
    expect(match.messageId).toBe(Number(message.id));
    // A name match has no message to show; the list's own preview stays.
    const byName = await env.caller(T.owner.token).conversations.list({ projectId: T.project.id, search: "Громова", limit: 50 });
    expect(byName.items[0]!.match).toBeNull();
  });

  it("a word found in a voice note's transcript shows the transcript, marked", async () => {
    const voice = await conversation("s10", "Нина Белова", "", null);
    await env.owner.execute(sql`update messages set kind = 'voice', transcript = 'Подскажите, есть ли у вас пионы к выпускному' where conversation_id = ${voice}`);
    const res = await env.caller(T.owner.token).conversations.list({ projectId: T.project.id, search: "пион", limit: 50 });
    const match = res.items.find((c) => c.id === voice)!.match!;
    expect(match.text).toBe("…есть ли у вас пионы к выпускному");
    expect(match.marks.map(([a, b]) => match.text.slice(a, b))).toEqual(["пионы"]);
  });

  it("masks a phone in the shown message for a role that may not see phones", async () => {
    await conversation("s8", "Лев Орехов", "Тюльпаны доставьте, мой телефон +7 926 111-22-33", null);
    await env.caller(T.owner.token).roles.update({ projectId: T.project.id, roleId: T.tech.roleId, permissions: ["inbox.use", "conversations.viewAll"] });
    const res = await env.caller(T.tech.token).conversations.list({ projectId: T.project.id, search: "доставьте", limit: 50 });
    expect(res.items).toHaveLength(1);
    expect(res.items[0]!.match!.text).not.toContain("111-22-33");
  });

  it("words only a bill carried find nothing for a role that does not see payments; a role that sees them finds them", async () => {
    // The technician (payments hidden by the template) reads the whole inbox here.
    await env.caller(T.owner.token).roles.update({ projectId: T.project.id, roleId: T.tech.roleId, permissions: ["inbox.use", "conversations.viewAll"] });
    const billed = await conversation("s10", "Инна Белова", "Можно счёт?", null);
    await billMessage(billed, "Абонемент «Пилатес» на месяц\nСумма: 5 600 ₽\nОплатить: https://pay.example/abc");
    // Words, every form of them, the beginning of the last one: nothing through the bill.
    for (const typed of ["пилатес", "абонемент пилатес", "Абонементы", "пилат", "оплатить"]) expect((await searchAll(T.tech, typed, 50)).ids, typed).toEqual([]);
    expect((await searchAll(T.owner, "пилатес", 50)).ids).toEqual([billed]);
    expect((await searchAll(T.owner, "пилат", 50)).ids).toEqual([billed]);

    // The client's own words are found, and the result shows the client's message, not the newer bill.
    const asked = await conversation("s11", "Марк Зуев", "Запишите на пилатес по вторникам", null);
    const bill = await billMessage(asked, "Пилатес, 8 занятий\nСумма: 5 600 ₽\nОплатить: https://pay.example/def");
    const hidden = await env.caller(T.tech.token).conversations.list({ projectId: T.project.id, search: "пилатес", limit: 50 });
    expect(hidden.items.map((r) => r.id)).toEqual([asked]);
    expect(hidden.items[0]!.match?.text).toBe("Запишите на пилатес по вторникам");
    const shown = await env.caller(T.owner.token).conversations.list({ projectId: T.project.id, search: "пилатес", limit: 50 });
    expect(sorted(shown.items.map((r) => r.id))).toEqual(sorted([asked, billed]));
    expect(shown.items.find((r) => r.id === asked)!.match?.messageId).toBe(bill);
  });

  it("an excerpt of a long message starts near the first match", () => {
    const long = `${"Начало длинного сообщения без нужных слов. ".repeat(10)}А вот и тюльпаны, которые мы искали.`;
    const shown = markMatches(long, "'тюльп' | 'тюльпа' | 'тюльпан'");
    expect(shown.text.startsWith("…")).toBe(true);
    expect(shown.marks.map(([a, b]) => shown.text.slice(a, b))).toEqual(["тюльпаны"]);
    expect(shown.text.length).toBeLessThan(200);
  });

  it("pages through results one by one in list order with no duplicates or gaps", async () => {
    const whole = await searchAll(T.owner, "доставка", 50);
    const oneByOne = await searchAll(T.owner, "доставка", 1);
    expect(oneByOne.ids).toEqual(whole.ids);
    expect(oneByOne.times).toEqual([...oneByOne.times].sort((a, b) => b - a));
  });

  it("«Непрочитанные»: a name's and a word's unread hits come page by page in list order; read ones and ones the member may not see stay out", async () => {
    const U = await env.createTenant("Unread search");
    const make = async (chatId: string, name: string, text: string, assignee: Person | null) => {
      const { conversationId } = await env.ingest(U.channel, clientMessage({ chatId, name, text }));
      await env.owner.update(conversations).set({ assigneeId: assignee?.membershipId ?? null }).where(eq(conversations.id, conversationId));
      return conversationId;
    };
    const byName: string[] = [];
    for (let i = 0; i < 6; i++) byName.push(await make(`un${i}`, `Анна Кузнецова ${i}`, "Добрый день", i % 2 ? U.manager : null));
    const byWord = await make("uw", "Пётр Орлов", "Кузнецова просила перезвонить", null);
    await make("uh", "Инна Кузнецова", "Здравствуйте", U.admin);
    const manager = env.caller(U.manager.token).conversations;
    for (const read of [byName[1]!, byName[4]!]) await manager.markRead({ projectId: U.project.id, conversationId: read });
    const pages = async (filter: "unread" | "all") => {
      const ids: string[] = [];
      let cursor: { lastMessageAt: Date; id: string } | null = null;
      for (let page = 0; page < 20; page++) {
        const res = await manager.list({ projectId: U.project.id, search: "Кузнецова", filter, limit: 2, cursor });
        ids.push(...res.items.map((c) => c.id));
        if (!res.nextCursor) break;
        cursor = res.nextCursor;
      }
      return ids;
    };
    // Newest first: the word's conversation was written in last.
    expect(await pages("unread")).toEqual([byWord, byName[5], byName[3], byName[2], byName[0]]);
    expect(await pages("all")).toEqual([byWord, ...[...byName].reverse()]);
  });
});

// Ten thousand rows and more: these take longer than a test's usual 30 s on a busy machine.
describe("a typo in a word of a message (decision 063)", () => {
  it("widens only when the words hit nothing the member may see: hits a filter left out are no typo; hits the member may not see do not count", async () => {
    const C = await env.createTenant("Widen");
    const { conversationId: tortilla } = await env.ingest(C.channel, clientMessage({ chatId: "w1", name: "Олег Панов", text: "Есть тортилья с курицей?" }));
    const { conversationId: cake } = await env.ingest(C.channel, clientMessage({ chatId: "w2", name: "Вера Жукова", text: "Хочу заказать торт" }));
    await env.owner.update(conversations).set({ assigneeId: C.admin.membershipId }).where(eq(conversations.id, cake));
    const ask = (person: Person, filter?: "unassigned") => env.caller(person.token).conversations.list({ projectId: C.project.id, search: "торт", filter, limit: 50 });
    expect((await ask(C.owner)).items.map((c) => c.id)).toEqual([cake]);
    // «торт» is there, only not unassigned: «тортилья» is not offered instead.
    expect((await ask(C.owner, "unassigned")).items).toEqual([]);
    // A manager may not see the conversation with «торт»: for them the word hit nothing, and its
    // beginning finds «тортилья» as it would in a project without that conversation.
    expect((await ask(C.manager)).items.map((c) => c.id)).toEqual([tortilla]);
  });

  it("searches the project's own word most like it and says so, within what the member may see and never another project's words", async () => {
    const A = await env.createTenant("Typos");
    const B = await env.createTenant("TyposOther");
    const ask = async (person: Person, projectId: string, search: string) => env.caller(person.token).conversations.list({ projectId, search, limit: 50 });
    const { conversationId: bouquet } = await env.ingest(A.channel, clientMessage({ chatId: "t1", name: "Инна Громова", text: "Хочу букет хризантем на юбилей" }));
    const { conversationId: complaint } = await env.ingest(A.channel, clientMessage({ chatId: "t2", name: "Пётр Лавров", text: "Доставкой недоволен" }));
    await env.owner.update(conversations).set({ assigneeId: A.admin.membershipId }).where(eq(conversations.id, complaint));
    await env.ingest(B.channel, clientMessage({ chatId: "t3", name: "Павел Орлов", text: "Гироскутер сломался" }));
    // The reader takes messages stored a few seconds ago (a transaction still open may hold a lower id).
    await env.owner.execute(sql`update messages set created_at = now() - interval '1 minute'`);

    // Before the lexicon has read the messages, a typo finds nothing.
    expect(await ask(A.owner, A.project.id, "хризантм")).toMatchObject({ items: [], correctedSearch: null });
    expect(await extendSearchLexicon(env.db)).toBeGreaterThanOrEqual(3);

    const fixed = await ask(A.owner, A.project.id, "хризантм");
    expect(fixed.correctedSearch).toBe("хризантем");
    expect(fixed.items.map((c) => c.id)).toEqual([bouquet]);
    expect(fixed.items[0]!.match!.text).toBe("Хочу букет хризантем на юбилей");
    // Only the mistyped word changes; a word the project has stays as typed.
    expect(await ask(A.owner, A.project.id, "букет хризантм")).toMatchObject({ correctedSearch: "букет хризантем" });
    // Corrected or not, a manager's results are their own and unassigned conversations.
    expect((await ask(A.owner, A.project.id, "недовален")).items.map((c) => c.id)).toEqual([complaint]);
    expect(await ask(A.manager, A.project.id, "недовален")).toMatchObject({ items: [], correctedSearch: null });
    // Another project's words are never offered; that project gets its own.
    expect(await ask(A.owner, A.project.id, "гироскутр")).toMatchObject({ items: [], correctedSearch: null });
    expect(await ask(B.owner, B.project.id, "гироскутр")).toMatchObject({ correctedSearch: "гироскутер" });
    // A word found as typed is never corrected; the reader has nothing new to read.
    expect(await ask(A.owner, A.project.id, "хризантем")).toMatchObject({ correctedSearch: null });
    expect(await extendSearchLexicon(env.db)).toBe(0);
  });
});

describe("search for a term with thousands of hits", { timeout: 300_000 }, () => {
  // More hits than the indexes are asked for up front: the list is walked and each row checked.
  const MANY = RARE_LIMIT + 400;
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
    // More messages than the indexes read up front (twice RARE_LIMIT): the walk finds them too.
    await env.owner.execute(sql`
      insert into messages (project_id, conversation_id, channel_id, external_id, direction, author, text, sent_at)
      select ${T.project.id}, ${mine}, ${T.channel.id}, 'receipt-' || g, 'out', 'system', 'Квитанция №' || g || ' отправлена', now() - interval '3 days'
      from generate_series(1, ${RARE_LIMIT * 2 + 100}) g`);
    await env.owner.execute(sql`
      insert into messages (project_id, conversation_id, channel_id, external_id, direction, author, text, sent_at)
      values (${T.project.id}, ${unassigned}, ${T.channel.id}, 'receipt-0', 'in', 'client', 'Пришлите квитанцию, пожалуйста', now() - interval '3 days')`);
    expect((await searchAll(T.manager, "квитанции", 1)).ids).toEqual([unassigned, mine]);
    expect((await searchAll(T.owner, "квитанция", 50)).ids).toEqual([unassigned, mine]);
    // Too many hits to resolve, so rows are tested one by one: a bill's words still find nothing
    // for a role that does not see payments.
    const billed = await conversation("s12", "Зоя Карпова", "Добрый день", null);
    await billMessage(billed, "Квитанция на оплату курса\nСумма: 5 600 ₽\nОплатить: https://pay.example/ghi");
    await env.caller(T.owner.token).roles.update({ projectId: T.project.id, roleId: T.tech.roleId, permissions: ["inbox.use", "conversations.viewAll"] });
    expect((await searchAll(T.tech, "квитанция", 1)).ids).toEqual([unassigned, mine]);
    expect((await searchAll(T.owner, "квитанция", 1)).ids).toEqual([billed, unassigned, mine]);
  });

  it("a rare word among them finds its one conversation", async () => {
    expect((await searchAll(T.manager, "суббота", 50)).ids).toEqual([unassigned]);
  });
});
