import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { notifications, staffLinks, withTenant } from "@threadline/db";
import { TelegramBotApiSimulator } from "@threadline/simulators/channels";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { NOTIFICATION_TEXTS } from "../leads/notification-texts.ts";
import { answerStart, LINK_TOKEN_TTL_MS, sendStaffAlert, staffBotForWebhook } from "./alerts.ts";

// Staff alerts in Telegram: a member links their chat with a one-time deep link; alerts reach
// only linked, active members who did not block the bot.
const tg = new TelegramBotApiSimulator();
let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let botToken: string;
const MARIA = { id: 501, first_name: "Мария", username: "maria_m" };
const ANDREY = { id: 502, first_name: "Андрей", username: "andrey_a" };

beforeAll(async () => {
  await tg.start();
  env = await createTestEnv();
  env.useEndpoints({ telegramApiRoot: tg.apiRoot });
  T = await env.createTenant("Alerts");
  botToken = tg.addBot({ username: "zerno_staff_bot", firstName: "Зерно: сотрудники" }).token;
});
afterAll(async () => {
  await env?.close();
  await tg.stop();
});

const deps = () => ({ secretKey: env.deps.secretKey, endpoints: env.deps.endpoints, inboxUrl: "http://inbox.test" });
const tokenOf = (url: string) => new URL(url).searchParams.get("start")!;
async function bot() {
  return (await staffBotForWebhook(env.db, T.project.id, env.deps))!;
}
/** The member presses Start in Telegram with the deep link's token. */
async function start(client: typeof MARIA, token: string, now?: Date) {
  tg.simulateClientMessage({ botToken, from: client, startPayload: token });
  return answerStart(env.db, T.project.id, (await bot()).adapter, { token, chatId: String(client.id), username: client.username }, now);
}
async function notify(membershipId: string) {
  const [n] = await withTenant(env.db, T.project.id, (tx) =>
    tx.insert(notifications).values({ projectId: T.project.id, membershipId, conversationId: T.conversationId, kind: "lead.assigned", text: NOTIFICATION_TEXTS.withContact }).returning(),
  );
  return n!.id;
}

describe("staff alerts in Telegram", () => {
  it("without a staff bot a member cannot get a link", async () => {
    await expect(env.caller(T.manager.token).alerts.linkTelegram({ projectId: T.project.id })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("не подключён") });
  });

  it("the admin connects the bot; the token is stored sealed and the webhook points at the worker", async () => {
    const connected = await env.caller(T.owner.token).staffBot.connect({ projectId: T.project.id, token: botToken });
    expect(connected).toEqual({ username: "zerno_staff_bot" });
    expect((await env.caller(T.owner.token).staffBot.get({ projectId: T.project.id })).bot?.username).toBe("zerno_staff_bot");
    // Members without project settings cannot change it.
    await expect(env.caller(T.manager.token).staffBot.connect({ projectId: T.project.id, token: botToken })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("links once with the deep link; the same link used again is refused and changes nothing", async () => {
    const { url } = await env.caller(T.manager.token).alerts.linkTelegram({ projectId: T.project.id });
    expect(url).toMatch(/^https:\/\/t\.me\/zerno_staff_bot\?start=[\w-]{30,}$/);
    expect(await start(MARIA, tokenOf(url))).toBe("Готово! Уведомления проекта «Alerts» будут приходить сюда.");
    expect(tg.sentMessages(MARIA.id, { botToken }).at(-1)?.text).toContain("Готово!");
    // Andrey somehow got Maria's link: it is used up.
    expect(await start(ANDREY, tokenOf(url))).toBe("Ссылка уже использована или недействительна. Получите новую в профиле");
    const [link] = await env.owner.select().from(staffLinks).where(eq(staffLinks.membershipId, T.manager.membershipId));
    expect(link).toMatchObject({ chatId: String(MARIA.id), telegramUsername: "maria_m", tokenHash: null });
    expect((await env.caller(T.manager.token).alerts.settings({ projectId: T.project.id })).telegram_link).toMatchObject({ state: "linked", username: "maria_m" });
  });

  it("an expired link is refused", async () => {
    const { url } = await env.caller(T.admin.token).alerts.linkTelegram({ projectId: T.project.id });
    const later = new Date(Date.now() + LINK_TOKEN_TTL_MS + 60_000);
    expect(await start(ANDREY, tokenOf(url), later)).toBe("Срок ссылки истёк. Получите новую в профиле");
    const [link] = await env.owner.select().from(staffLinks).where(eq(staffLinks.membershipId, T.admin.membershipId));
    expect(link!.chatId).toBeNull();
  });

  it("an assignment reaches the linked member with the client's name and a link to the conversation", async () => {
    const id = await notify(T.manager.membershipId);
    expect(await sendStaffAlert(env.db, { projectId: T.project.id, notificationId: id }, deps())).toBe("sent");
    expect(tg.sentMessages(MARIA.id, { botToken }).at(-1)?.text).toBe(`Вам назначен новый лид с контактом: Анна Петрова\nhttp://inbox.test/p/${T.project.id}?c=${T.conversationId}`);
    // A member who turned Telegram alerts off gets nothing there.
    await env.caller(T.manager.token).alerts.update({ projectId: T.project.id, telegram: false });
    expect(await sendStaffAlert(env.db, { projectId: T.project.id, notificationId: await notify(T.manager.membershipId) }, deps())).toBe("skipped");
    await env.caller(T.manager.token).alerts.update({ projectId: T.project.id, telegram: true });
  });

  it("a member who blocked the bot is marked on the first 403 and not tried again", async () => {
    tg.blockBot(MARIA.id, botToken);
    const before = tg.sentMessages(MARIA.id, { botToken }).length;
    expect(await sendStaffAlert(env.db, { projectId: T.project.id, notificationId: await notify(T.manager.membershipId) }, deps())).toBe("blocked");
    expect(await sendStaffAlert(env.db, { projectId: T.project.id, notificationId: await notify(T.manager.membershipId) }, deps())).toBe("skipped");
    expect(tg.sentMessages(MARIA.id, { botToken }).length).toBe(before);
    expect((await env.caller(T.manager.token).alerts.settings({ projectId: T.project.id })).telegram_link?.state).toBe("blocked");
    // Linking again clears the mark.
    const { url } = await env.caller(T.manager.token).alerts.linkTelegram({ projectId: T.project.id });
    await start(MARIA, tokenOf(url));
    expect(await sendStaffAlert(env.db, { projectId: T.project.id, notificationId: await notify(T.manager.membershipId) }, deps())).toBe("sent");
  });

  it("unlinking, and firing, stop the alerts at once", async () => {
    const { url } = await env.caller(T.admin.token).alerts.linkTelegram({ projectId: T.project.id });
    await start(ANDREY, tokenOf(url));
    const pending = await notify(T.admin.membershipId);
    await env.caller(T.owner.token).staff.deactivate({ projectId: T.project.id, membershipId: T.admin.membershipId, reassignTo: T.manager.membershipId });
    expect(await sendStaffAlert(env.db, { projectId: T.project.id, notificationId: pending }, deps())).toBe("skipped");
    await env.caller(T.manager.token).alerts.unlinkTelegram({ projectId: T.project.id });
    expect(await sendStaffAlert(env.db, { projectId: T.project.id, notificationId: await notify(T.manager.membershipId) }, deps())).toBe("skipped");
    expect((await env.caller(T.manager.token).alerts.settings({ projectId: T.project.id })).telegram_link).toBeNull();
  });
});
