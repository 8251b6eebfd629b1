import { Archive, ArchiveRestore, ArrowLeft, MailOpen, PanelRight, X } from "lucide-react";
import { Button, cn, useT } from "@threadline/ui";
import { Avatar, ChannelMark, InactiveMark, IntentBadge } from "./bits.tsx";
import type { Conversation } from "./types.ts";

/** The thread's header: who the client is and where they write from, and the thread's actions. */
export function ThreadHeader({
  conversation,
  name,
  panelOpen,
  markingUnread,
  onMarkUnread,
  archiving,
  onArchive,
  onTogglePanel,
  onClose,
  phone = false,
}: {
  conversation: Conversation | undefined;
  /** The client's name as the thread shows it. */
  name: string;
  panelOpen: boolean;
  markingUnread: boolean;
  onMarkUnread: () => void;
  archiving: boolean;
  /** Archives the conversation, or brings an archived one back. */
  onArchive: (archived: boolean) => void;
  onTogglePanel: () => void;
  onClose: () => void;
  /** One screen at a time: a back arrow leads to the list, the panel button opens the contact's screen. */
  phone?: boolean;
}) {
  const t = useT();
  const contact = conversation?.contact;
  return (
    <header className="flex h-14 shrink-0 items-center gap-3 border-b border-slate-200 bg-white px-2 md:px-4">
      {phone ? (
        <Button variant="ghost" size="icon" className="h-8 w-8 shrink-0" onClick={onClose} title={t("inbox.backToList")} aria-label={t("inbox.backToList")}>
          <ArrowLeft className="h-4 w-4" />
        </Button>
      ) : null}
      {conversation && contact ? (
        <>
          <Avatar id={contact.id} name={name} muted={!contact.active} />
          <div className="min-w-0 flex-1">
            <div className={cn("truncate text-sm font-semibold", contact.active ? "text-slate-900" : "text-slate-500")}>{name}</div>
            <div className="flex items-center gap-1.5 text-xs text-slate-500">
              <ChannelMark kind={conversation.channel.kind} />
              <span className="truncate">{conversation.channel.name}</span>
              {conversation.intent ? <IntentBadge intent={conversation.intent} className="shrink-0" /> : null}
              {!contact.active ? (
                <>
                  <span aria-hidden>·</span>
                  <InactiveMark />
                </>
              ) : null}
            </div>
          </div>
        </>
      ) : (
        <div className="flex-1" />
      )}
      <Button variant="ghost" size="sm" onClick={onMarkUnread} disabled={markingUnread} title={t("inbox.markUnread")}>
        <MailOpen className="h-4 w-4" aria-hidden />
        <span className="hidden xl:inline">{t("inbox.markUnread")}</span>
      </Button>
      {conversation ? (
        conversation.archivedAt ? (
          <Button variant="ghost" size="sm" onClick={() => onArchive(false)} disabled={archiving} title={t("inbox.unarchive")}>
            <ArchiveRestore className="h-4 w-4" aria-hidden />
            <span className="hidden xl:inline">{t("inbox.unarchive")}</span>
          </Button>
        ) : (
          <Button variant="ghost" size="sm" onClick={() => onArchive(true)} disabled={archiving} title={t("inbox.archive")}>
            <Archive className="h-4 w-4" aria-hidden />
            <span className="hidden xl:inline">{t("inbox.archive")}</span>
          </Button>
        )
      ) : null}
      <Button
        variant="ghost"
        size="icon"
        className={cn("h-8 w-8", panelOpen && !phone && "bg-slate-100")}
        onClick={onTogglePanel}
        title={panelOpen ? t("inbox.hideContact") : t("inbox.showContact")}
        aria-label={panelOpen ? t("inbox.hideContact") : t("inbox.showContact")}
        aria-pressed={phone ? undefined : panelOpen}
      >
        <PanelRight className="h-4 w-4" />
      </Button>
      {phone ? null : (
        <Button variant="ghost" size="icon" className="h-8 w-8" onClick={onClose} title={`${t("inbox.close")} (Esc)`} aria-label={t("inbox.close")}>
          <X className="h-4 w-4" />
        </Button>
      )}
    </header>
  );
}

/** In place of the thread when the server no longer finds the conversation (deleted, or access lost). */
export function ThreadGone() {
  const t = useT();
  return (
    <section data-testid="thread" className="flex min-w-0 flex-1 flex-col items-center justify-center bg-slate-50 px-6 text-center">
      <p className="text-sm font-medium text-slate-700">{t("inbox.conversationGone")}</p>
      <p className="mt-1 max-w-sm text-xs text-slate-500">{t("inbox.conversationGoneHint")}</p>
    </section>
  );
}
