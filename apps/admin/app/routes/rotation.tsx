import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, Button, Card, Checkbox, Dialog, EmptyState, ErrorNote, Field, Input, PageHeader, Select, Switch, Table, Td, Th, errorMessage, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";

type WorkHours = { days: Partial<Record<"0" | "1" | "2" | "3" | "4" | "5" | "6", { from: string; to: string }[]>> };
// Monday first, as a Russian week goes.
const WEEK = ["1", "2", "3", "4", "5", "6", "0"] as const;

/** «Распределение лидов»: who takes leads, how many, when; rules by channel or source; the queue. */
export default function Rotation() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const members = useQuery(trpc.staff.list.queryOptions({ projectId }));
  const queue = useQuery(trpc.rotation.queue.queryOptions({ projectId }, { refetchInterval: 30_000 }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.staff.list.queryKey({ projectId }) });
  const update = useMutation(trpc.rotation.updateMember.mutationOptions({ onSettled: refresh }));
  const [editing, setEditing] = useState<{ id: string; name: string; hours: WorkHours | null } | null>(null);
  const [pausing, setPausing] = useState<{ id: string; name: string } | null>(null);
  const projectHours = useQuery(trpc.rotation.projectHours.queryOptions({ projectId }));
  const setProjectHours = useMutation(
    trpc.rotation.setProjectHours.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.rotation.projectHours.queryKey({ projectId }) }) }),
  );
  const [editingProject, setEditingProject] = useState(false);
  const inbox = (members.data ?? []).filter((m) => m.active && m.worksInbox);

  return (
    <>
      <PageHeader title={t("rotation.title")} description={t("rotation.hint")} />
      <ErrorNote>{errorMessage(update.error)}</ErrorNote>
      <Card>
        <Table aria-label={t("rotation.title")}>
          <thead>
            <tr>
              <Th>{t("admin.name")}</Th>
              <Th>{t("rotation.inRotation")}</Th>
              <Th>{t("rotation.weight")}</Th>
              <Th>{t("rotation.hours")}</Th>
              <Th>{t("rotation.pause")}</Th>
            </tr>
          </thead>
          <tbody>
            {inbox.map((m) => (
              <tr key={m.id} data-testid={`rotation-${m.email}`}>
                <Td className="font-medium">{m.name}</Td>
                <Td>
                  <Switch aria-label={`${t("rotation.inRotation")}: ${m.name}`} checked={m.inRotation} onCheckedChange={(v) => update.mutate({ projectId, membershipId: m.id, inRotation: v })} />
                </Td>
                <Td>
                  <Select
                    aria-label={`${t("rotation.weight")}: ${m.name}`}
                    className="h-8 w-20"
                    value={m.rotationWeight}
                    disabled={!m.inRotation}
                    onChange={(e) => update.mutate({ projectId, membershipId: m.id, weight: Number(e.target.value) })}
                  >
                    {Array.from({ length: 10 }, (_, i) => i + 1).map((w) => (
                      <option key={w} value={w}>
                        {w}
                      </option>
                    ))}
                  </Select>
                </Td>
                <Td>
                  <span className="mr-2 text-sm text-slate-600">{hoursSummary(m.workHours, t)}</span>
                  <Button size="sm" variant="outline" onClick={() => setEditing({ id: m.id, name: m.name, hours: m.workHours })}>
                    {t("rotation.editHours")}
                  </Button>
                </Td>
                <Td>
                  {m.pausedUntil && new Date(m.pausedUntil) > new Date() ? (
                    <span className="flex items-center gap-2">
                      <Badge tone="amber">{t("rotation.pausedUntil", { reason: t(`rotation.reason.${m.pauseReason ?? "other"}`), date: new Date(m.pausedUntil).toLocaleDateString("ru-RU") })}</Badge>
                      <Button size="sm" variant="ghost" onClick={() => update.mutate({ projectId, membershipId: m.id, pausedUntil: null })}>
                        {t("rotation.unpause")}
                      </Button>
                    </span>
                  ) : (
                    <Button size="sm" variant="outline" onClick={() => setPausing({ id: m.id, name: m.name })}>
                      {t("rotation.pauseAction")}
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>

      <Card className="mt-4 flex flex-wrap items-center justify-between gap-3 p-4" data-testid="project-hours">
        <div className="text-sm">
          <div className="font-medium text-slate-900">{t("rotation.projectHours")}</div>
          <div className="text-slate-600">{projectHours.data === undefined ? "" : hoursSummary(projectHours.data, t)}</div>
          <div className="text-xs text-slate-500">{t("rotation.projectHoursHint")}</div>
        </div>
        <Button variant="outline" onClick={() => setEditingProject(true)} disabled={projectHours.data === undefined}>
          {t("rotation.projectHoursEdit")}
        </Button>
      </Card>
      {editingProject && projectHours.data !== undefined ? (
        <HoursDialog
          member={{ name: t("rotation.projectHoursName"), hours: projectHours.data }}
          pending={setProjectHours.isPending}
          error={errorMessage(setProjectHours.error) ?? null}
          onClose={() => {
            setEditingProject(false);
            setProjectHours.reset();
          }}
          onSave={(workHours) => setProjectHours.mutate({ projectId, workHours }, { onSuccess: () => setEditingProject(false) })}
        />
      ) : null}

      <RulesSection projectId={projectId} members={inbox} />

      <h2 className="mb-2 mt-8 text-sm font-semibold text-slate-700">{t("rotation.queue")}</h2>
      <Card data-testid="rotation-queue">
        {queue.data && queue.data.length > 0 ? (
          <Table>
            <tbody>
              {queue.data.map((q) => (
                <tr key={q.conversationId}>
                  <Td className="font-medium">{q.name || "—"}</Td>
                  <Td className="text-slate-500">{q.channelName}</Td>
                  <Td className="text-slate-500">{t("rotation.waitingSince", { time: q.queuedAt ? new Date(q.queuedAt).toLocaleString("ru-RU") : "" })}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : (
          <EmptyState title={t("rotation.queueEmpty")} hint={t("rotation.queueHint")} />
        )}
      </Card>

      {editing ? (
        <HoursDialog
          key={editing.id}
          member={editing}
          pending={update.isPending}
          error={errorMessage(update.error) ?? null}
          onClose={() => {
            setEditing(null);
            update.reset();
          }}
          onSave={(workHours) => update.mutate({ projectId, membershipId: editing.id, workHours }, { onSuccess: () => setEditing(null) })}
        />
      ) : null}
      {pausing ? (
        <PauseDialog
          member={pausing}
          pending={update.isPending}
          error={errorMessage(update.error) ?? null}
          onClose={() => {
            setPausing(null);
            update.reset();
          }}
          onSave={(pausedUntil, pauseReason) => update.mutate({ projectId, membershipId: pausing.id, pausedUntil, pauseReason }, { onSuccess: () => setPausing(null) })}
        />
      ) : null}
    </>
  );
}

function hoursSummary(hours: WorkHours | null, t: ReturnType<typeof useT>): string {
  if (!hours) return t("rotation.always");
  const days = WEEK.filter((d) => hours.days[d]?.length);
  if (days.length === 0) return t("rotation.never");
  return days.map((d) => `${t(`rotation.day.${d}`)} ${hours.days[d]!.map((s) => `${s.from}–${s.to}`).join(", ")}`).join("; ");
}

function HoursDialog({ member, pending, error, onClose, onSave }: { member: { name: string; hours: WorkHours | null }; pending: boolean; error: string | null; onClose: () => void; onSave: (h: WorkHours | null) => void }) {
  const t = useT();
  const [days, setDays] = useState(() =>
    Object.fromEntries(WEEK.map((d) => [d, member.hours?.days[d]?.[0] ?? (member.hours ? null : { from: "09:00", to: "18:00" })])) as Record<(typeof WEEK)[number], { from: string; to: string } | null>,
  );
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={t("rotation.hoursTitle", { name: member.name })} description={t("rotation.hoursHint")}>
      <div className="space-y-2">
        {WEEK.map((d) => {
          const shift = days[d];
          return (
            <div key={d} className="flex items-center gap-2 text-sm">
              <label className="flex w-28 items-center gap-2">
                <Checkbox
                  aria-label={t(`rotation.dayFull.${d}`)}
                  checked={!!shift}
                  onCheckedChange={(v) => setDays({ ...days, [d]: v ? { from: "09:00", to: "18:00" } : null })}
                />
                {t(`rotation.dayFull.${d}`)}
              </label>
              {shift ? (
                <>
                  <Input aria-label={`${t(`rotation.dayFull.${d}`)}: ${t("rotation.from")}`} type="time" className="h-8 w-28" value={shift.from} onChange={(e) => setDays({ ...days, [d]: { ...shift, from: e.target.value } })} />
                  <span>—</span>
                  <Input aria-label={`${t(`rotation.dayFull.${d}`)}: ${t("rotation.to")}`} type="time" className="h-8 w-28" value={shift.to} onChange={(e) => setDays({ ...days, [d]: { ...shift, to: e.target.value } })} />
                </>
              ) : (
                <span className="text-slate-400">{t("rotation.dayOff")}</span>
              )}
            </div>
          );
        })}
        <ErrorNote>{error}</ErrorNote>
        <div className="flex justify-between gap-2 pt-2">
          <Button variant="ghost" onClick={() => onSave(null)} disabled={pending}>
            {t("rotation.noSchedule")}
          </Button>
          <div className="flex gap-2">
            <Button variant="outline" onClick={onClose}>
              {t("common.cancel")}
            </Button>
            <Button variant="primary" disabled={pending} onClick={() => onSave({ days: Object.fromEntries(WEEK.filter((d) => days[d]).map((d) => [d, [days[d]!]])) })}>
              {t("common.save")}
            </Button>
          </div>
        </div>
      </div>
    </Dialog>
  );
}

function PauseDialog({ member, pending, error, onClose, onSave }: { member: { name: string }; pending: boolean; error: string | null; onClose: () => void; onSave: (until: Date, reason: "vacation" | "sick" | "other") => void }) {
  const t = useT();
  const [until, setUntil] = useState("");
  const [reason, setReason] = useState<"vacation" | "sick" | "other">("vacation");
  return (
    <Dialog open onOpenChange={(o) => !o && onClose()} title={t("rotation.pauseTitle", { name: member.name })} description={t("rotation.pauseHint")}>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          // To the end of the day chosen, in the browser's time.
          if (until) onSave(new Date(`${until}T23:59:59`), reason);
        }}
      >
        <Field label={t("rotation.pauseReason")} htmlFor="pause-reason">
          <Select id="pause-reason" value={reason} onChange={(e) => setReason(e.target.value as typeof reason)}>
            {(["vacation", "sick", "other"] as const).map((r) => (
              <option key={r} value={r}>
                {t(`rotation.reason.${r}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t("rotation.pauseUntil")} htmlFor="pause-until">
          <Input id="pause-until" type="date" required value={until} onChange={(e) => setUntil(e.target.value)} />
        </Field>
        <ErrorNote>{error}</ErrorNote>
        <div className="flex justify-end gap-2">
          <Button type="button" variant="outline" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" variant="primary" disabled={pending}>
            {t("rotation.pauseAction")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Intents a rule may route; spam never reaches a person: its rule sends it to the archive (decision 067). */
const ruleIntents = ["purchase", "question", "support", "complaint", "spam"] as const;
type RuleIntent = (typeof ruleIntents)[number];

function RulesSection({ projectId, members }: { projectId: string; members: { id: string; name: string }[] }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rules = useQuery(trpc.rotation.rules.queryOptions({ projectId }));
  const channels = useQuery(trpc.channels.list.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.rotation.rules.queryKey({ projectId }) });
  const create = useMutation(trpc.rotation.createRule.mutationOptions({ onSuccess: () => (setSource(""), setIntent(""), setChosen([])), onSettled: refresh }));
  const remove = useMutation(trpc.rotation.removeRule.mutationOptions({ onSettled: refresh }));
  const [channelId, setChannelId] = useState("");
  const [source, setSource] = useState("");
  const [intent, setIntent] = useState<RuleIntent | "">("");
  const [chosen, setChosen] = useState<string[]>([]);
  const nameOf = (id: string) => members.find((m) => m.id === id)?.name ?? "—";
  return (
    <>
      <h2 className="mb-2 mt-8 text-sm font-semibold text-slate-700">{t("rotation.rules")}</h2>
      <Card className="space-y-3 p-4">
        <p className="text-sm text-slate-500">{t("rotation.rulesHint")}</p>
        {rules.data?.map((r) => (
          <div key={r.id} className="flex items-center justify-between gap-2 text-sm" data-testid="rotation-rule">
            <span>
              {[r.intent ? t(`inbox.intent.${r.intent}`) : null, r.channelId ? channels.data?.find((c) => c.id === r.channelId)?.name : null, r.source ? t("rotation.sourceIs", { source: r.source }) : null].filter(Boolean).join(" · ")} →{" "}
              {r.archive ? t("rotation.toArchive") : r.membershipIds.map(nameOf).join(", ")}
            </span>
            <Button size="sm" variant="ghost" onClick={() => remove.mutate({ projectId, ruleId: r.id })}>
              {t("rotation.removeRule")}
            </Button>
          </div>
        ))}
        <form
          className="flex flex-wrap items-end gap-3 border-t border-slate-100 pt-3"
          onSubmit={(e) => {
            e.preventDefault();
            const toArchive = intent === "spam";
            create.mutate({ projectId, channelId: channelId || null, source: toArchive ? null : source || null, intent: intent || null, membershipIds: toArchive ? [] : chosen, archive: toArchive });
          }}
        >
          <Field label={t("rotation.ruleChannel")} htmlFor="rule-channel">
            <Select id="rule-channel" className="w-56" value={channelId} onChange={(e) => setChannelId(e.target.value)}>
              <option value="">{t("rotation.anyChannel")}</option>
              {channels.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
          </Field>
          {intent === "spam" ? null : (
            <Field label={t("rotation.ruleSource")} htmlFor="rule-source">
              <Input id="rule-source" className="w-48" placeholder="vk_ads" value={source} onChange={(e) => setSource(e.target.value)} />
            </Field>
          )}
          <Field label={t("rotation.ruleIntent")} htmlFor="rule-intent">
            <Select id="rule-intent" className="w-48" value={intent} onChange={(e) => setIntent(e.target.value as RuleIntent | "")}>
              <option value="">{t("rotation.anyIntent")}</option>
              {ruleIntents.map((i) => (
                <option key={i} value={i}>
                  {t(`inbox.intent.${i}`)}
                </option>
              ))}
            </Select>
          </Field>
          {intent === "spam" ? (
            <p className="text-sm text-slate-600" data-testid="rule-to-archive">
              {t("rotation.spamToArchiveHint")}
            </p>
          ) : (
            <fieldset className="flex flex-wrap gap-3 text-sm">
              {members.map((m) => (
                <label key={m.id} className="flex items-center gap-1">
                  <Checkbox checked={chosen.includes(m.id)} onCheckedChange={(v) => setChosen(v ? [...chosen, m.id] : chosen.filter((x) => x !== m.id))} />
                  {m.name}
                </label>
              ))}
            </fieldset>
          )}
          <Button type="submit" variant="outline" disabled={create.isPending}>
            {t("rotation.addRule")}
          </Button>
        </form>
        <ErrorNote>{errorMessage(create.error)}</ErrorNote>
      </Card>
    </>
  );
}
