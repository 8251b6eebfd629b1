import { z } from "zod";
import { conversationIntents, leadStages } from "@threadline/db";
import { setConversationArchived } from "@threadline/domain/conversations/archive.ts";
import { countUnreadConversations, listConversations } from "@threadline/domain/conversations/list.ts";
import { CONTACT_NAME_MAX, editContact } from "@threadline/domain/conversations/contact-edit.ts";
import { createReplies, type ReplyFile } from "@threadline/domain/conversations/reply.ts";
import { libraryReplyFiles } from "@threadline/domain/media/library.ts";
import { MAX_TEMPLATE_FILES } from "@threadline/domain/templates/service.ts";
import { requestMessageChange } from "@threadline/domain/conversations/message-change.ts";
import { claimUpload, isUploadKey, uploadKind } from "@threadline/domain/conversations/uploads.ts";
import { badRequest } from "@threadline/domain/errors.ts";
import { storedFileType } from "@threadline/domain/file-types.ts";
import { storedVoiceSeconds } from "@threadline/domain/voice/recording.ts";
import { assigneeOf, assignConversation, listAssignees, listMessages, markRead, markUnread, setConversationAi, showConversation } from "@threadline/domain/conversations/thread.ts";
import { setContactTag, tagsOfContact } from "@threadline/domain/contacts/tags.ts";
import { addNote, deleteNote, editNote, listNotes, NOTE_TEXT_MAX } from "@threadline/domain/contacts/notes.ts";
import { projectProcedure, router } from "../init.ts";

const conversationId = z.string().uuid();
const inbox = projectProcedure("inbox.use");
const messageId = z.number().int().positive();

export const conversationsRouter = router({
  list: inbox
    .input(
      z.object({
        filter: z.enum(["all", "mine", "unassigned", "unread", "awaiting", "archived"]).default("all"),
        channelId: z.string().uuid().optional(),
        stage: z.enum(leadStages).optional(),
        intent: z.enum(conversationIntents).optional(),
        tagId: z.string().uuid().optional(),
        search: z.string().max(200).optional(),
        cursor: z.object({ lastMessageAt: z.date(), id: z.string().uuid() }).nullish(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(({ ctx, input }) => listConversations(ctx.tx, ctx.member, { ...input, cursor: input.cursor ?? undefined })),

  unreadCount: inbox.query(({ ctx }) => countUnreadConversations(ctx.tx, ctx.member)),

  get: inbox.input(z.object({ conversationId })).query(({ ctx, input }) => showConversation(ctx.tx, ctx.member, input.conversationId)),

  messages: inbox
    .input(z.object({ conversationId, cursor: z.object({ sentAt: z.date(), id: z.number().int() }).nullish(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => listMessages(ctx.tx, ctx.member, input.conversationId, { cursor: input.cursor ?? undefined, limit: input.limit })),

  markRead: inbox.input(z.object({ conversationId })).mutation(({ ctx, input }) => markRead(ctx.tx, ctx.member, input.conversationId)),

  markUnread: inbox.input(z.object({ conversationId })).mutation(({ ctx, input }) => markUnread(ctx.tx, ctx.member, input.conversationId)),

  assignees: inbox.query(({ ctx }) => listAssignees(ctx.tx)),

  /** Corrects the client's name, phone (validated, stored in E.164) or e-mail on their card. */
  updateContact: inbox
    .input(
      z.object({
        conversationId,
        name: z.string().max(CONTACT_NAME_MAX * 4).optional(),
        phone: z.string().max(64).nullable().optional(),
        email: z.union([z.literal(""), z.string().trim().email().max(320)]).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => editContact(ctx.tx, ctx.member, input.conversationId, input)),

  /** The client's tags and the team's notes about them, for the contact panel. */
  clientCard: inbox.input(z.object({ conversationId })).query(async ({ ctx, input }) => {
    const { contactId, notes } = await listNotes(ctx.tx, ctx.member, input.conversationId);
    return { tags: await tagsOfContact(ctx.tx, contactId), notes };
  }),

  setTag: inbox
    .input(z.object({ conversationId, tagId: z.string().uuid(), attached: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const result = await setContactTag(ctx.tx, ctx.member, input.conversationId, input.tagId, input.attached);
      await publishCardChange(ctx, input.conversationId);
      return result;
    }),

  addNote: inbox
    .input(z.object({ conversationId, text: z.string().max(NOTE_TEXT_MAX * 4) }))
    .mutation(async ({ ctx, input }) => {
      await addNote(ctx.tx, ctx.member, input.conversationId, input.text);
      await publishCardChange(ctx, input.conversationId);
    }),

  editNote: inbox
    .input(z.object({ conversationId, noteId: z.string().uuid(), text: z.string().max(NOTE_TEXT_MAX * 4) }))
    .mutation(async ({ ctx, input }) => {
      await editNote(ctx.tx, ctx.member, input.conversationId, input.noteId, input.text);
      await publishCardChange(ctx, input.conversationId);
    }),

  deleteNote: inbox
    .input(z.object({ conversationId, noteId: z.string().uuid() }))
    .mutation(async ({ ctx, input }) => {
      await deleteNote(ctx.tx, ctx.member, input.conversationId, input.noteId);
      await publishCardChange(ctx, input.conversationId);
    }),

  assign: inbox
    .input(z.object({ conversationId, assigneeId: z.string().uuid().nullable() }))
    .mutation(async ({ ctx, input }) => {
      const { previousAssigneeId } = await assignConversation(ctx.tx, ctx.member, input.conversationId, input.assigneeId);
      ctx.afterCommit(() =>
        ctx.publish({ type: "conversation.updated", projectId: ctx.member.projectId, conversationId: input.conversationId, assigneeId: input.assigneeId, previousAssigneeId }),
      );
    }),

  setAi: inbox
    .input(z.object({ conversationId, enabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { assigneeId } = await setConversationAi(ctx.tx, ctx.member, input.conversationId, input.enabled);
      ctx.afterCommit(() => ctx.publish({ type: "conversation.updated", projectId: ctx.member.projectId, conversationId: input.conversationId, assigneeId }));
    }),

  /** «В архив» / «Вернуть из архива» in the thread's header (decision 067). */
  setArchived: inbox
    .input(z.object({ conversationId, archived: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const { assigneeId, changed } = await setConversationArchived(ctx.tx, ctx.member, input.conversationId, input.archived);
      if (changed) ctx.afterCommit(() => ctx.publish({ type: "conversation.updated", projectId: ctx.member.projectId, conversationId: input.conversationId, assigneeId }));
    }),

  reply: inbox
    .input(
      z.object({
        conversationId,
        text: z.string().max(10_000),
        file: z.object({ storageKey: z.string().max(200), fileName: z.string().min(1).max(200), mime: z.string().max(100) }).optional(),
        /** Files of the media library (a saved reply's), sent after the uploaded file if any. */
        mediaIds: z.array(z.string().uuid()).max(MAX_TEMPLATE_FILES).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      let file: ReplyFile | undefined;
      if (input.file) {
        // Only an upload of this project still waiting for a reply, and only what is really stored.
        // Taking it here keeps the sweeper away from it; a failed reply gives it back (rollback).
        const waiting = isUploadKey(ctx.member.projectId, input.file.storageKey) && (await claimUpload(ctx.tx, input.file.storageKey));
        const stored = waiting ? await ctx.storage.open(input.file.storageKey) : null;
        if (!stored) throw badRequest("reply.fileMissing", "Файл не найден: загрузите его ещё раз");
        stored.stream.destroy();
        const mime = storedFileType(input.file.mime);
        const kind = uploadKind(mime);
        // A voice message's length, read once from the stored Ogg/Opus (recorded or voiced).
        file = { ...input.file, mime, kind, size: stored.size, durationSec: kind === "voice" ? await storedVoiceSeconds(ctx.storage, input.file.storageKey) : null };
      }
      const library = await libraryReplyFiles(ctx.tx, ctx.member, input.mediaIds ?? [], !!file || !!input.text.trim());
      const files = [...(file ? [file] : []), ...library.files];
      const sent = await createReplies(ctx.tx, ctx.member, input.conversationId, { text: input.text, files });
      const conversationId = sent[0]!.conversationId;
      // A reply makes an unassigned conversation the member's own.
      const assigneeId = await assigneeOf(ctx.tx, conversationId);
      ctx.afterCommit(async () => {
        for (const { messageId } of sent) {
          await ctx.jobs.enqueueOutbound({ projectId: ctx.member.projectId, messageId });
          await ctx.publish({ type: "conversation.message", projectId: ctx.member.projectId, conversationId, messageId, direction: "out", assigneeId });
        }
      });
      // Library files removed since the saved reply was picked: the box says they did not go.
      return { messageId: sent[0]!.messageId, messageIds: sent.map((s) => s.messageId), missingMediaIds: library.missing };
    }),

  /** Edits a member's sent message on the platform; the stored text changes once the platform accepts. */
  editMessage: inbox.input(z.object({ messageId, text: z.string().max(10_000) })).mutation(async ({ ctx, input }) => {
    await ctx.editLimiter.take(ctx.member, input.messageId);
    const job = await requestMessageChange(ctx.tx, ctx.member, input.messageId, { kind: "edit", text: input.text });
    ctx.afterCommit(() => ctx.jobs.enqueueMessageChange(job));
  }),

  /** Deletes a member's sent message for the client too. */
  deleteMessage: inbox.input(z.object({ messageId })).mutation(async ({ ctx, input }) => {
    const job = await requestMessageChange(ctx.tx, ctx.member, input.messageId, { kind: "delete" });
    ctx.afterCommit(() => ctx.jobs.enqueueMessageChange(job));
  }),
});

type CardContext = { tx: import("@threadline/db").Tx; member: { projectId: string }; afterCommit: (fn: () => Promise<unknown>) => void; publish: (event: import("@threadline/domain/events.ts").ConversationEvent) => Promise<unknown> };

/** Colleagues who see the conversation refetch its card and the list (tags show there). */
async function publishCardChange(ctx: CardContext, conversationId: string) {
  const assigneeId = await assigneeOf(ctx.tx, conversationId);
  ctx.afterCommit(() => ctx.publish({ type: "conversation.updated", projectId: ctx.member.projectId, conversationId, assigneeId }));
}
