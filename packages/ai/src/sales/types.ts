// What the agent knows about a project beyond its facts and FAQ, handed in as data (packages/ai
// has no database): the price list, the passages of its documents found for the client's message,
// and its objection answers.

export interface AgentCatalogOption {
  /** The catalog's id, when the catalog comes from the database (an order needs it). */
  id?: string;
  name: string;
  group?: string;
  priceDeltaMinor: number;
  available?: boolean;
}

export interface AgentCatalogProduct {
  /** The catalog's id, when the catalog comes from the database (an order needs it). */
  id?: string;
  name: string;
  category: string | null;
  description: string;
  /** Minor units of the catalog's currency. */
  priceMinor: number;
  /** false: on the stop-list, never offered. */
  available: boolean;
  options: AgentCatalogOption[];
  /** Names of products offered once with this one. */
  upsell: string[];
  /** The product's photo in the project's storage, when it has one. */
  photoKey?: string | null;
}

export interface AgentCatalog {
  /** ISO 4217 code (RUB, USD…). */
  currency: string;
  products: AgentCatalogProduct[];
}

/** A passage of one of the project's documents, found for the client's message (best first). */
export interface KnowledgePassage {
  id: string;
  /** The document's title. */
  title: string;
  text: string;
  score?: number;
}

/** An objection's phrasings ("дорого", "подумаю") and the project's answer to it. */
export interface Objection {
  q: string[];
  a: string;
}

/** What the agent collects before handing over; the phone always. */
export type CollectField = "phone" | "name" | "date" | "address" | "budget";
export const COLLECT_FIELDS: readonly CollectField[] = ["phone", "name", "date", "address", "budget"];

/** What a turn used: the passages it answered from and the rules that fired, for the sandbox and the inbox. */
export interface TurnTrace {
  passages: { id: string; title: string }[];
  rules: string[];
}
