// The knowledge base's search by meaning: passages embedded with the project's model key when a
// document is added (read, call with no transaction open, write — decision 059), and the
// question embedded once per search. A key that fails never fails anything: the search ranks by
// text alone and the failure shows on the agent's health (decision 060).
import { sql } from "drizzle-orm";
import { DEFAULT_EMBEDDING_MODEL, describeLlmError, embedTexts, type EmbeddingConfig, type LlmUsage } from "@threadline/ai";
import { withTenant, type Db, type Tx } from "@threadline/db";
import type { Logger } from "@threadline/config";
import { decryptSecret, type SecretKeyring } from "../crypto.ts";
import { PUBLIC_ENDPOINTS, type Endpoints } from "../endpoints.ts";
import { noteModelOutcome, type AgentHealth } from "../leads/agent-health.ts";
import { llmKeyFor, loadAgentConfig, type AgentConfig } from "../leads/settings.ts";
import { recordUsage } from "../leads/usage.ts";

export type EmbeddingDeps = {
  db: Db;
  secretKey?: SecretKeyring;
  endpoints?: Readonly<Pick<Endpoints, "openaiBaseUrl">>;
  logger?: Logger;
  health?: AgentHealth;
};

/**
 * Passages a project embeds, oldest documents first: the SQL cosine scans them all per question
 * (~75 ms for 2000 vectors of 256 floats). Passages beyond are found by their words only.
 */
export const MAX_EMBEDDED_PASSAGES = 2000;
export const EMBEDDING_FEATURE = "knowledge_embeddings";

/** A question's vector, with the model it is comparable with. */
export type QueryVector = { vector: number[]; model: string };

/** The project's embedding model with its model key, or null without a key (text search only). */
export function embeddingConfigOf(config: Pick<AgentConfig, "llm" | "embeddingModel">, secretKey: SecretKeyring | undefined, baseURL: string): EmbeddingConfig | null {
  const keyEnc = llmKeyFor(config, baseURL);
  if (!secretKey || !keyEnc) return null;
  return { apiKey: decryptSecret(keyEnc, secretKey), model: config.embeddingModel ?? DEFAULT_EMBEDDING_MODEL, baseURL, timeoutMs: 10_000, maxRetries: 1 };
}

function baseUrlOf(deps: Pick<EmbeddingDeps, "endpoints">): string {
  return (deps.endpoints ?? PUBLIC_ENDPOINTS).openaiBaseUrl;
}

/**
 * Embeds the project's passages that lack a vector of its current model (a new document, a key
 * added later, a model changed), up to MAX_EMBEDDED_PASSAGES. Never throws: a failure is logged,
 * noted on the agent's health and returned; the passages stay found by text.
 */
export async function embedPendingPassages(deps: EmbeddingDeps, projectId: string): Promise<{ embedded: number; error: string | null }> {
  const read = await withTenant(deps.db, projectId, async (tx) => {
    const embedding = embeddingConfigOf(await loadAgentConfig(tx, projectId), deps.secretKey, baseUrlOf(deps));
    if (!embedding) return null;
    const pending = (await tx.execute(sql`
      select id, title, text from (
        select p.id, p.title, p.text, p.embedding is not null and p.embedding_model = ${embedding.model} as done
        from kb_passages p join kb_documents d on d.id = p.document_id
        order by d.created_at, d.id, p.position
        limit ${MAX_EMBEDDED_PASSAGES}) first
      where not done`)) as unknown as { id: string; title: string; text: string }[];
    return { embedding, pending };
  });
  if (!read || read.pending.length === 0) return { embedded: 0, error: null };
  let vectors: number[][];
  let usage: LlmUsage;
  try {
    ({ vectors, usage } = await embedTexts(read.embedding, read.pending.map((p) => `${p.title}\n${p.text}`), EMBEDDING_FEATURE));
  } catch (err) {
    const error = describeLlmError(err);
    deps.logger?.warn({ projectId, err: error }, "passages not embedded, the knowledge base is searched by text");
    await noteModelOutcome(deps, projectId, { kind: error.kind, message: error.message });
    return { embedded: 0, error: error.kind };
  }
  await noteModelOutcome(deps, projectId, null);
  await withTenant(deps.db, projectId, async (tx) => {
    // A passage removed meanwhile (its document deleted) is simply not matched.
    const rows = read.pending.map((p, i) => ({ id: p.id, e: `{${vectors[i]!.join(",")}}` }));
    await tx.execute(sql`
      update kb_passages p set embedding = v.e::real[], embedding_model = ${read.embedding.model}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, e text)
      where p.id = v.id`);
    await recordUsage(tx, projectId, null, [usage]);
  });
  return { embedded: read.pending.length, error: null };
}

/**
 * The question's vector for one search, or null (no key, or the key failed: noted on health).
 * The caller records `usage` with the rest of its turn's.
 */
export async function embedQuery(
  deps: Omit<EmbeddingDeps, "db">,
  config: Pick<AgentConfig, "llm" | "embeddingModel">,
  projectId: string,
  question: string,
  signal?: AbortSignal,
): Promise<{ query: QueryVector; usage: LlmUsage } | null> {
  const embedding = embeddingConfigOf(config, deps.secretKey, baseUrlOf(deps));
  const text = question.trim().slice(0, 4000);
  if (!embedding || !/\p{L}/u.test(text)) return null;
  try {
    const { vectors, usage } = await embedTexts(embedding, [text], EMBEDDING_FEATURE, signal);
    await noteModelOutcome(deps, projectId, null);
    return { query: { vector: vectors[0]!, model: embedding.model }, usage };
  } catch (err) {
    const error = describeLlmError(err);
    deps.logger?.warn({ projectId, err: error }, "question not embedded, passages ranked by text");
    await noteModelOutcome(deps, projectId, { kind: error.kind, message: error.message });
    return null;
  }
}

/** Whether the project has vectors of its model at all: a question is not embedded when it has none. */
export async function hasEmbeddedPassages(tx: Tx, config: Pick<AgentConfig, "embeddingModel">): Promise<boolean> {
  const model = config.embeddingModel ?? DEFAULT_EMBEDDING_MODEL;
  const rows = await tx.execute(sql`select 1 from kb_passages where embedding is not null and embedding_model = ${model} limit 1`);
  return (rows as unknown as unknown[]).length > 0;
}
