import { Fragment } from "react";
import { cn, useT } from "@threadline/ui";
import { dayLabel, daysAgo } from "./format.ts";
import { MessageBubble } from "./message.tsx";
import { PaymentChip, type Payment } from "./payments.tsx";
import type { Message } from "./types.ts";

/**
 * A day's label, sticking to the top while its messages scroll under it: a full-width row in the
 * thread's own background, so a bubble passes under the row and never shows around the label.
 */
export function DaySeparator({ at }: { at: Date }) {
  return (
    <div data-testid="day-label" className="sticky top-0 z-10 -mx-3 flex justify-center bg-slate-50 px-3 py-2 md:-mx-6 md:px-6">
      <span className="rounded-full bg-white/90 px-3 py-0.5 text-xs font-medium text-slate-500 shadow-sm ring-1 ring-slate-200">{dayLabel(at)}</span>
    </div>
  );
}

/**
 * The history in reading order: a separator where the day changes, the author's name only where
 * it changes, a gap where the side changes.
 */
export function MessageList({
  messages,
  projectId,
  loading,
  hasOlder,
  payments,
  focusMessageId = null,
  startCampaign = null,
}: {
  messages: readonly Message[];
  projectId: string;
  loading: boolean;
  hasOlder: boolean;
  /** Bills by the message that carried their link (none for a role that does not see payments). */
  payments?: ReadonlyMap<number, Payment>;
  /** The message a search opened the thread at: highlighted. */
  focusMessageId?: number | null;
  /** The campaign of the link the client opened the bot by, for its `/start`. */
  startCampaign?: string | null;
}) {
  const t = useT();
  if (loading) return <p className="py-8 text-center text-xs text-slate-400">{t("inbox.loadingHistory")}</p>;
  if (messages.length === 0) return <p className="py-8 text-center text-xs text-slate-400">{t("inbox.noMessages")}</p>;
  return (
    <>
      <p className="py-2 text-center text-xs text-slate-400">{hasOlder ? t("inbox.loadingHistory") : t("inbox.historyStart")}</p>
      {messages.map((m, i) => {
        const prev = messages[i - 1];
        const newDay = !prev || daysAgo(prev.sentAt, m.sentAt) !== 0;
        const showAuthor = newDay || !prev || prev.author !== m.author || prev.authorName !== m.authorName;
        const gap = !newDay && prev && prev.direction !== m.direction;
        return (
          <Fragment key={m.id}>
            {newDay ? <DaySeparator at={m.sentAt} /> : null}
            <div
              data-message-id={m.id}
              data-focused={m.id === focusMessageId ? "true" : undefined}
              aria-label={m.id === focusMessageId ? t("inbox.focusedMessage") : undefined}
              className={cn(gap && "pt-2", m.id === focusMessageId && "-mx-2 rounded-lg bg-amber-100/80 px-2 py-1 ring-2 ring-amber-300")}
            >
              <MessageBubble message={m} projectId={projectId} showAuthor={showAuthor} startCampaign={startCampaign} />
              {payments?.get(m.id) ? (
                <div className="flex justify-end">
                  <PaymentChip payment={payments.get(m.id)!} />
                </div>
              ) : null}
            </div>
          </Fragment>
        );
      })}
    </>
  );
}
