import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "@threadline/db";
import { createTwoTenantEnv, type TestEnv } from "@threadline/testing";
import { loadCatalog, upsertCatalog, type CatalogDraftProduct } from "./index.ts";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;

beforeAll(async () => {
  ({ env, A, B } = await createTwoTenantEnv("Кофейня", "Пекарня"));
});
afterAll(async () => {
  await env?.close();
});

const coffee = [
  { name: "Капучино", category: "Кофе", priceMinor: 22000, description: "300 мл", options: [{ group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 }], upsell: ["Круассан"] },
  { name: "Круассан", category: "Выпечка", priceMinor: 15000 },
];

describe("catalog", () => {
  it("writes products by name, with categories, options and up-sells, and reads them back in order", async () => {
    const first = await withTenant(env.db, A.project.id, (tx) => upsertCatalog(tx, A.project.id, coffee));
    expect(first).toEqual({ created: 2, updated: 0 });
    const again = await withTenant(env.db, A.project.id, (tx) => upsertCatalog(tx, A.project.id, [{ ...coffee[0]!, name: " капучино ", priceMinor: 23000, available: false }]));
    expect(again).toEqual({ created: 0, updated: 1 });
    const view = await withTenant(env.db, A.project.id, (tx) => loadCatalog(tx));
    expect(view.currency).toBe("RUB");
    expect(view.categories.map((c) => c.name)).toEqual(["Кофе", "Выпечка"]);
    expect(view.products.map((p) => [p.name, p.category, p.priceMinor, p.available, p.upsell, p.options.map((o) => `${o.group}:${o.name}+${o.priceDeltaMinor}`)])).toEqual([
      ["капучино", "Кофе", 23000, false, ["Круассан"], ["Молоко:овсяное+4000"]],
      ["Круассан", "Выпечка", 15000, true, [], []],
    ]);
  });

  it("refuses a zero or negative price, a negative option and an unknown up-sell, writing nothing", async () => {
    const bad: [CatalogDraftProduct, string][] = [
      [{ name: "Латте", priceMinor: 0 }, "catalog.priceInvalid"],
      [{ name: "Латте", priceMinor: -100 }, "catalog.priceInvalid"],
      [{ name: "Латте", priceMinor: 1.5 }, "catalog.priceInvalid"],
      [{ name: "Латте", priceMinor: 100, options: [{ name: "сироп", priceDeltaMinor: -5 }] }, "catalog.optionPriceInvalid"],
      [{ name: "Латте", priceMinor: 100, upsell: ["Эклер"] }, "catalog.upsellUnknown"],
      [{ name: "  ", priceMinor: 100 }, "catalog.nameRequired"],
    ];
    for (const [draft, code] of bad) {
      await expect(withTenant(env.db, A.project.id, (tx) => upsertCatalog(tx, A.project.id, [{ name: "Раф", priceMinor: 26000 }, draft]))).rejects.toMatchObject({ code });
    }
    const names = (await withTenant(env.db, A.project.id, (tx) => loadCatalog(tx))).products.map((p) => p.name);
    expect(names).toEqual(["капучино", "Круассан"]);
  });

  it("one project's catalog is not another's", async () => {
    expect((await withTenant(env.db, B.project.id, (tx) => loadCatalog(tx))).products).toEqual([]);
  });
});
