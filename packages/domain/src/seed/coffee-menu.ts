import { withTenant, type Db } from "@threadline/db";
import { loadCatalog } from "../catalog/read.ts";
import type { CatalogDraftProduct } from "../catalog/types.ts";
import { upsertCatalog } from "../catalog/write.ts";

// The coffee shop's menu for the demo: what its menu bot shows and its scripted clients order.

const milk = [
  { group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 },
  { group: "Молоко", name: "миндальное", priceDeltaMinor: 5000 },
  { group: "Молоко", name: "безлактозное", priceDeltaMinor: 3000 },
];
const syrups = [
  { name: "сироп ваниль", priceDeltaMinor: 3000 },
  { name: "сироп карамель", priceDeltaMinor: 3000 },
];

export const COFFEE_MENU: CatalogDraftProduct[] = [
  { name: "Капучино", category: "Кофе", description: "300 мл, двойной эспрессо", priceMinor: 22000, options: [...milk, ...syrups], upsell: ["Круассан"] },
  { name: "Латте", category: "Кофе", description: "400 мл", priceMinor: 24000, options: [...milk, ...syrups], upsell: ["Синнабон"] },
  { name: "Флэт уайт", category: "Кофе", description: "250 мл, крепкий", priceMinor: 23000, options: milk },
  { name: "Американо", category: "Кофе", description: "300 мл", priceMinor: 16000 },
  { name: "Раф ванильный", category: "Кофе", description: "350 мл", priceMinor: 27000, options: milk },
  { name: "Круассан", category: "Выпечка", description: "Сливочный, из печи", priceMinor: 15000 },
  { name: "Синнабон", category: "Выпечка", description: "С корицей и сливочным кремом", priceMinor: 19000 },
  { name: "Медовик", category: "Десерты", description: "Кусочек 150 г", priceMinor: 26000 },
  { name: "Чизкейк", category: "Десерты", description: "Нью-Йорк", priceMinor: 28000, available: false },
];

/** Writes the demo menu once: a catalog that already has products is left as it is. */
export async function seedCoffeeMenu(db: Db, projectId: string): Promise<void> {
  await withTenant(db, projectId, async (tx) => {
    if ((await loadCatalog(tx)).products.length) return;
    await upsertCatalog(tx, projectId, COFFEE_MENU);
  });
}
