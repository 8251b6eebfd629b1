export type { CatalogDraftProduct, CatalogOptionView, CatalogProductView, CatalogView } from "./types.ts";
export { loadCatalog } from "./read.ts";
export { archiveProduct, draftProblem, setProductAvailable, upsertCatalog, MAX_CATALOG_PRODUCTS, MAX_PRICE_MINOR } from "./write.ts";
