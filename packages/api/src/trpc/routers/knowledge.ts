import { z } from "zod";
import { addDocument, deleteDocument, getDocument, listDocuments, MAX_DOCUMENT_CHARS } from "@threadline/domain/knowledge/index.ts";
import { embedPendingPassages, type EmbeddingDeps } from "@threadline/domain/knowledge/embeddings.ts";
import { addUploadedDocument } from "@threadline/domain/knowledge/upload.ts";
import type { ServerDeps } from "../context.ts";
import { projectProcedure, router } from "../init.ts";

/** What embedding the project's passages needs from the server. */
export function embeddingDeps(ctx: Pick<ServerDeps, "db" | "secretKey" | "endpoints" | "logger" | "agentHealth">): EmbeddingDeps {
  return { db: ctx.db, secretKey: ctx.secretKey, endpoints: ctx.endpoints, logger: ctx.logger, health: ctx.agentHealth };
}

const settings = projectProcedure("project.settings");
const documentId = z.string().uuid();
const kind = z.enum(["text", "markdown", "pdf", "docx"]);
const documentView = z.object({ id: z.string(), title: z.string(), kind, fileName: z.string().nullable(), sizeBytes: z.number(), passageCount: z.number(), createdAt: z.date() });

/** The project's knowledge base: documents the agent answers from. */
export const knowledgeRouter = router({
  list: settings.output(z.array(documentView)).query(({ ctx }) => listDocuments(ctx.tx)),

  get: settings
    .input(z.object({ documentId }))
    .output(documentView.extend({ passages: z.array(z.object({ id: z.string(), position: z.number(), text: z.string() })) }))
    .query(({ ctx, input }) => getDocument(ctx.tx, input.documentId)),

  /** A file first stored through /uploads (its size checked there and again before it is read). */
  addUpload: settings
    .input(z.object({ storageKey: z.string().max(200), fileName: z.string().trim().min(1).max(255), title: z.string().max(200).optional() }))
    .output(documentView)
    .mutation(async ({ ctx, input }) => {
      const { document, storageKey } = await addUploadedDocument(ctx.tx, ctx.member, ctx.storage, input);
      ctx.afterCommit(() => ctx.storage.remove(storageKey));
      // Embedded once committed, with no transaction open while the model answers (decision 059).
      ctx.afterCommit(() => embedPendingPassages(embeddingDeps(ctx), ctx.member.projectId));
      return document;
    }),

  /** A document typed or pasted as text. */
  addText: settings
    .input(z.object({ title: z.string().max(200), text: z.string().max(MAX_DOCUMENT_CHARS, `Не длиннее ${MAX_DOCUMENT_CHARS} символов`) }))
    .output(documentView)
    .mutation(async ({ ctx, input }) => {
      const document = await addDocument(ctx.tx, ctx.member.projectId, ctx.member.membershipId, input);
      ctx.afterCommit(() => embedPendingPassages(embeddingDeps(ctx), ctx.member.projectId));
      return document;
    }),

  remove: settings.input(z.object({ documentId })).mutation(({ ctx, input }) => deleteDocument(ctx.tx, input.documentId)),
});
