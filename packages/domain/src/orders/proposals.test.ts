import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, sql } from "drizzle-orm";
import { attachments, channels, conversations, leadEvents, memberships, messages, notifications, orderProposals, orders, orderStatusEvents, withTenant } from "@threadline/db";
import { TelegramAdapter } from "@threadline/channels";
import { solidPng, TelegramBotApiSimulator } from "@threadline/simulators/channels";
import { createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";
import { encryptSecret } from "../crypto.ts";
import { loadCatalog, upsertCatalog } from "../catalog/index.ts";
import { setProductPhoto } from "../catalog/photo.ts";
import { settleChat } from "./testing.ts";
import { cancelProposal, confirmProposal, latestProposal, PROPOSAL_TTL_MS, proposeOrder } from "./proposals.ts";

// Orders the agent proposes from the client's words and the client confirms, on real parts: a
// Telegram bot (simulator) through the webhook ingress, the BullMQ workers, Postgres and Redis.
let env: TestEnv;
let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
const tg = new TelegramBotApiSimulator({ botRate: { limit: 1000, windowMs: 1000 }, chatRate: { limit: 1000, windowMs: 1000 } });

type Tenant = Awaited<ReturnType<TestEnv["createTenant"]>>;
type Project = { T: Tenant; channelId: string; token: string };

async function project(name: string): Promise<Project> {
  const T = await env.createTenant(name);
  await withTenant(env.db, T.project.id, async (tx) => {
    await tx.update(memberships).set({ rotationOrder: 1 }).where(eq(memberships.id, T.manager.membershipId));
    await upsertCatalog(tx, T.project.id, [
      { name: "Капучино", category: "Кофе", priceMinor: 25000, options: [{ group: "Молоко", name: "овсяное молоко", priceDeltaMinor: 4000 }, { group: "Размер", name: "большой 400 мл", priceDeltaMinor: 6000 }] },
      { name: "Латте", category: "Кофе", priceMinor: 27000, options: [{ group: "Размер", name: "большой", priceDeltaMinor: 5000 }] },
      { name: "Круассан", category: "Выпечка", priceMinor: 15000 },
      { name: "Раф", category: "Кофе", priceMinor: 32000, available: false },
    ]);
  });
  const bot = tg.addBot();
  const secret = `secret-${name}`;
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx
      .insert(channels)
      .values({ projectId: T.project.id, kind: "telegram", name: "Бот", externalId: String(bot.botId), tokenEnc: encryptSecret(bot.token, env.deps.secretKey), webhookSecret: secret })
      .returning(),
  );
  await new TelegramAdapter({ token: bot.token, apiRoot: tg.apiRoot }).registerWebhook({ url: `${pipeline.url}/webhooks/telegram/${row!.id}`, secret });
  await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: true, script: { maxPhoneAsks: 2, timeoutMinutes: 60 } });
  return { T, channelId: row!.id, token: bot.token };
}

let chat = 61_000;

async function turn(p: Project, chatId: number, text: string) {
  const count = async () => (await env.owner.select({ n: sql<number>`count(*)::int` }).from(messages).where(and(eq(messages.channelId, p.channelId), eq(messages.direction, "in"))))[0]!.n;
  const before = await count();
  tg.simulateClientMessage({ botToken: p.token, from: { id: chatId, first_name: "Ольга" }, text });
  await expect.poll(count, { timeout: 10_000, interval: 20 }).toBe(before + 1);
  await settleChat(env, p.channelId, chatId);
}

async function conversationOf(p: Project, chatId: number) {
  const [row] = await env.owner.select({ id: conversations.id }).from(conversations).where(and(eq(conversations.channelId, p.channelId), eq(conversations.externalChatId, String(chatId))));
  return row!.id;
}

const outgoing = (conversationId: string) =>
  env.owner.select({ author: messages.author, text: messages.text }).from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.direction, "out"))).orderBy(asc(messages.id));
/** One piece of a product as a proposal line, at its catalog price. */
async function catalogLine(p: Project, name: string) {
  const catalog = await withTenant(env.db, p.T.project.id, (tx) => loadCatalog(tx));
  const product = catalog.products.find((x) => x.name === name)!;
  return { productId: product.id, name: product.name, optionIds: [], options: [], quantity: 1, unitPriceMinor: product.priceMinor };
}
/** The lead went to a member by rotation with the agent as who and `order_placed` as why, and the manager was told. */
async function expectHandedOver(p: Project, conversationId: string) {
  const [c] = await env.owner.select({ stage: conversations.stage, assigneeId: conversations.assigneeId }).from(conversations).where(eq(conversations.id, conversationId));
  expect(c!.stage).toBe("assigned");
  const [member] = await env.owner.select({ projectId: memberships.projectId }).from(memberships).where(eq(memberships.id, c!.assigneeId!));
  expect(member).toEqual({ projectId: p.T.project.id });
  const [moved] = await env.owner.select().from(leadEvents).where(and(eq(leadEvents.conversationId, conversationId), eq(leadEvents.toStage, "assigned")));
  expect(moved).toMatchObject({ fromStage: "bot", actorKind: "agent", reason: "order_placed" });
  const told = await env.owner.select({ text: notifications.text, membershipId: notifications.membershipId }).from(notifications).where(eq(notifications.conversationId, conversationId));
  expect(told).toEqual([{ text: "Клиент оформил заказ у ИИ-агента", membershipId: c!.assigneeId }]);
}
const ordersOf = (conversationId: string) => env.owner.select().from(orders).where(eq(orders.conversationId, conversationId));

beforeAll(async () => {
  env = await createTestEnv();
  pipeline = await startTestPipeline(env);
  await tg.start();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot });
});
afterAll(async () => {
  await pipeline?.close();
  await tg.stop();
  await env?.close();
});

describe("orders the agent proposes and the client confirms", () => {
  let A: Project;
  let B: Project;
  beforeAll(async () => {
    A = await project("Zerno");
    B = await project("Sdoba");
  });

  it("proposes from free text with catalog prices; «да» makes one `agent` order in `new` with who and when, on the board's events", async () => {
    const chatId = ++chat;
    await turn(A, chatId, "Здравствуйте! хочу два капучино на овсяном и круассан");
    const conversationId = await conversationOf(A, chatId);
    const proposal = (await outgoing(conversationId)).at(-1)!;
    expect(proposal.author).toBe("agent");
    expect(proposal.text).toContain("Подтвердите заказ");
    expect(proposal.text).toContain("Капучино (овсяное молоко) — 2 × 290 ₽ = 580 ₽");
    expect(proposal.text).toContain("Итого: 730 ₽");
    expect(await ordersOf(conversationId)).toEqual([]);

    await turn(A, chatId, "да");
    const [order] = await ordersOf(conversationId);
    expect(order).toMatchObject({ source: "agent", status: "new", totalMinor: 73000, createdByMembershipId: null });
    const events = await env.owner.select().from(orderStatusEvents).where(eq(orderStatusEvents.orderId, order!.id));
    expect(events.map((e) => [e.fromStatus, e.toStatus, e.actorKind])).toEqual([[null, "new", "client"]]);
    expect(events[0]!.createdAt).toBeInstanceOf(Date);
    expect(env.published.some((e) => e.type === "order.created" && e.orderId === order!.id)).toBe(true);
    const last = (await outgoing(conversationId)).at(-1)!;
    expect(last).toMatchObject({ author: "system" });
    expect(last.text).toMatch(/^Заказ №\d+ принят: Капучино \(овсяное молоко\) ×2, Круассан/);

    // The order is a person's work now: the lead goes to a manager, as one with a phone does.
    await expectHandedOver(A, conversationId);
    // A second «да» makes no second order; the agent no longer answers in a manager's conversation.
    const said = (await outgoing(conversationId)).length;
    await turn(A, chatId, "да");
    expect(await ordersOf(conversationId)).toHaveLength(1);
    expect(await outgoing(conversationId)).toHaveLength(said);
    const [board] = await env.caller(A.T.owner.token).orders.board({ projectId: A.T.project.id });
    expect(board).toMatchObject({ id: order!.id, source: "agent", status: "new" });
  });

  it("«нет» drops the proposal; a stop-listed product or an unknown option is answered with what there is", async () => {
    const chatId = ++chat;
    await turn(A, chatId, "оформите латте большой");
    const conversationId = await conversationOf(A, chatId);
    expect((await outgoing(conversationId)).at(-1)!.text).toContain("Латте (большой) — 320 ₽");
    await turn(A, chatId, "нет");
    expect((await outgoing(conversationId)).at(-1)!.text).toContain("заказ отменён");
    await turn(A, chatId, "да");
    expect(await ordersOf(conversationId)).toEqual([]);
    const [p] = await env.owner.select().from(orderProposals).where(eq(orderProposals.conversationId, conversationId));
    expect(p).toMatchObject({ status: "cancelled" });

    await turn(A, chatId, "тогда хочу раф");
    const raf = (await outgoing(conversationId)).at(-1)!.text!;
    expect(raf).toContain("нет в наличии");
    expect(raf).toMatch(/Латте|Капучино/);
    await turn(A, chatId, "хочу капучино на кокосовом");
    expect((await outgoing(conversationId)).at(-1)!.text).toContain("Можно: овсяное молоко +40 ₽");
    expect(await ordersOf(conversationId)).toEqual([]);
  });

  it("a proposal past its time is not ordered: «да» gets a clear answer", async () => {
    const chatId = ++chat;
    await turn(A, chatId, "хочу круассан");
    const conversationId = await conversationOf(A, chatId);
    await env.owner.update(orderProposals).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(orderProposals.conversationId, conversationId));
    await turn(A, chatId, "да");
    expect((await outgoing(conversationId)).at(-1)!.text).toContain("устарело");
    expect(await ordersOf(conversationId)).toEqual([]);
  });

  it("a price changed between proposal and «да» is proposed again at the new price, then ordered at it", async () => {
    const chatId = ++chat;
    await turn(A, chatId, "хочу 3 круассана");
    const conversationId = await conversationOf(A, chatId);
    await withTenant(env.db, A.T.project.id, (tx) => upsertCatalog(tx, A.T.project.id, [{ name: "Круассан", category: "Выпечка", priceMinor: 17000 }]));
    await turn(A, chatId, "подтверждаю");
    expect(await ordersOf(conversationId)).toEqual([]);
    const again = (await outgoing(conversationId)).at(-1)!.text!;
    expect(again).toContain("Цена изменилась");
    expect(again).toContain("3 × 170 ₽ = 510 ₽");
    await turn(A, chatId, "да");
    const [order] = await ordersOf(conversationId);
    expect(order).toMatchObject({ totalMinor: 51000, source: "agent" });
    await withTenant(env.db, A.T.project.id, (tx) => upsertCatalog(tx, A.T.project.id, [{ name: "Круассан", category: "Выпечка", priceMinor: 15000 }]));
  });

  it("confirming twice, even at once, makes one order; expiry and cancel are kept", async () => {
    const chatId = ++chat;
    await turn(A, chatId, "хочу латте");
    const conversationId = await conversationOf(A, chatId);
    const results = await Promise.all([1, 2, 3].map(() => withTenant(env.db, A.T.project.id, (tx) => confirmProposal(tx, A.T.project.id, conversationId))));
    expect(results.map((r) => r.kind).sort()).toEqual(["already", "already", "placed"]);
    expect(await ordersOf(conversationId)).toHaveLength(1);
    expect(await withTenant(env.db, A.T.project.id, (tx) => cancelProposal(tx, conversationId))).toBe(false);

    const line = await catalogLine(A, "Латте");
    const past = new Date(Date.now() - PROPOSAL_TTL_MS - 1000);
    await withTenant(env.db, A.T.project.id, (tx) => proposeOrder(tx, A.T.project.id, conversationId, [line], past));
    expect(await withTenant(env.db, A.T.project.id, (tx) => latestProposal(tx, conversationId))).toMatchObject({ status: "expired" });
    expect(await withTenant(env.db, A.T.project.id, (tx) => confirmProposal(tx, A.T.project.id, conversationId))).toEqual({ kind: "expired" });
    expect(await ordersOf(conversationId)).toHaveLength(1);
  });

  /** Presses a button under the proposal the client sees and waits for the bot's answer (and what it sends). */
  async function press(p: Project, chatId: number, text: string, opts: { messageId?: number; data?: string } = {}) {
    const id = tg.pressButton({ botToken: p.token, from: chatId, messageId: opts.messageId ?? (tg.lastKeyboardMessage(chatId, p.token) ?? tg.sentMessages(chatId, { botToken: p.token }).at(-1)!).messageId, ...(opts.data ? { data: opts.data } : { text }) });
    await expect.poll(() => tg.callbackAnswer(id, p.token)?.answered, { timeout: 10_000, interval: 20 }).toBe(true);
    await settleChat(env, p.channelId, chatId);
    return tg.callbackAnswer(id, p.token)!;
  }

  it("the proposal carries «Подтвердить» / «Отменить»: a press does what «да» / «нет» does, once; the text still works", async () => {
    const chatId = ++chat;
    await turn(A, chatId, "хочу два капучино на овсяном и круассан");
    const conversationId = await conversationOf(A, chatId);
    const shown = tg.lastKeyboardMessage(chatId, A.token)!;
    expect(shown.text).toContain("Итого: 730 ₽");
    expect(shown.keyboard!.flat().map((b) => b.text)).toEqual(["Подтвердить", "Отменить"]);
    for (const b of shown.keyboard!.flat()) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    const cancelData = shown.keyboard!.flat().find((b) => b.text === "Отменить")!.callback_data;

    // Two presses of «Подтвердить» before the bot answered either: one order.
    const first = tg.pressButton({ botToken: A.token, from: chatId, messageId: shown.messageId, text: "Подтвердить" });
    const second = tg.pressButton({ botToken: A.token, from: chatId, messageId: shown.messageId, text: "Подтвердить" });
    await expect.poll(() => [tg.callbackAnswer(first, A.token)?.answered, tg.callbackAnswer(second, A.token)?.answered], { timeout: 10_000 }).toEqual([true, true]);
    await settleChat(env, A.channelId, chatId);
    const [order, ...more] = await ordersOf(conversationId);
    expect(more).toEqual([]);
    expect(order).toMatchObject({ source: "agent", status: "new", totalMinor: 73000 });
    const answers = [tg.callbackAnswer(first, A.token)!.text, tg.callbackAnswer(second, A.token)!.text];
    expect(answers).toContain(`Заказ №${order!.number} оформлен`);
    expect(answers).toContain("Этот заказ уже оформлен, повторять не нужно. Если хотите что-то ещё — напишите.");
    const events = await env.owner.select().from(orderStatusEvents).where(eq(orderStatusEvents.orderId, order!.id));
    expect(events.map((e) => [e.fromStatus, e.toStatus, e.actorKind])).toEqual([[null, "new", "client"]]);
    expect(env.published.some((e) => e.type === "order.created" && e.orderId === order!.id)).toBe(true);
    expect((await outgoing(conversationId)).at(-1)!.text).toMatch(/^Заказ №\d+ принят: Капучино \(овсяное молоко\) ×2, Круассан/);
    await expectHandedOver(A, conversationId);
    // The buttons go from the proposal (editMessageReplyMarkup through the outbound queue); a
    // press of «Отменить» still on its way changes nothing.
    await expect.poll(() => tg.sentMessages(chatId, { botToken: A.token }).find((m) => m.messageId === shown.messageId)?.keyboard, { timeout: 10_000 }).toBeUndefined();
    expect(tg.sentMessages(chatId, { botToken: A.token }).find((m) => m.messageId === shown.messageId)?.text).toBe(shown.text);
    expect((await press(A, chatId, "", { messageId: shown.messageId, data: cancelData })).text).toContain("уже оформлен");
    expect(await ordersOf(conversationId)).toHaveLength(1);
  });

  it("a proposal confirmed while its message was still going out loses its buttons once the message is recorded", async () => {
    const chatId = ++chat;
    // Telegram delivers the proposal (its buttons can be pressed) but its answer to the bot is slow.
    const held = tg.holdNextAnswer("sendMessage", (fields) => fields.has("reply_markup"));
    tg.simulateClientMessage({ botToken: A.token, from: { id: chatId, first_name: "Ольга" }, text: "хочу капучино и круассан" });
    await held.reached;
    const shown = tg.lastKeyboardMessage(chatId, A.token)!;
    expect(shown.text).toContain("Итого: 400 ₽");
    const pressed = tg.pressButton({ botToken: A.token, from: chatId, messageId: shown.messageId, text: "Подтвердить" });
    await expect.poll(() => tg.callbackAnswer(pressed, A.token)?.text, { timeout: 10_000 }).toMatch(/^Заказ №\d+ оформлен/);
    const buttons = () => tg.sentMessages(chatId, { botToken: A.token }).find((m) => m.messageId === shown.messageId)?.keyboard;
    // The decision could not name a message not yet recorded as sent: the buttons are still there.
    expect(buttons()).toBeDefined();
    held.release();
    await expect.poll(buttons, { timeout: 10_000 }).toBeUndefined();
    await settleChat(env, A.channelId, chatId);
    expect(await ordersOf(await conversationOf(A, chatId))).toHaveLength(1);
  });

  it("«Отменить» drops the proposal as «нет» would; a replaced or cancelled proposal's buttons are out of date", async () => {
    const chatId = ++chat;
    await turn(A, chatId, "хочу латте");
    const conversationId = await conversationOf(A, chatId);
    const latte = tg.lastKeyboardMessage(chatId, A.token)!;
    // The simulator's records change in place when the buttons go: the payloads are kept first.
    const payloads = new Map<number, Map<string, string>>();
    const keep = (m: typeof latte) => (payloads.set(m.messageId, new Map(m.keyboard!.flat().map((b) => [b.text, b.callback_data]))), m);
    const buttonData = (m: typeof latte, text: string) => payloads.get(m.messageId)!.get(text)!;
    keep(latte);
    const buttonsOf = (messageId: number) => tg.sentMessages(chatId, { botToken: A.token }).find((m) => m.messageId === messageId)?.keyboard;
    expect(await press(A, chatId, "Отменить")).toMatchObject({ text: "Заказ отменён" });
    expect((await outgoing(conversationId)).at(-1)!.text).toContain("заказ отменён");
    await expect.poll(() => buttonsOf(latte.messageId), { timeout: 10_000 }).toBeUndefined();
    expect(await press(A, chatId, "", { messageId: latte.messageId, data: buttonData(latte, "Подтвердить") })).toMatchObject({ text: "Это предложение заказа устарело. Напишите ещё раз, что хотите заказать.", showAlert: true });
    expect(await ordersOf(conversationId)).toEqual([]);

    await turn(A, chatId, "хочу круассан");
    const replaced = keep(tg.lastKeyboardMessage(chatId, A.token)!);
    await turn(A, chatId, "хочу 2 круассана");
    expect(tg.lastKeyboardMessage(chatId, A.token)!.messageId).not.toBe(replaced.messageId);
    // The replaced proposal loses its buttons; the new one keeps them.
    await expect.poll(() => buttonsOf(replaced.messageId), { timeout: 10_000 }).toBeUndefined();
    expect(buttonsOf(tg.lastKeyboardMessage(chatId, A.token)!.messageId)).toBeDefined();
    expect(await press(A, chatId, "", { messageId: replaced.messageId, data: buttonData(replaced, "Подтвердить") })).toMatchObject({ showAlert: true, text: expect.stringContaining("устарело") });
    expect(await ordersOf(conversationId)).toEqual([]);
    const statuses = await env.owner.select({ status: orderProposals.status }).from(orderProposals).where(eq(orderProposals.conversationId, conversationId)).orderBy(asc(orderProposals.createdAt));
    expect(statuses.map((p) => p.status)).toEqual(["cancelled", "replaced", "pending"]);
    // The one shown last works; the text «да» is still read while the agent has the conversation.
    await press(A, chatId, "Подтвердить");
    expect((await ordersOf(conversationId)).map((o) => o.totalMinor)).toEqual([30000]);
    await expectHandedOver(A, conversationId);
  });

  it("a price question about one product is answered with the product's photo, the text as its caption; about two, as text", async () => {
    const latte = (await withTenant(env.db, A.T.project.id, (tx) => loadCatalog(tx))).products.find((x) => x.name === "Латте")!;
    const png = solidPng(40, 30, [190, 160, 120]);
    await withTenant(env.db, A.T.project.id, (tx) => setProductPhoto(tx, pipeline.storage, A.T.project.id, latte.id, png));
    const chatId = ++chat;
    await turn(A, chatId, "сколько стоит латте?");
    const conversationId = await conversationOf(A, chatId);
    await expect.poll(() => tg.sentMessages(chatId, { botToken: A.token }).find((m) => m.kind === "photo"), { timeout: 10_000 }).toBeDefined();
    const sent = tg.sentMessages(chatId, { botToken: A.token }).find((m) => m.kind === "photo")!;
    expect(sent.caption).toMatch(/^Латте — 270\s₽/);
    expect(sent.file!.data.equals(png)).toBe(true);
    // The catalog's price is in the caption, nothing else: the thread keeps it as the agent's photo message.
    const said = await env.owner.select({ id: messages.id, kind: messages.kind, text: messages.text }).from(messages).where(and(eq(messages.conversationId, conversationId), eq(messages.author, "agent"))).orderBy(asc(messages.id));
    const stored = said.find((m) => m.text === sent.caption);
    expect(stored).toMatchObject({ kind: "photo" });
    expect(said.filter((m) => m.kind === "photo")).toHaveLength(1);
    // The send read its type from the bytes: the thread shows it as an image.
    const files = await env.owner.select({ kind: attachments.kind, storageKey: attachments.storageKey, mime: attachments.mime }).from(attachments).where(eq(attachments.messageId, stored!.id));
    expect(files).toEqual([{ kind: "photo", storageKey: expect.stringMatching(new RegExp(`^catalog/${A.T.project.id}/`)), mime: "image/png" }]);

    const other = ++chat;
    await turn(A, other, "сколько стоят латте и круассан?");
    await expect.poll(async () => (await outgoing(await conversationOf(A, other))).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await settleChat(env, A.channelId, other);
    expect(tg.sentMessages(other, { botToken: A.token }).some((m) => m.kind === "photo")).toBe(false);
  });

  it("a press of another chat's proposal, a forged payload or a stale proposal is refused and orders nothing", async () => {
    const anna = ++chat;
    const boris = ++chat;
    await turn(A, anna, "хочу латте");
    await turn(A, boris, "хочу круассан");
    const annaButtons = tg.lastKeyboardMessage(anna, A.token)!.keyboard!.flat();
    const confirmAnna = annaButtons.find((b) => b.text === "Подтвердить")!.callback_data;
    // Анна's «Подтвердить» pressed in Борис's chat (on his proposal's message), a forged one.
    expect(await press(A, boris, "", { data: confirmAnna })).toMatchObject({ text: "Эта кнопка не из этого чата.", showAlert: true });
    expect(await press(A, boris, "", { data: `op:${"0".repeat(32)}:y` })).toMatchObject({ text: "Эта кнопка не из этого чата.", showAlert: true });
    expect(await press(A, boris, "", { data: "op:zzz:y" })).toMatchObject({ text: "Кнопка не распознана. Напишите, что хотите заказать.", showAlert: true });
    // The same payload in another project's bot: that project cannot see the proposal.
    await turn(B, boris, "Здравствуйте");
    expect(await press(B, boris, "", { data: confirmAnna })).toMatchObject({ text: "Эта кнопка не из этого чата.", showAlert: true });
    expect(await ordersOf(await conversationOf(A, anna))).toEqual([]);
    expect(await ordersOf(await conversationOf(A, boris))).toEqual([]);
    expect(await ordersOf(await conversationOf(B, boris))).toEqual([]);
    // A proposal past its time: its buttons say so.
    await env.owner.update(orderProposals).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(orderProposals.conversationId, await conversationOf(A, anna)));
    expect(await press(A, anna, "Подтвердить")).toMatchObject({ text: expect.stringContaining("устарело"), showAlert: true });
    expect(await ordersOf(await conversationOf(A, anna))).toEqual([]);
  });

  it("another project can neither read nor confirm nor cancel a proposal", async () => {
    const chatId = ++chat;
    await turn(A, chatId, "хочу круассан");
    const conversationId = await conversationOf(A, chatId);
    await withTenant(env.db, B.T.project.id, async (tx) => {
      expect(await latestProposal(tx, conversationId)).toBeNull();
      expect(await confirmProposal(tx, B.T.project.id, conversationId)).toEqual({ kind: "none" });
      expect(await cancelProposal(tx, conversationId)).toBe(false);
      expect(await tx.select().from(orderProposals)).toEqual([]);
    });
    const line = await catalogLine(A, "Круассан");
    // A row for another project's conversation is refused by the tenant policy.
    await expect(withTenant(env.db, B.T.project.id, (tx) => proposeOrder(tx, A.T.project.id, conversationId, [line]))).rejects.toThrow();
    const [p] = await env.owner.select().from(orderProposals).where(and(eq(orderProposals.conversationId, conversationId), eq(orderProposals.status, "pending")));
    expect(p).toBeTruthy();
    expect(await ordersOf(conversationId)).toEqual([]);
  });
});
