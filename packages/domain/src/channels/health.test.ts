import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { channels, notifications, withTenant } from "@threadline/db";
import { isChannelError, type ChannelError } from "@threadline/channels";
import { TelegramBotApiSimulator } from "@threadline/simulators/channels";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { telegramAdapter } from "../endpoints.ts";
import { channelProblems, FAILURES_BEFORE_ERROR, recordChannelFailure, recordChannelSuccess } from "./health.ts";

// Channel health on the Telegram simulator's real answers: a revoked token (401) breaks the channel
// at once, platform failures after several in a row, a client's block never; a send that goes
// through mends it.
const tg = new TelegramBotApiSimulator();
let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let token: string;
const CLIENT = { id: 8101, first_name: "Ира" };

beforeAll(async () => {
  await tg.start();
  env = await createTestEnv();
  T = await env.createTenant("Health");
  token = tg.addBot({ username: "health_bot" }).token;
  tg.simulateClientMessage({ botToken: token, from: CLIENT, text: "Здравствуйте" });
});
afterAll(async () => {
  await env?.close();
  await tg.stop();
});

/** A send through the real adapter, failing as the simulator is told to; the error it raised. */
async function failingSend(fail?: { errorCode: number; description: string }): Promise<ChannelError> {
  if (fail) tg.failNext({ ...fail, method: "sendMessage" });
  const adapter = telegramAdapter({ ...env.deps.endpoints, telegramApiRoot: tg.apiRoot }, token);
  const err = await adapter.send({ chatId: String(CLIENT.id), text: "Добрый день", idempotencyKey: "k" }).then(
    () => null,
    (e: unknown) => e,
  );
  if (!isChannelError(err)) throw new Error(`expected a channel error, got ${String(err)}`);
  return err;
}
const ref = () => ({ projectId: T.project.id, channelId: T.channel.id });
const problems = () => withTenant(env.db, T.project.id, (tx) => channelProblems(tx));
const adminNotes = () => env.owner.select().from(notifications).where(and(eq(notifications.projectId, T.project.id), eq(notifications.kind, "channel.error")));

describe("channel health", () => {
  it("a client who blocked the bot says nothing about the channel", async () => {
    tg.blockBot(CLIENT.id, token);
    const err = await failingSend();
    expect(err.kind).toBe("client_denied");
    expect(await recordChannelFailure(env.db, ref(), err, env.deps.publish)).toBe(false);
    expect(await problems()).toEqual([]);
    tg.unblockBot(CLIENT.id, token);
  });

  it("a revoked token (401 Unauthorized) breaks the channel at once, with the reason; admins are told once", async () => {
    const err = await failingSend({ errorCode: 401, description: "Unauthorized" });
    expect(await recordChannelFailure(env.db, ref(), err, env.deps.publish)).toBe(true);
    expect(await problems()).toEqual([expect.objectContaining({ id: T.channel.id, errorCode: "channel.telegram.badToken", errorAt: expect.any(Date) })]);
    const notes = await adminNotes();
    // Owner, admin and tech manage channels; the manager is not told.
    expect(notes.map((n) => n.membershipId).sort()).toEqual([T.owner.membershipId, T.admin.membershipId, T.tech.membershipId].sort());
    expect(notes[0]!.text).toBe("Канал перестал работать: проверьте его подключение в консоли администратора");
    // A second failure does not notify again.
    await recordChannelFailure(env.db, ref(), err, env.deps.publish);
    expect(await adminNotes()).toHaveLength(3);
    // Managers see the banner too (any member may ask).
    expect(await env.caller(T.manager.token).channelHealth.problems({ projectId: T.project.id })).toHaveLength(1);
  });

  it("a send that goes through clears the error state", async () => {
    await withTenant(env.db, T.project.id, (tx) => recordChannelSuccess(tx, T.channel.id));
    expect(await problems()).toEqual([]);
    const [row] = await env.owner.select().from(channels).where(eq(channels.id, T.channel.id));
    expect(row).toMatchObject({ failureCount: 0, errorCode: null, errorAt: null });
  });

  it(`repeated platform failures (${FAILURES_BEFORE_ERROR} in a row) break it too`, async () => {
    for (let i = 1; i <= FAILURES_BEFORE_ERROR; i++) {
      const err = await failingSend({ errorCode: 400, description: "Bad Request: something went wrong" });
      expect(await recordChannelFailure(env.db, ref(), err, env.deps.publish)).toBe(i === FAILURES_BEFORE_ERROR);
    }
    expect((await problems())[0]?.errorCode).toBe("channel.repeatedFailures");
  });
});
