import { Check, CheckCheck, Clock, FileText, TriangleAlert } from "lucide-react";
import { memo } from "react";
import { cn, fileSize, storedErrorText, useT } from "@threadline/ui";
import { clock, fileUrl } from "./format.ts";
import { MessageActions } from "./message-actions.tsx";
import { VoicePlayer } from "./voice-player.tsx";
import type { Attachment, Message } from "./types.ts";

/** One message as a bubble: the client's on the left, ours (manager, agent) on the right. */
export const MessageBubble = memo(function MessageBubble({
  message,
  projectId,
  showAuthor,
  startCampaign = null,
}: {
  message: Message;
  projectId: string;
  showAuthor: boolean;
  startCampaign?: string | null;
}) {
  const t = useT();
  const out = message.direction === "out";
  // Telegram's /start is the client opening the bot, not something they wrote.
  if (message.author === "client" && message.text === "/start") {
    return (
      <div data-testid="message" data-direction={message.direction} className="flex justify-center py-1">
        <span className="rounded-full bg-slate-200/70 px-3 py-0.5 text-xs text-slate-600">
          {startCampaign ? t("inbox.openedBotFrom", { campaign: startCampaign }) : t("inbox.openedBot")}
        </span>
      </div>
    );
  }
  if (message.author === "system") {
    return (
      <div data-testid="message" data-direction={message.direction} data-delivery={message.delivery} className="flex justify-center py-1">
        <span className="rounded-full bg-slate-200/70 px-3 py-0.5 text-xs text-slate-600">{message.text}</span>
      </div>
    );
  }
  const author =
    message.author === "agent" ? (
      <span className="text-violet-700">{t("inbox.agent")}</span>
    ) : message.author === "member" && message.authorName ? (
      <span className="text-sky-800">{message.authorName}</span>
    ) : null;
  const failed = message.delivery === "failed";
  if (message.deletedAt) {
    // Deleted on the platform: the client no longer sees it; its words stay muted for those
    // allowed to read them (the server sends none to the others).
    return (
      <div data-testid="message" data-direction={message.direction} data-deleted="true" className={cn("flex flex-col", out ? "items-end" : "items-start")}>
        <div className="max-w-[min(75%,36rem)] rounded-2xl border border-dashed border-slate-300 px-3 py-1.5 text-sm leading-snug text-slate-400">
          {showAuthor && author ? <div className="mb-0.5 text-xs font-medium">{author}</div> : null}
          {message.text ? <span className="whitespace-pre-wrap break-words line-through [overflow-wrap:anywhere]">{message.text}</span> : <span className="italic">{t("inbox.deletedNote")}</span>}
          <span className="float-right ml-3 mt-1 flex translate-y-0.5 items-center gap-1 text-[11px] leading-none">
            <span>{t("inbox.deleted")}</span>
            <time dateTime={message.sentAt.toISOString()}>{clock(message.sentAt)}</time>
          </span>
        </div>
      </div>
    );
  }
  return (
    <div data-testid="message" data-direction={message.direction} data-delivery={message.delivery} className={cn("flex flex-col", out ? "items-end" : "items-start")}>
      <div
        className={cn(
          "max-w-[min(75%,36rem)] rounded-2xl px-3 py-1.5 text-sm leading-snug text-slate-900",
          out ? "rounded-br-md bg-sky-100" : "rounded-bl-md border border-slate-200 bg-white",
          failed && "bg-red-50 ring-1 ring-red-200",
        )}
      >
        {showAuthor && author ? <div className="mb-0.5 text-xs font-medium">{author}</div> : null}
        {message.attachments.length ? (
          <div className="my-1 space-y-1.5">
            {message.attachments.map((a) => (
              <AttachmentView key={a.id} attachment={a} projectId={projectId} />
            ))}
          </div>
        ) : null}
        {message.transcript ? (
          <div data-testid="transcript" className="mb-1 border-l-2 border-slate-300 pl-2 text-xs italic text-slate-600">
            <span className="not-italic font-medium">{t(message.kind === "voice" ? "inbox.transcript.voice" : "inbox.transcript.document")}: </span>
            {message.transcript}
          </div>
        ) : null}
        {!message.transcript && message.transcriptError ? (
          <p data-testid="transcript-error" role="status" className="mb-1 border-l-2 border-amber-300 pl-2 text-xs text-amber-700">
            {storedErrorText(message.transcriptError)}
          </p>
        ) : null}
        {message.text ? <span className="whitespace-pre-wrap break-words [overflow-wrap:anywhere]">{linkify(message.text)}</span> : null}
        <span className="float-right ml-3 mt-1 flex translate-y-0.5 items-center gap-1 text-[11px] leading-none text-slate-400">
          {message.editedAt ? <span>{t("inbox.edited")}</span> : null}
          {message.imported ? <span>{t("inbox.imported")}</span> : null}
          <time dateTime={message.sentAt.toISOString()} title={message.sentAt.toLocaleString()}>
            {clock(message.sentAt)}
          </time>
          {out ? <Ticks delivery={message.delivery} /> : null}
        </span>
      </div>
      {failed ? (
        <p className="mt-0.5 max-w-[min(75%,36rem)] text-right text-xs text-red-600" role="alert">
          {storedErrorText(message.failureReason) || t("inbox.sendFailed")}
        </p>
      ) : null}
      {message.changeFailure ? (
        <p className="mt-0.5 max-w-[min(75%,36rem)] text-right text-xs text-red-600" role="alert">
          {t("inbox.messageActions.changeFailed")}: {storedErrorText(message.changeFailure)}
        </p>
      ) : null}
      {message.changeable && (message.delivery === "sent" || message.delivery === "read") ? <MessageActions message={message} projectId={projectId} /> : null}
    </div>
  );
});

function Ticks({ delivery }: { delivery: Message["delivery"] }) {
  const t = useT();
  const label = t(`inbox.delivery.${delivery}`);
  const common = "h-3.5 w-3.5";
  switch (delivery) {
    case "pending":
      return <Clock className={common} aria-label={label} />;
    case "sent":
      return <Check className={cn(common, "text-sky-600")} aria-label={label} />;
    case "read":
      return <CheckCheck className={cn(common, "text-sky-600")} aria-label={label} />;
    case "failed":
      return <TriangleAlert className={cn(common, "text-red-600")} aria-label={label} />;
    default:
      return null;
  }
}

function AttachmentView({ attachment: a, projectId }: { attachment: Attachment; projectId: string }) {
  const t = useT();
  if (a.state === "pending") {
    return <div className="flex h-16 w-56 items-center justify-center rounded-lg bg-slate-100 text-xs text-slate-500">{t("inbox.attachment.loading")}</div>;
  }
  if (a.state === "failed") {
    return (
      <div className="rounded-lg bg-slate-100 px-3 py-2 text-xs text-slate-600">
        {t("inbox.attachment.failed")}
        {a.error ? `: ${storedErrorText(a.error)}` : ""}
      </div>
    );
  }
  const url = fileUrl(projectId, a.id);
  switch (a.kind) {
    case "photo":
      return (
        <a href={url} target="_blank" rel="noreferrer" className="block">
          <img src={url} alt={a.fileName ?? t("inbox.attachment.photo")} loading="lazy" className="max-h-72 max-w-full rounded-lg object-contain" />
        </a>
      );
    case "sticker":
      return <img src={url} alt={t("inbox.attachment.sticker")} loading="lazy" className="h-32 w-32 object-contain" />;
    case "voice":
      return <VoicePlayer src={url} storedSeconds={a.durationSec} />;
    case "video":
      return <video controls preload="metadata" src={url} className="max-h-72 max-w-full rounded-lg" aria-label={t("inbox.attachment.video")} />;
    default:
      return (
        <a href={url} download={a.fileName ?? undefined} className="flex items-center gap-2 rounded-lg bg-white/70 px-2.5 py-2 text-slate-800 ring-1 ring-slate-200 hover:bg-white">
          <FileText className="h-5 w-5 shrink-0 text-slate-500" aria-hidden />
          <span className="min-w-0">
            <span className="block truncate text-sm font-medium">{a.fileName ?? t("inbox.attachment.document")}</span>
            <span className="block text-xs text-slate-500">
              {[fileSize(a.size), t("inbox.attachment.download")].filter(Boolean).join(" · ")}
            </span>
          </span>
        </a>
      );
  }
}

const urlPattern = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)»])/g;

/** Links in a client's text become clickable; everything else stays plain text. */
function linkify(text: string): React.ReactNode {
  const parts = text.split(urlPattern);
  if (parts.length === 1) return text;
  return parts.map((part, i) =>
    i % 2 === 1 ? (
      <a key={i} href={part} target="_blank" rel="noreferrer noopener" className="text-sky-700 underline underline-offset-2">
        {part}
      </a>
    ) : (
      part
    ),
  );
}
