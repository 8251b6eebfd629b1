import { and, eq, isNull, sql } from "drizzle-orm";
import { catalogCategories, catalogOptions, catalogProducts, catalogUpsells, type Tx } from "@threadline/db";
import { badRequest } from "../errors.ts";
import type { CatalogDraftProduct } from "./types.ts";

export const MAX_CATALOG_PRODUCTS = 5000;
/** 10 000 000.00 in minor units: above any price a chat sells at, below int4's limit with options. */
export const MAX_PRICE_MINOR = 1_000_000_000;

const key = (name: string) => name.trim().toLocaleLowerCase("ru").replace(/ё/g, "е").replace(/\s+/g, " ");

/** Why a draft product cannot be written, or null: the import's row-level check, the writer's guard. */
export function draftProblem(p: CatalogDraftProduct, known: ReadonlySet<string>): { code: "catalog.nameRequired" | "catalog.priceInvalid" | "catalog.optionPriceInvalid" | "catalog.upsellUnknown"; params?: Record<string, string | number> } | null {
  if (!p.name.trim()) return { code: "catalog.nameRequired" };
  if (!Number.isInteger(p.priceMinor) || p.priceMinor <= 0 || p.priceMinor > MAX_PRICE_MINOR) return { code: "catalog.priceInvalid", params: { name: p.name } };
  for (const o of p.options ?? []) {
    if (!o.name.trim() || !Number.isInteger(o.priceDeltaMinor) || o.priceDeltaMinor < 0 || o.priceDeltaMinor > MAX_PRICE_MINOR) return { code: "catalog.optionPriceInvalid", params: { name: p.name, option: o.name } };
  }
  for (const u of p.upsell ?? []) if (!known.has(key(u)) || key(u) === key(p.name)) return { code: "catalog.upsellUnknown", params: { name: p.name, upsell: u } };
  return null;
}

/**
 * Writes products by name into the current tenant's catalog: a product whose name exists is updated,
 * a new one is added, categories are made as needed, and each written product's options and up-sells
 * are replaced by the draft's. Products the draft does not name are left as they are. All or nothing:
 * the first invalid product throws before anything is written.
 */
export async function upsertCatalog(tx: Tx, projectId: string, drafts: CatalogDraftProduct[]): Promise<{ created: number; updated: number }> {
  const existing = await tx.select({ id: catalogProducts.id, name: catalogProducts.name }).from(catalogProducts).where(isNull(catalogProducts.archivedAt));
  const known = new Set([...existing.map((e) => key(e.name)), ...drafts.map((d) => key(d.name))]);
  if (new Set(drafts.map((d) => key(d.name))).size + existing.length > MAX_CATALOG_PRODUCTS)
    throw badRequest("catalog.tooMany", `Не больше ${MAX_CATALOG_PRODUCTS} товаров в каталоге`, { count: MAX_CATALOG_PRODUCTS });
  for (const d of drafts) {
    const problem = draftProblem(d, known);
    if (problem) throw badRequest(problem.code, `Товар «${d.name}»: неверные данные`, problem.params);
  }

  const categoryIds = new Map((await tx.select({ id: catalogCategories.id, name: catalogCategories.name }).from(catalogCategories)).map((c) => [key(c.name), c.id]));
  const productIds = new Map(existing.map((e) => [key(e.name), e.id]));
  let created = 0;
  let updated = 0;
  for (const [index, d] of drafts.entries()) {
    let categoryId: string | null = null;
    if (d.category?.trim()) {
      categoryId = categoryIds.get(key(d.category)) ?? null;
      if (!categoryId) {
        const [c] = await tx.insert(catalogCategories).values({ projectId, name: d.category.trim(), sortOrder: categoryIds.size }).returning({ id: catalogCategories.id });
        categoryId = c!.id;
        categoryIds.set(key(d.category), categoryId);
      }
    }
    const values = { categoryId, name: d.name.trim(), description: d.description?.trim() ?? "", priceMinor: d.priceMinor, available: d.available ?? true, updatedAt: new Date() };
    const id = productIds.get(key(d.name));
    if (id) {
      await tx.update(catalogProducts).set(values).where(eq(catalogProducts.id, id));
      await tx.delete(catalogOptions).where(eq(catalogOptions.productId, id));
      updated++;
    } else {
      const [p] = await tx.insert(catalogProducts).values({ projectId, ...values, sortOrder: existing.length + index }).returning({ id: catalogProducts.id });
      productIds.set(key(d.name), p!.id);
      created++;
    }
    const productId = productIds.get(key(d.name))!;
    const options = d.options ?? [];
    if (options.length)
      await tx.insert(catalogOptions).values(
        options.map((o, i) => ({ projectId, productId, groupName: o.group?.trim() ?? "", name: o.name.trim(), priceDeltaMinor: o.priceDeltaMinor, available: o.available ?? true, sortOrder: i })),
      );
  }
  // Up-sells last: they may name products written later in the same draft.
  for (const d of drafts) {
    if (!d.upsell) continue;
    const productId = productIds.get(key(d.name))!;
    await tx.delete(catalogUpsells).where(eq(catalogUpsells.productId, productId));
    const targets = [...new Set(d.upsell.map((u) => productIds.get(key(u))!))];
    if (targets.length) await tx.insert(catalogUpsells).values(targets.map((t) => ({ projectId, productId, upsellProductId: t })));
  }
  return { created, updated };
}

/** Takes a product off the list without losing the orders that hold it. */
export async function archiveProduct(tx: Tx, productId: string): Promise<boolean> {
  const rows = await tx
    .update(catalogProducts)
    .set({ archivedAt: sql`now()`, updatedAt: new Date() })
    .where(and(eq(catalogProducts.id, productId), isNull(catalogProducts.archivedAt)))
    .returning({ id: catalogProducts.id });
  return rows.length > 0;
}

/** The stop-list toggle: an unavailable product is shown as such and never offered or ordered. */
export async function setProductAvailable(tx: Tx, productId: string, available: boolean): Promise<boolean> {
  const rows = await tx
    .update(catalogProducts)
    .set({ available, updatedAt: new Date() })
    .where(and(eq(catalogProducts.id, productId), isNull(catalogProducts.archivedAt)))
    .returning({ id: catalogProducts.id });
  return rows.length > 0;
}
