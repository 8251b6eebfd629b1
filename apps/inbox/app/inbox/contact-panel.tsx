import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, ExternalLink, Pencil } from "lucide-react";
import { useId, useState } from "react";
import { Button, cn, displayPhone, errorMessage, Select, Switch, useT, useTRPC } from "@threadline/ui";
import { Avatar, ChannelMark, InactiveMark } from "./bits.tsx";
import { ClientCard } from "./client-card.tsx";
import { ContactEditForm } from "./contact-edit.tsx";
import { CopilotSummary } from "./copilot.tsx";
import { moment } from "./format.ts";
import { retryTransient } from "./hooks.ts";
import { OrdersSection } from "./orders-section.tsx";
import { PaymentsSection } from "./payments.tsx";
import { StageSection } from "./stage-section.tsx";
import { can, hidden, type Access, type Attribution } from "./types.ts";

/**
 * The right pane: who the client is, and what the manager can change about the conversation.
 * On a phone it is a screen of its own, with `onBack` leading back to the thread.
 */
export function ContactPanel({
  projectId,
  conversationId,
  access,
  onBack,
}: {
  projectId: string;
  conversationId: string;
  access: Access | undefined;
  onBack?: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const c = trpc.conversations;
  const assigneeId = useId();
  const aiId = useId();
  const [editing, setEditing] = useState(false);

  const conversation = useQuery(c.get.queryOptions({ projectId, conversationId }, { retry: retryTransient }));
  const canAssign = can(access, "conversations.assign");
  const assignees = useQuery({ ...c.assignees.queryOptions({ projectId }), enabled: canAssign, staleTime: 60_000 });

  const refresh = () => {
    void queryClient.invalidateQueries(c.get.queryFilter({ projectId, conversationId }));
    void queryClient.invalidateQueries(c.list.infiniteQueryFilter({ projectId }));
  };
  const assign = useMutation(c.assign.mutationOptions({ onSettled: refresh }));
  const setAi = useMutation(
    c.setAi.mutationOptions({
      onMutate: ({ enabled }) => {
        queryClient.setQueryData(c.get.queryKey({ projectId, conversationId }), (data) => (data ? { ...data, aiEnabled: enabled, aiToggledAt: new Date() } : data));
      },
      onSettled: refresh,
    }),
  );

  const conv = conversation.data;
  if (conversation.isError) return null;
  if (!conv) {
    return <aside data-testid="contact-panel" className="w-full shrink-0 border-slate-200 bg-white md:w-[300px] md:border-l" />;
  }
  const contact = conv.contact;
  const name = contact.name || (contact.username ? `@${contact.username}` : t("inbox.noName"));
  const showPhone = !hidden(access, "contact.phone") && !!contact.phone;
  const showProfile = !hidden(access, "contact.profileUrl") && !!contact.profileUrl;
  const showSource = !hidden(access, "conversation.attribution");
  const source = conv.attribution ?? contact.firstTouch ?? null;
  const assigneeName = assignees.data?.find((a) => a.id === conv.assigneeId)?.name;

  return (
    <aside data-testid="contact-panel" className="flex w-full shrink-0 flex-col overflow-y-auto border-slate-200 bg-white md:w-[300px] md:border-l">
      {onBack ? (
        <div className="flex h-14 shrink-0 items-center border-b border-slate-100 px-2">
          <Button variant="ghost" size="sm" onClick={onBack} aria-label={t("inbox.backToThread")}>
            <ArrowLeft className="h-4 w-4" aria-hidden />
            {t("inbox.backToThread")}
          </Button>
        </div>
      ) : null}
      <div className="flex flex-col items-center gap-2 border-b border-slate-100 px-5 pb-4 pt-6 text-center">
        <Avatar id={contact.id} name={name} size="lg" muted={!contact.active} />
        <div className={cn("text-base font-semibold", contact.active ? "text-slate-900" : "text-slate-500")}>{name}</div>
        {/* The channel the client writes to (the project's bot or community), not the client's own account. */}
        <div className="flex items-center gap-1.5 text-xs text-slate-500">
          <ChannelMark kind={conv.channel.kind} />
          <span>{t("inbox.contact.via", { channel: conv.channel.name })}</span>
        </div>
        {!contact.active ? <InactiveMark /> : null}
        {canAssign && !editing ? (
          <Button variant="ghost" size="sm" onClick={() => setEditing(true)} title={t("inbox.contact.editTitle")}>
            <Pencil className="h-3.5 w-3.5" aria-hidden />
            {t("inbox.contact.edit")}
          </Button>
        ) : null}
      </div>
      {editing ? (
        <ContactEditForm
          projectId={projectId}
          conversationId={conversationId}
          contact={contact}
          showPhone={!hidden(access, "contact.phone")}
          onDone={() => setEditing(false)}
        />
      ) : null}

      <dl className="space-y-3 border-b border-slate-100 px-5 py-4 text-sm empty:hidden">
        {contact.username ? <Row label={t("inbox.contact.username")}>@{contact.username}</Row> : null}
        {showPhone ? (
          <Row label={t("inbox.contact.phone")}>
            <a href={`tel:${contact.phone}`} className="text-slate-900 hover:text-sky-700">
              {displayPhone(contact.phone ?? "")}
            </a>
          </Row>
        ) : null}
        {contact.email ? (
          <Row label={t("inbox.contact.email")}>
            <a href={`mailto:${contact.email}`} className="break-all text-slate-900 hover:text-sky-700">
              {contact.email}
            </a>
          </Row>
        ) : null}
        {showProfile ? (
          <Row label={t("inbox.contact.profile")}>
            <a href={contact.profileUrl!} target="_blank" rel="noreferrer noopener" className="inline-flex items-center gap-1 text-sky-700 hover:underline">
              {t("inbox.contact.openProfile")}
              <ExternalLink className="h-3 w-3" aria-hidden />
            </a>
          </Row>
        ) : null}
      </dl>

      {can(access, "inbox.use") ? <CopilotSummary projectId={projectId} conversationId={conversationId} lastInboundSeq={conv.lastInboundSeq} /> : null}
      <ClientCard projectId={projectId} conversationId={conversationId} canTag={canAssign} canWrite={can(access, "conversations.reply")} />
      <StageSection projectId={projectId} conversationId={conversationId} stage={conv.stage} canChange={canAssign} />
      <PaymentsSection projectId={projectId} conversationId={conversationId} access={access} />

      <div className="space-y-4 border-b border-slate-100 px-5 py-4">
        <div className="space-y-1.5">
          <label htmlFor={assigneeId} className="block text-xs font-medium text-slate-500">
            {t("inbox.contact.assignee")}
          </label>
          {canAssign ? (
            <Select
              id={assigneeId}
              className="h-8 text-sm"
              value={conv.assigneeId ?? ""}
              disabled={assign.isPending || !assignees.data}
              onChange={(e) => assign.mutate({ projectId, conversationId, assigneeId: e.target.value || null })}
            >
              <option value="">{t("inbox.contact.unassigned")}</option>
              {assignees.data?.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
              {conv.assigneeId && assignees.data && !assigneeName ? <option value={conv.assigneeId}>—</option> : null}
            </Select>
          ) : (
            <p id={assigneeId} className="text-sm text-slate-800">
              {conv.assigneeId ? (assigneeName ?? "—") : t("inbox.contact.unassigned")}
            </p>
          )}
          {assign.error ? <p className="text-xs text-red-600">{errorMessage(assign.error)}</p> : null}
        </div>

        <div className="space-y-1">
          <div className="flex items-center justify-between gap-3">
            <label htmlFor={aiId} className="text-sm text-slate-800">
              {t("inbox.contact.aiSwitch")}
            </label>
            <Switch id={aiId} checked={conv.aiEnabled} disabled={setAi.isPending} onCheckedChange={(enabled) => setAi.mutate({ projectId, conversationId, enabled })} />
          </div>
          {conv.aiToggledAt ? <p className="text-xs text-slate-400">{t("inbox.contact.aiToggledAt", { when: moment(conv.aiToggledAt) })}</p> : null}
          {conv.aiEnabled ? <p className="text-xs text-slate-400">{t("inbox.contact.aiOffHint")}</p> : null}
          {setAi.error ? <p className="text-xs text-red-600">{errorMessage(setAi.error)}</p> : null}
        </div>
      </div>

      {can(access, "inbox.use") ? <OrdersSection projectId={projectId} conversationId={conversationId} access={access} /> : null}

      {showSource ? (
        <div className="px-5 py-4">
          <h3 className="mb-2 text-xs font-medium text-slate-500">{t("inbox.contact.source")}</h3>
          <SourceRows source={source} />
        </div>
      ) : null}
    </aside>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[110px_1fr] items-baseline gap-2">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words text-slate-900">{children}</dd>
    </div>
  );
}

const sourceKeys = ["utmSource", "utmMedium", "utmCampaign", "utmContent", "ref", "refSource", "startPayload"] as const;

function SourceRows({ source }: { source: Attribution | null }) {
  const t = useT();
  const rows = source ? sourceKeys.filter((k) => source[k]) : [];
  if (!source || rows.length === 0) return <p className="text-sm text-slate-400">{t("inbox.contact.noSource")}</p>;
  return (
    <dl className="space-y-1.5 text-sm">
      {rows.map((k) => (
        <div key={k} className="grid grid-cols-[110px_1fr] items-baseline gap-2">
          <dt className="font-mono text-xs text-slate-500">{t(`inbox.contact.${k}`)}</dt>
          <dd className="min-w-0 break-words text-slate-900">{source[k]}</dd>
        </div>
      ))}
    </dl>
  );
}
