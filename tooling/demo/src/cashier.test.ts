import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { YooKassaSimulator } from "@threadline/simulators/payments";
import { clientMessage, createTenantEnv, type TestEnv } from "@threadline/testing";
import { billScriptedClients } from "./cashier.ts";
import { startDemoPayer } from "./world.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
const yk = new YooKassaSimulator();

beforeAll(async () => {
  ({ env, T } = await createTenantEnv("Cashier"));
  await yk.start();
  env.useEndpoints({ yookassaApiUrl: yk.apiUrl });
  const shop = yk.addShop();
  await env.caller(T.owner.token).paymentAccounts.save({ projectId: T.project.id, provider: "yookassa", name: "ЮKassa", shopId: shop.shopId, secretKey: shop.secretKey, currency: "RUB" });
});
afterAll(async () => {
  await yk.stop();
  await env?.close();
});

describe("demo cashier", () => {
  it("bills conversations whose client wrote twice, at most three per project, never twice; the payer pays most of them", async () => {
    for (const chatId of ["c1", "c2", "c3", "c4"]) {
      await env.ingest(T.channel, clientMessage({ chatId, text: "Здравствуйте" }));
      await env.ingest(T.channel, clientMessage({ chatId, text: "Сколько стоит торт?" }));
    }
    const sent: number[] = [];
    const run = () =>
      billScriptedClients({
        db: env.db,
        projects: [{ id: T.project.id, ownerUserId: T.owner.user.id }],
        deps: { secretKey: env.deps.secretKey, endpoints: env.deps.endpoints, returnUrl: "http://127.0.0.1/" },
        enqueueOutbound: async (job) => void sent.push(job.messageId),
      });
    expect(await run()).toBe(3);
    expect(await run()).toBe(0);
    expect(sent).toHaveLength(3);
    expect(yk.payments.size).toBe(3);
    const payer = startDemoPayer(yk, { delayMs: 20, everyMs: 10 });
    try {
      await expect.poll(() => [...yk.payments.values()].filter((p) => p.status === "succeeded").length, { timeout: 3000 }).toBe(2);
    } finally {
      payer.stop();
    }
  });
});
