// The project's knowledge base: documents in, passages out. Everything runs in the tenant's
// transaction (row-level security keeps one project's documents from another's).
import { asc, desc, eq, sql } from "drizzle-orm";
import type { AgentCatalog, KnowledgePassage, TurnTrace } from "@threadline/ai";
import { agentTraces, kbDocuments, kbPassages, type Tx } from "@threadline/db";
import { loadCatalog } from "../catalog/read.ts";
import { badRequest, notFound } from "../errors.ts";
import { documentKind, extractDocumentText, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_CHARS, type DocumentKind } from "./extract.ts";
import type { QueryVector } from "./embeddings.ts";
import { splitIntoPassages } from "./passages.ts";

export const MAX_DOCUMENTS = 200;
const MAX_TITLE = 200;
/** Passages handed to the agent per turn. */
export const AGENT_PASSAGES = 5;

export type DocumentInput = { title?: string; fileName: string; data: Buffer } | { title: string; text: string };

export type DocumentView = { id: string; title: string; kind: DocumentKind; fileName: string | null; sizeBytes: number; passageCount: number; createdAt: Date };

function titleFrom(fileName: string): string {
  return fileName.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ").trim();
}

/**
 * Adds a document: its type checked by name and bytes, its size and the project's count before
 * any reading, its text extracted and cut into passages. All or nothing.
 */
export async function addDocument(tx: Tx, projectId: string, membershipId: string | null, input: DocumentInput): Promise<DocumentView> {
  const [{ n } = { n: 0 }] = await tx.select({ n: sql<number>`count(*)::int` }).from(kbDocuments);
  if (n >= MAX_DOCUMENTS) throw badRequest("knowledge.tooMany", "Слишком много документов", { count: MAX_DOCUMENTS });
  let kind: DocumentKind;
  let text: string;
  let fileName: string | null = null;
  let size: number;
  let title: string;
  if ("data" in input) {
    if (input.data.length > MAX_DOCUMENT_BYTES) throw badRequest("knowledge.tooLarge", "Файл слишком большой", { mb: MAX_DOCUMENT_BYTES / 1024 / 1024 });
    kind = documentKind(input.fileName, input.data);
    text = await extractDocumentText(kind, input.data);
    fileName = input.fileName.slice(0, 255);
    size = input.data.length;
    title = input.title?.trim() || titleFrom(input.fileName);
  } else {
    if (input.text.length > MAX_DOCUMENT_CHARS) throw badRequest("knowledge.textTooLong", "Слишком длинный документ", { count: MAX_DOCUMENT_CHARS });
    kind = "text";
    text = input.text.replace(/\r\n?/g, "\n").trim();
    if (!/\p{L}/u.test(text)) throw badRequest("knowledge.empty", "В документе нет текста");
    size = Buffer.byteLength(input.text);
    title = input.title.trim();
  }
  if (!title) throw badRequest("knowledge.titleRequired", "Укажите название документа");
  title = title.slice(0, MAX_TITLE);
  const passages = splitIntoPassages(text);
  const [doc] = await tx
    .insert(kbDocuments)
    .values({ projectId, title, kind, fileName, sizeBytes: size, text, passageCount: passages.length, createdBy: membershipId })
    .returning();
  if (passages.length) {
    await tx.insert(kbPassages).values(passages.map((p, position) => ({ projectId, documentId: doc!.id, position, title, text: p })));
  }
  return viewOf(doc!);
}

function viewOf(d: typeof kbDocuments.$inferSelect): DocumentView {
  return { id: d.id, title: d.title, kind: d.kind, fileName: d.fileName, sizeBytes: d.sizeBytes, passageCount: d.passageCount, createdAt: d.createdAt };
}

export async function listDocuments(tx: Tx): Promise<DocumentView[]> {
  return (await tx.select().from(kbDocuments).orderBy(desc(kbDocuments.createdAt))).map(viewOf);
}

/** A document with its passages, for the admin's view of what the agent reads. */
export async function getDocument(tx: Tx, documentId: string) {
  const [doc] = await tx.select().from(kbDocuments).where(eq(kbDocuments.id, documentId));
  if (!doc) throw notFound();
  const passages = await tx.select({ id: kbPassages.id, position: kbPassages.position, text: kbPassages.text }).from(kbPassages).where(eq(kbPassages.documentId, documentId)).orderBy(asc(kbPassages.position));
  return { ...viewOf(doc), passages };
}

export async function deleteDocument(tx: Tx, documentId: string): Promise<void> {
  const rows = await tx.delete(kbDocuments).where(eq(kbDocuments.id, documentId)).returning({ id: kbDocuments.id });
  if (rows.length === 0) throw notFound();
}

export type FoundPassage = KnowledgePassage & { documentId: string; score: number };

/** Candidates each ranking contributes to the fusion. */
const CANDIDATES = 50;
/** Reciprocal rank fusion's constant: a passage first in one ranking outranks one tenth in both. */
const RRF_K = 60;
/** Below this cosine a passage no word of the question matched is not "found by meaning". */
export const MIN_COSINE = 0.3;

/**
 * The tenant's passages for a question, best first: Russian full-text match on any of the
 * question's words (title and text), ranked by cover density, plus trigram similarity of the
 * question's words for misspellings. With the question's vector (decision 066), the project's
 * passages embedded with the same model are ranked by cosine too, and the two rankings are merged
 * by reciprocal rank fusion, so a passage that says the same thing in other words is found.
 */
export async function searchPassages(tx: Tx, query: string, limit = AGENT_PASSAGES, byMeaning?: QueryVector | null): Promise<FoundPassage[]> {
  const q = query.trim().slice(0, 1000);
  if (!/\p{L}/u.test(q)) return [];
  const byText = sql`
    with q as (select nullif(replace(plainto_tsquery('russian', ${q})::text, '&', '|'), '')::tsquery as words)
    select p.id, p.document_id as "documentId", p.title, p.text, p.position,
           coalesce(ts_rank_cd(p.search, q.words, 32), 0) + 0.3 * word_similarity(${q}, p.text) as score
    from kb_passages p, q
    where (q.words is not null and p.search @@ q.words) or ${q} <% p.text
    order by score desc, p.position`;
  type Row = { id: string; documentId: string; title: string; text: string; score: number };
  if (!byMeaning) {
    const rows = (await tx.execute(sql`${byText} limit ${limit}`)) as unknown as Row[];
    return rows.map((r) => ({ id: r.id, documentId: r.documentId, title: r.title, text: r.text, score: Number(r.score) }));
  }
  // Vectors are unit length: the dot product is the cosine. The scan is the project's embedded
  // passages (kb_passages_embedded), at most MAX_EMBEDDED_PASSAGES of them.
  const vector = `{${byMeaning.vector.join(",")}}`;
  const rows = (await tx.execute(sql`
    with text_hits as (
      select t.*, row_number() over (order by t.score desc, t.position) as r from (${byText} limit ${CANDIDATES}) t),
    meaning_hits as (
      select c.*, row_number() over (order by c.cosine desc, c.position) as r from (
        select p.id, p.document_id as "documentId", p.title, p.text, p.position,
               (select sum(a * b) from unnest(p.embedding, ${vector}::real[]) as v(a, b)) as cosine
        from kb_passages p
        where p.embedding is not null and p.embedding_model = ${byMeaning.model}
        order by cosine desc limit ${CANDIDATES}) c
      where c.cosine >= ${MIN_COSINE})
    select coalesce(t.id, m.id) as id, coalesce(t."documentId", m."documentId") as "documentId",
           coalesce(t.title, m.title) as title, coalesce(t.text, m.text) as text,
           coalesce(1.0 / (${RRF_K} + t.r), 0) + coalesce(1.0 / (${RRF_K} + m.r), 0) as score
    from text_hits t full join meaning_hits m on m.id = t.id
    order by score desc, coalesce(t.position, m.position)
    limit ${limit}`)) as unknown as Row[];
  return rows.map((r) => ({ id: r.id, documentId: r.documentId, title: r.title, text: r.text, score: Number(r.score) }));
}

/** The catalog as the agent reads it. */
export async function agentCatalog(tx: Tx): Promise<AgentCatalog> {
  const view = await loadCatalog(tx);
  return {
    currency: view.currency,
    products: view.products.map((p) => ({
      id: p.id,
      name: p.name,
      category: p.category,
      description: p.description,
      priceMinor: p.priceMinor,
      available: p.available,
      photoKey: p.photoKey,
      options: p.options.map((o) => ({ id: o.id, name: o.name, group: o.group, priceDeltaMinor: o.priceDeltaMinor, available: o.available })),
      upsell: p.upsell,
    })),
  };
}

/** Records what a turn retrieved and used. */
export async function recordTrace(
  tx: Tx,
  projectId: string,
  trace: { conversationId: string | null; query: string; retrieved: FoundPassage[]; used: TurnTrace | undefined; replyIds: number[] },
): Promise<number> {
  const [row] = await tx
    .insert(agentTraces)
    .values({
      projectId,
      conversationId: trace.conversationId,
      query: trace.query.slice(0, 2000),
      retrieved: trace.retrieved.map((p) => ({ id: p.id, title: p.title, score: Math.round(p.score * 1000) / 1000 })),
      used: trace.used ?? { passages: [], rules: [] },
      replyIds: trace.replyIds,
    })
    .returning({ id: agentTraces.id });
  return row!.id;
}

/** A conversation's traces, oldest first: which passages and rules answered each message. */
export async function conversationTraces(tx: Tx, conversationId: string) {
  return tx.select().from(agentTraces).where(eq(agentTraces.conversationId, conversationId)).orderBy(asc(agentTraces.id));
}
