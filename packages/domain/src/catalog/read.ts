import { asc, inArray, isNull } from "drizzle-orm";
import { catalogCategories, catalogOptions, catalogProducts, catalogUpsells, projects, type Tx } from "@threadline/db";
import type { CatalogProductView, CatalogView } from "./types.ts";

/** The current tenant's price list (archived products left out), in display order. */
export async function loadCatalog(tx: Tx): Promise<CatalogView> {
  const [project] = await tx.select({ currency: projects.currency }).from(projects).limit(1);
  const categories = await tx
    .select({ id: catalogCategories.id, name: catalogCategories.name })
    .from(catalogCategories)
    .orderBy(asc(catalogCategories.sortOrder), asc(catalogCategories.name));
  const rows = await tx.select().from(catalogProducts).where(isNull(catalogProducts.archivedAt)).orderBy(asc(catalogProducts.sortOrder), asc(catalogProducts.name));
  const ids = rows.map((r) => r.id);
  const options = ids.length
    ? await tx.select().from(catalogOptions).where(inArray(catalogOptions.productId, ids)).orderBy(asc(catalogOptions.sortOrder), asc(catalogOptions.name))
    : [];
  const upsells = ids.length ? await tx.select().from(catalogUpsells).where(inArray(catalogUpsells.productId, ids)) : [];
  const categoryName = new Map(categories.map((c) => [c.id, c.name]));
  const productName = new Map(rows.map((r) => [r.id, r.name]));
  const products: CatalogProductView[] = rows.map((r) => ({
    id: r.id,
    name: r.name,
    category: r.categoryId ? (categoryName.get(r.categoryId) ?? null) : null,
    categoryId: r.categoryId,
    description: r.description,
    priceMinor: r.priceMinor,
    available: r.available,
    photoKey: r.photoKey,
    options: options
      .filter((o) => o.productId === r.id)
      .map((o) => ({ id: o.id, group: o.groupName, name: o.name, priceDeltaMinor: o.priceDeltaMinor, available: o.available })),
    upsell: upsells.filter((u) => u.productId === r.id).flatMap((u) => productName.get(u.upsellProductId) ?? []),
  }));
  return { currency: project?.currency ?? "RUB", categories, products };
}
