import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { channels, conversations, memberships, orderProposals, orders, withTenant } from "@threadline/db";
import { VkAdapter } from "@threadline/channels";
import { VkApiSimulator } from "@threadline/simulators/channels";
import { createTestEnv, startTestPipeline, type TestEnv } from "@threadline/testing";
import { encryptSecret } from "../crypto.ts";
import { upsertCatalog } from "../catalog/index.ts";
import { settleChat } from "./testing.ts";

// The agent's order proposal on a VK community, on real parts: its callback keyboard under the
// proposal (messages.send), the press as message_event through the Callback API, the answer as
// sendMessageEventAnswer, the order made by the same step as the client's «да».
let env: TestEnv;
let pipeline: Awaited<ReturnType<typeof startTestPipeline>>;
const vk = new VkApiSimulator({ callbackRetryDelaysMs: [50, 200] });
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let groupId: number;
let channelId: string;

beforeAll(async () => {
  env = await createTestEnv();
  pipeline = await startTestPipeline(env);
  await vk.start();
  env.useEndpoints({ vkApiBaseUrl: vk.apiBaseUrl });
  T = await env.createTenant("VkOrders");
  await withTenant(env.db, T.project.id, async (tx) => {
    await tx.update(memberships).set({ rotationOrder: 1 }).where(eq(memberships.id, T.manager.membershipId));
    await upsertCatalog(tx, T.project.id, [
      { name: "Капучино", category: "Кофе", priceMinor: 25000, options: [{ group: "Молоко", name: "овсяное молоко", priceDeltaMinor: 4000 }] },
      { name: "Круассан", category: "Выпечка", priceMinor: 15000 },
    ]);
  });
  const community = vk.addCommunity({ name: "Зерно ВК" });
  groupId = community.groupId;
  const secret = "vk-orders-secret";
  const [row] = await withTenant(env.db, T.project.id, (tx) =>
    tx
      .insert(channels)
      .values({ projectId: T.project.id, kind: "vk", name: "Зерно ВК", externalId: String(groupId), tokenEnc: encryptSecret(community.token, env.deps.secretKey), webhookSecret: secret, confirmation: community.confirmation })
      .returning(),
  );
  channelId = row!.id;
  await new VkAdapter({ groupId, token: community.token, apiBaseUrl: vk.apiBaseUrl }).registerWebhook({ url: `${pipeline.url}/webhooks/vk/${row!.id}`, secret });
  await vk.deliveriesIdle();
  await env.caller(T.owner.token).agent.update({ projectId: T.project.id, enabled: true, script: { maxPhoneAsks: 2, timeoutMinutes: 60 } });
});
afterAll(async () => {
  await pipeline?.close();
  await vk.stop();
  await env?.close();
});

async function say(userId: number, text: string) {
  const before = vk.sentMessages(userId, groupId).length;
  vk.simulateClientMessage({ groupId, userId, text });
  await expect.poll(() => vk.sentMessages(userId, groupId).length, { timeout: 15_000 }).toBeGreaterThan(before);
  await settleChat(env, channelId, userId);
}

async function press(userId: number, input: { label?: string; payload?: string; conversationMessageId?: number }) {
  const id = vk.pressButton({ groupId, userId, ...input });
  await expect.poll(() => vk.eventAnswer(groupId, id)?.answered, { timeout: 10_000 }).toBe(true);
  await settleChat(env, channelId, userId);
  return vk.eventAnswer(groupId, id)!.answer;
}

const ordersOf = () => withTenant(env.db, T.project.id, (tx) => tx.select().from(orders));

describe("the agent's order proposal on VK", () => {
  it("«Подтвердить» under the proposal makes one order however often it is pressed and hands the conversation to a manager; «Отменить» drops a proposal", async () => {
    await say(9301, "хочу два капучино на овсяном и круассан");
    const shown = vk.lastKeyboardMessage(groupId, 9301)!;
    expect(vk.sentMessages(9301, groupId).find((m) => m.id === shown.id)?.buttons).toHaveLength(2);
    expect(shown.text).toContain("Итого: 730 ₽");
    expect(shown.buttons.map((b) => [b.type, b.label])).toEqual([["callback", "Подтвердить"], ["callback", "Отменить"]]);
    const first = vk.pressButton({ groupId, userId: 9301, label: "Подтвердить" });
    const second = vk.pressButton({ groupId, userId: 9301, label: "Подтвердить" });
    await expect.poll(() => [vk.eventAnswer(groupId, first)?.answered, vk.eventAnswer(groupId, second)?.answered], { timeout: 10_000 }).toEqual([true, true]);
    await settleChat(env, channelId, 9301);
    const [order, ...more] = await ordersOf();
    expect(more).toEqual([]);
    expect(order).toMatchObject({ source: "agent", status: "new", totalMinor: 73000 });
    const answers = [vk.eventAnswer(groupId, first)!.answer?.text, vk.eventAnswer(groupId, second)!.answer?.text];
    expect(answers).toContain(`Заказ №${order!.number} оформлен`);
    expect(answers.some((a) => String(a).startsWith("Этот заказ уже оформлен"))).toBe(true);
    await expect.poll(() => vk.sentMessages(9301, groupId).map((m) => m.text).join("\n"), { timeout: 10_000 }).toMatch(/Заказ №\d+ принят: Капучино \(овсяное молоко\) ×2, Круассан/);
    // The proposal keeps its text and loses its buttons (messages.edit with {"buttons":[]}).
    await expect.poll(() => vk.sentMessages(9301, groupId).find((m) => m.id === shown.id)?.buttons, { timeout: 10_000 }).toBeUndefined();
    expect(vk.sentMessages(9301, groupId).find((m) => m.id === shown.id)?.text).toBe(shown.text);

    // The order went to a manager with the conversation.
    const conversationOf = async (userId: number) => (await env.owner.select({ id: conversations.id, stage: conversations.stage }).from(conversations).where(and(eq(conversations.channelId, channelId), eq(conversations.externalChatId, String(userId)))))[0]!;
    expect((await conversationOf(9301)).stage).toBe("assigned");

    await say(9304, "хочу круассан");
    expect(await press(9304, { label: "Отменить" })).toMatchObject({ text: "Заказ отменён" });
    const proposals = await env.owner.select({ status: orderProposals.status }).from(orderProposals).where(eq(orderProposals.conversationId, (await conversationOf(9304)).id));
    expect(proposals.map((p) => p.status)).toEqual(["cancelled"]);
    expect((await conversationOf(9304)).stage).toBe("bot");
    expect(await ordersOf()).toHaveLength(1);
  });

  it("another client's «Подтвердить» pressed in this dialog, or a forged payload, is refused and orders nothing", async () => {
    await say(9302, "хочу круассан");
    await say(9303, "хочу капучино");
    const theirs = vk.lastKeyboardMessage(groupId, 9302)!.buttons.find((b) => b.label === "Подтвердить")!.payload!;
    const mine = vk.lastKeyboardMessage(groupId, 9303)!.conversationMessageId;
    expect(await press(9303, { payload: theirs, conversationMessageId: mine })).toEqual({ type: "show_snackbar", text: "Эта кнопка не из этого чата." });
    expect(await press(9303, { payload: '{"menu":"op:zz:y"}', conversationMessageId: mine })).toEqual({ type: "show_snackbar", text: "Кнопка не распознана. Напишите, что хотите заказать." });
    expect(await ordersOf()).toHaveLength(1);
  });
});
