import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { conversations, messages, orders, withTenant } from "@threadline/db";
import { createTwoTenantEnv, type TestEnv } from "@threadline/testing";
import { loadCatalog, setProductAvailable, upsertCatalog } from "../catalog/index.ts";
import { canMoveOrder } from "./statuses.ts";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
let ids: { cappuccino: string; oat: string; almond: string; croissant: string; syrup: string };

beforeAll(async () => {
  ({ env, A, B } = await createTwoTenantEnv("Кофейня", "Пекарня"));
  await withTenant(env.db, A.project.id, (tx) =>
    upsertCatalog(tx, A.project.id, [
      { name: "Капучино", category: "Кофе", priceMinor: 22000, options: [{ group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 }, { group: "Молоко", name: "миндальное", priceDeltaMinor: 5000 }, { name: "сироп", priceDeltaMinor: 3000 }] },
      { name: "Круассан", category: "Выпечка", priceMinor: 15000 },
    ]),
  );
  const view = await withTenant(env.db, A.project.id, (tx) => loadCatalog(tx));
  const cap = view.products.find((p) => p.name === "Капучино")!;
  ids = {
    cappuccino: cap.id,
    oat: cap.options.find((o) => o.name === "овсяное")!.id,
    almond: cap.options.find((o) => o.name === "миндальное")!.id,
    syrup: cap.options.find((o) => o.name === "сироп")!.id,
    croissant: view.products.find((p) => p.name === "Круассан")!.id,
  };
});
afterAll(async () => env?.close());

const countOrders = () => withTenant(env.db, A.project.id, (tx) => tx.select().from(orders)).then((r) => r.length);

describe("orders", () => {
  it("a manager takes an order: prices copied from the catalog, a number, the client's message pending", async () => {
    const api = env.caller(A.manager.token);
    const created = await api.orders.create({
      projectId: A.project.id,
      conversationId: A.conversationId,
      lines: [
        { productId: ids.cappuccino, optionIds: [ids.oat, ids.syrup], quantity: 2 },
        { productId: ids.croissant, optionIds: [], quantity: 1 },
      ],
      customerName: "Анна",
      phone: "8 912 345-67-89",
      pickupTime: "через 15 минут",
    });
    expect(created).toMatchObject({ number: 1, totalMinor: 2 * 29000 + 15000, currency: "RUB" });
    const [order] = await api.orders.forConversation({ projectId: A.project.id, conversationId: A.conversationId });
    expect(order).toMatchObject({ status: "new", phone: "+79123456789", source: "manager" });
    expect(order!.items.map((i) => [i.name, i.unitPriceMinor, i.options.map((o) => o.name), i.quantity])).toEqual([
      ["Капучино", 29000, ["овсяное", "сироп"], 2],
      ["Круассан", 15000, [], 1],
    ]);
    const sent = await withTenant(env.db, A.project.id, (tx) => tx.select().from(messages).where(eq(messages.conversationId, A.conversationId)));
    expect(sent.at(-1)).toMatchObject({ author: "system", delivery: "pending", direction: "out" });
    expect(sent.at(-1)!.text).toMatch(/^Заказ №1 принят: Капучино \(овсяное, сироп\) ×2, Круассан\. Сумма 730\s₽/);
    expect(env.published.some((e) => e.type === "order.created" && e.orderId === created.orderId)).toBe(true);

    // A price change later does not touch the order.
    await withTenant(env.db, A.project.id, (tx) => upsertCatalog(tx, A.project.id, [{ name: "Круассан", category: "Выпечка", priceMinor: 17000 }]));
    const [again] = await api.orders.forConversation({ projectId: A.project.id, conversationId: A.conversationId });
    expect(again!.items[1]!.unitPriceMinor).toBe(15000);
    expect(again!.totalMinor).toBe(73000);
  });

  it("refuses unknown options, two of one group, a stop-listed product, a bad phone and an empty order, writing nothing", async () => {
    const before = await countOrders();
    const api = env.caller(A.manager.token);
    const base = { projectId: A.project.id, conversationId: A.conversationId };
    const foreignOption = "00000000-0000-4000-8000-000000000000";
    await expect(api.orders.create({ ...base, lines: [{ productId: ids.croissant, optionIds: [ids.oat], quantity: 1 }] })).rejects.toMatchObject({ cause: { code: "order.optionUnknown" } });
    await expect(api.orders.create({ ...base, lines: [{ productId: ids.cappuccino, optionIds: [foreignOption], quantity: 1 }] })).rejects.toMatchObject({ cause: { code: "order.optionUnknown" } });
    await expect(api.orders.create({ ...base, lines: [{ productId: ids.cappuccino, optionIds: [ids.oat, ids.almond], quantity: 1 }] })).rejects.toMatchObject({ cause: { code: "order.optionConflict" } });
    await expect(api.orders.create({ ...base, lines: [{ productId: ids.cappuccino, optionIds: [], quantity: 1 }], phone: "12345" })).rejects.toMatchObject({ cause: { code: "order.phoneInvalid" } });
    await expect(api.orders.create({ ...base, lines: [{ productId: ids.cappuccino, optionIds: [], quantity: 0 }] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.orders.create({ ...base, lines: [] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await withTenant(env.db, A.project.id, (tx) => setProductAvailable(tx, ids.croissant, false));
    await expect(
      api.orders.create({ ...base, lines: [{ productId: ids.cappuccino, optionIds: [], quantity: 1 }, { productId: ids.croissant, optionIds: [], quantity: 1 }] }),
    ).rejects.toMatchObject({ cause: { code: "order.productUnavailable", params: { name: "Круассан" } } });
    await withTenant(env.db, A.project.id, (tx) => setProductAvailable(tx, ids.croissant, true));
    expect(await countOrders()).toBe(before);
  });

  it("moves along allowed statuses only, with who and when; a confirmed order hands the lead to a person; each move messages the client", async () => {
    const owner = env.caller(A.owner.token);
    const [order] = await owner.orders.board({ projectId: A.project.id });
    await expect(owner.orders.setStatus({ projectId: A.project.id, orderId: order!.id, status: "new" })).rejects.toMatchObject({ cause: { code: "order.transitionInvalid" } });
    await owner.orders.setStatus({ projectId: A.project.id, orderId: order!.id, status: "confirmed" });
    const [c] = await withTenant(env.db, A.project.id, (tx) => tx.select().from(conversations).where(eq(conversations.id, A.conversationId)));
    expect(c!.stage).toBe("assigned");
    await owner.orders.setStatus({ projectId: A.project.id, orderId: order!.id, status: "ready" });
    await expect(owner.orders.setStatus({ projectId: A.project.id, orderId: order!.id, status: "preparing" })).rejects.toMatchObject({ cause: { code: "order.transitionInvalid" } });
    await owner.orders.setTemplates({ projectId: A.project.id, templates: { done: "Спасибо, {name}! Заказ №{number} у вас." } });
    await owner.orders.setStatus({ projectId: A.project.id, orderId: order!.id, status: "done" });
    await expect(owner.orders.setStatus({ projectId: A.project.id, orderId: order!.id, status: "cancelled" })).rejects.toMatchObject({ cause: { code: "order.transitionInvalid" } });
    const history = await owner.orders.history({ projectId: A.project.id, orderId: order!.id });
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.actorKind])).toEqual([
      [null, "new", "member"],
      ["new", "confirmed", "member"],
      ["confirmed", "ready", "member"],
      ["ready", "done", "member"],
    ]);
    expect(history[1]!.actorName).toBeTruthy();
    const texts = (await withTenant(env.db, A.project.id, (tx) => tx.select().from(messages).where(eq(messages.conversationId, A.conversationId)))).filter((m) => m.author === "system").map((m) => m.text);
    expect(texts.slice(-3)).toEqual(["Заказ №1 подтверждён. Сумма 730 ₽.".replace(" ₽", "\u00a0₽"), "Заказ №1 готов! Можно забирать.", "Спасибо, Анна! Заказ №1 у вас."]);
  });

  it("roles: finance has no board; the other project sees none of it", async () => {
    await expect(env.caller(A.finance.token).orders.board({ projectId: A.project.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await env.caller(B.owner.token).orders.board({ projectId: B.project.id })).toEqual([]);
  });

  it("allowed moves", () => {
    expect(canMoveOrder("new", "cancelled")).toBe(true);
    expect(canMoveOrder("ready", "new")).toBe(false);
    expect(canMoveOrder("cancelled", "confirmed")).toBe(false);
    expect(canMoveOrder("preparing", "ready")).toBe(true);
  });
});
