// The catalog as the rest of the product reads it: the agent, the menu bot, orders and the admin
// price list all take this shape. Prices are in minor units of `currency`.

export type CatalogOptionView = { id: string; group: string; name: string; priceDeltaMinor: number; available: boolean };

export type CatalogProductView = {
  id: string;
  name: string;
  category: string | null;
  categoryId: string | null;
  description: string;
  priceMinor: number;
  /** false: on the stop-list. */
  available: boolean;
  photoKey: string | null;
  options: CatalogOptionView[];
  /** Names of the products offered with this one, in order. */
  upsell: string[];
};

export type CatalogView = {
  currency: string;
  categories: { id: string; name: string }[];
  products: CatalogProductView[];
};

/** One product as written by an import, the seed or an eval case: everything by name. */
export type CatalogDraftProduct = {
  name: string;
  category?: string;
  description?: string;
  priceMinor: number;
  available?: boolean;
  options?: { group?: string; name: string; priceDeltaMinor: number; available?: boolean }[];
  upsell?: string[];
};
