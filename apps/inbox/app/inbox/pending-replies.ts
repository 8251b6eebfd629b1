import { useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useT, useTRPC } from "@threadline/ui";
import type { MessagesPage } from "./thread-messages.ts";
import type { Message } from "./types.ts";

type History = InfiniteData<MessagesPage, unknown>;
type PendingFile = { fileName: string; mime: string };

// A reply shows at once under a negative id of its own until the stored message replaces it.
let lastPendingId = 0;
const nextPendingId = () => --lastPendingId;

/** The reply as the thread shows it while the server has not answered. */
export function pendingReply(text: string, file: PendingFile | undefined, authorName: string, voiceLabel: string): Message {
  return {
    id: nextPendingId(),
    direction: "out",
    author: "member",
    authorName,
    kind: file ? "document" : "text",
    // A voice message shows as such until the sent one, with its player, replaces it.
    text: text.trim() || (file ? (file.mime === "audio/ogg" ? `🎤 ${voiceLabel}` : `📎 ${file.fileName}`) : ""),
    transcript: null,
    transcriptError: null,
    sentAt: new Date(),
    delivery: "pending",
    failureReason: null,
    agentAction: null,
    editedAt: null,
    deletedAt: null,
    changeFailure: null,
    changeable: false,
    imported: false,
    attachments: [],
  };
}

/** The history with a pending reply on top of its newest page. */
export function withPending<T extends History | undefined>(data: T, pending: Message): T {
  if (!data) return data;
  const [first, ...rest] = data.pages;
  return { ...data, pages: [{ ...first!, items: [pending, ...first!.items] }, ...rest] };
}

/** The history without a pending reply the server refused. */
export function withoutPending<T extends History | undefined>(data: T, pendingId: number): T {
  if (!data) return data;
  return { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((m) => m.id !== pendingId) })) };
}

/**
 * Sending a reply: it shows at once as pending, disappears if the server refuses it, and the
 * history, the header and the list are fetched again either way so the stored message replaces it.
 */
export function usePendingReplies({ projectId, conversationId, myName, historyKey }: { projectId: string; conversationId: string; myName: string; historyKey: readonly unknown[] }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const c = trpc.conversations;
  return useMutation(
    c.reply.mutationOptions({
      onMutate: async ({ text, file }) => {
        await queryClient.cancelQueries({ queryKey: historyKey });
        const temp = pendingReply(text, file, myName, t("inbox.attachment.voice"));
        queryClient.setQueryData<History>(historyKey, (data) => withPending(data, temp));
        return { tempId: temp.id };
      },
      onError: (_error, _vars, context) => {
        if (!context) return;
        queryClient.setQueryData<History>(historyKey, (data) => withoutPending(data, context.tempId));
      },
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: historyKey });
        void queryClient.invalidateQueries(c.get.queryFilter({ projectId, conversationId }));
        void queryClient.invalidateQueries(c.list.infiniteQueryFilter({ projectId }));
      },
    }),
  );
}
