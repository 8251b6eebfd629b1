import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { YooKassaSimulator } from "@threadline/simulators/payments";
import { startDemoPayer } from "./world.ts";

let yk: YooKassaSimulator;
beforeAll(async () => {
  yk = new YooKassaSimulator();
  await yk.start();
});
afterAll(async () => yk.stop());

async function bill(shop: { shopId: string; secretKey: string }, n: number) {
  const res = await fetch(`${yk.apiUrl}/payments`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${shop.shopId}:${shop.secretKey}`).toString("base64")}`, "content-type": "application/json", "idempotence-key": `demo-${n}` },
    body: JSON.stringify({ amount: { value: "1500.00", currency: "RUB" }, capture: true, confirmation: { type: "redirect", return_url: "http://127.0.0.1/" }, description: `Заказ ${n}` }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

describe("demo payer", () => {
  it("pays two bills in three after a delay and leaves the third pending", async () => {
    const shop = yk.addShop();
    const ids = [await bill(shop, 1), await bill(shop, 2), await bill(shop, 3)];
    const payer = startDemoPayer(yk, { delayMs: 50, everyMs: 20 });
    try {
      expect(ids.map((id) => yk.payments.get(id)!.status)).toEqual(["pending", "pending", "pending"]);
      await expect.poll(() => ids.filter((id) => yk.payments.get(id)!.status === "succeeded").length, { timeout: 3000 }).toBe(2);
      await new Promise((r) => setTimeout(r, 200));
      expect(ids.filter((id) => yk.payments.get(id)!.status === "pending")).toHaveLength(1);
    } finally {
      payer.stop();
    }
  });
});
