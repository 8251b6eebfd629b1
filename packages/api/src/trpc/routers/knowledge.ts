import { z } from "zod";
import { addDocument, deleteDocument, getDocument, listDocuments, MAX_DOCUMENT_CHARS } from "@threadline/domain/knowledge/index.ts";
import { addUploadedDocument } from "@threadline/domain/knowledge/upload.ts";
import { projectProcedure, router } from "../init.ts";

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
      return document;
    }),

  /** A document typed or pasted as text. */
  addText: settings
    .input(z.object({ title: z.string().max(200), text: z.string().max(MAX_DOCUMENT_CHARS, `Не длиннее ${MAX_DOCUMENT_CHARS} символов`) }))
    .output(documentView)
    .mutation(({ ctx, input }) => addDocument(ctx.tx, ctx.member.projectId, ctx.member.membershipId, input)),

  remove: settings.input(z.object({ documentId })).mutation(({ ctx, input }) => deleteDocument(ctx.tx, input.documentId)),
});
