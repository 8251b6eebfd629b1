import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { YooKassaSimulator } from "@threadline/simulators/payments";
import { eq, inArray } from "drizzle-orm";
import { contacts, conversations, payments, withTenant } from "@threadline/db";
import { clientMessage, createTenantEnv, type TestEnv } from "@threadline/testing";
import { billScriptedClients, DEMO_BILLS } from "./cashier.ts";
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
  it("bills, with the business's own goods, leads that left a phone, at most three per project, never twice; the payer pays most of them", async () => {
    for (const chatId of ["c1", "c2", "c3", "c4", "c5"]) {
      await env.ingest(T.channel, clientMessage({ chatId, text: "Здравствуйте" }));
      await env.ingest(T.channel, clientMessage({ chatId, text: "Сколько стоит чистка зубов?" }));
    }
    const all = await withTenant(env.db, T.project.id, (tx) => tx.select({ id: conversations.id, contactId: conversations.contactId }).from(conversations).orderBy(conversations.createdAt));
    // Four left a phone and were handed to a manager; the fifth is still talking to the agent.
    const handedOver = all.slice(0, 4).map((c) => c.id);
    await withTenant(env.db, T.project.id, async (tx) => {
      await tx.update(conversations).set({ stage: "assigned" }).where(inArray(conversations.id, handedOver));
      await tx.update(contacts).set({ phone: "+79161234567" }).where(inArray(contacts.id, all.slice(0, 4).map((c) => c.contactId)));
    });
    const sent: number[] = [];
    const run = (slug: string) =>
      billScriptedClients({
        db: env.db,
        projects: [{ id: T.project.id, slug, ownerUserId: T.owner.user.id }],
        deps: { secretKey: env.deps.secretKey, endpoints: env.deps.endpoints, returnUrl: "http://127.0.0.1/" },
        enqueueOutbound: async (job) => void sent.push(job.messageId),
      });
    // A business the demo does not know is billed for nothing.
    expect(await run("unknown-shop")).toBe(0);
    expect(await run("ulybka")).toBe(3);
    expect(await run("ulybka")).toBe(0);
    expect(sent).toHaveLength(3);
    expect(yk.payments.size).toBe(3);
    const billed = await withTenant(env.db, T.project.id, (tx) => tx.select({ conversationId: payments.conversationId, description: payments.description }).from(payments).where(eq(payments.projectId, T.project.id)));
    expect(billed.every((p) => handedOver.includes(p.conversationId!))).toBe(true);
    const clinic = DEMO_BILLS.ulybka!.map((b) => b.description);
    expect(billed.every((p) => clinic.includes(p.description))).toBe(true);
    const payer = startDemoPayer(yk, { delayMs: 20, everyMs: 10 });
    try {
      await expect.poll(() => [...yk.payments.values()].filter((p) => p.status === "succeeded").length, { timeout: 3000 }).toBe(2);
    } finally {
      payer.stop();
    }
  });
});
