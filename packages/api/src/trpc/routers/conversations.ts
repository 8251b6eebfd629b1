import { z } from "zod";
import { leadStages } from "@threadline/db";
import { countUnreadConversations, listConversations } from "@threadline/domain/conversations/list.ts";
import { CONTACT_NAME_MAX, editContact } from "@threadline/domain/conversations/contact-edit.ts";
import { createReply, type ReplyFile } from "@threadline/domain/conversations/reply.ts";
import { claimUpload, isUploadKey, uploadKind } from "@threadline/domain/conversations/uploads.ts";
import { badRequest } from "@threadline/domain/errors.ts";
import { storedFileType } from "@threadline/domain/file-types.ts";
import { assigneeOf, assignConversation, listAssignees, listMessages, markRead, markUnread, setConversationAi, showConversation } from "@threadline/domain/conversations/thread.ts";
import { projectProcedure, router } from "../init.ts";

const conversationId = z.string().uuid();
const inbox = projectProcedure("inbox.use");

export const conversationsRouter = router({
  list: inbox
    .input(
      z.object({
        filter: z.enum(["all", "mine", "unassigned", "unread", "awaiting"]).default("all"),
        channelId: z.string().uuid().optional(),
        stage: z.enum(leadStages).optional(),
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

  reply: inbox
    .input(
      z.object({
        conversationId,
        text: z.string().max(10_000),
        file: z.object({ storageKey: z.string().max(200), fileName: z.string().min(1).max(200), mime: z.string().max(100) }).optional(),
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
        file = { ...input.file, mime, kind: uploadKind(mime), size: stored.size };
      }
      const sent = await createReply(ctx.tx, ctx.member, input.conversationId, { text: input.text, file });
      // A reply makes an unassigned conversation the member's own.
      const assigneeId = await assigneeOf(ctx.tx, sent.conversationId);
      ctx.afterCommit(async () => {
        await ctx.jobs.enqueueOutbound({ projectId: ctx.member.projectId, messageId: sent.messageId });
        await ctx.publish({ type: "conversation.message", projectId: ctx.member.projectId, conversationId: sent.conversationId, messageId: sent.messageId, direction: "out", assigneeId });
      });
      return { messageId: sent.messageId };
    }),
});
