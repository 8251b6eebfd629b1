import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import type { AppRouter } from "@threadline/api/trpc";
import {
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  ErrorNote,
  Field,
  Input,
  PageHeader,
  Select,
  Switch,
  Table,
  Td,
  Textarea,
  Th,
  errorMessage,
  useT,
  useTRPC,
} from "@threadline/ui";
import { useProjectAccess } from "../session.ts";
import { ProviderKeyField, SaveRow, type KeyChange } from "../provider-key.tsx";
import { VoiceSettings } from "../voice-settings.tsx";

const TEXT_KEYS = ["askPhone", "askPhoneAgain", "reAskPhone", "unknownQuestion", "invalidPhone", "confirmPhone", "handoff", "decline"] as const;
type TextKey = (typeof TEXT_KEYS)[number];

type Form = {
  enabled: boolean;
  channels: Record<string, boolean | null>;
  greeting: string;
  facts: { key: string; value: string }[];
  faq: { q: string; a: string }[];
  handoffTopics: string;
  texts: Record<TextKey, string>;
  maxPhoneAsks: string;
  timeoutMinutes: string;
  llmModel: string;
  llmKey: KeyChange;
};

type AgentSettings = inferRouterOutputs<AppRouter>["agent"]["get"];

function formFrom(s: AgentSettings): Form {
  return {
    enabled: s.enabled,
    channels: Object.fromEntries(s.channels.map((c) => [c.id, c.override])),
    greeting: s.script.greeting,
    facts: Object.entries(s.script.facts).map(([key, value]) => ({ key, value })),
    faq: s.script.faq.map((f) => ({ q: f.q.join("\n"), a: f.a })),
    handoffTopics: s.script.handoffTopics.join(", "),
    texts: Object.fromEntries(TEXT_KEYS.map((k) => [k, s.script[k]])) as Record<TextKey, string>,
    maxPhoneAsks: String(s.script.maxPhoneAsks),
    timeoutMinutes: String(s.script.timeoutMinutes),
    llmModel: s.llm.model ?? "",
    llmKey: undefined,
  };
}

/** The project's first-contact agent: when it answers, what it knows and says, and its examples. */
export default function Agent() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const settings = useQuery(trpc.agent.get.queryOptions({ projectId }));
  const [form, setForm] = useState<Form | null>(null);

  // The form starts from the stored settings, and again whenever they change (a save answers them).
  const [formOf, setFormOf] = useState<typeof settings.data>();
  if (settings.data && settings.data !== formOf) {
    setFormOf(settings.data);
    setForm(formFrom(settings.data));
  }

  const save = useMutation(
    trpc.agent.update.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.agent.get.queryKey({ projectId }), data),
    }),
  );

  if (settings.error) return <EmptyState title={t("common.noAccess")} hint={settings.error.message} />;
  if (!settings.data || !form) return <p className="text-sm text-slate-500">{t("common.loading")}</p>;
  const s = settings.data;
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });

  function submit() {
    if (!form) return;
    save.mutate({
      projectId,
      enabled: form.enabled,
      channels: form.channels,
      script: {
        greeting: form.greeting,
        facts: Object.fromEntries(form.facts.filter((f) => f.key.trim() || f.value.trim()).map((f) => [f.key.trim(), f.value])),
        faq: form.faq
          .filter((f) => f.q.trim() || f.a.trim())
          .map((f) => ({ q: f.q.split("\n").map((q) => q.trim()).filter(Boolean), a: f.a })),
        handoffTopics: form.handoffTopics.split(/[,\n]/).map((x) => x.trim()).filter(Boolean),
        ...form.texts,
        maxPhoneAsks: Number(form.maxPhoneAsks),
        timeoutMinutes: Number(form.timeoutMinutes),
      },
      llm: { model: form.llmModel || null, ...(form.llmKey !== undefined ? { apiKey: form.llmKey } : {}) },
    });
  }

  return (
    <>
      <PageHeader title={t("agent.title")} description={t("agent.description")} />
      <form
        className="max-w-3xl space-y-6"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Card className="space-y-4 p-6">
          <h2 className="font-semibold">{t("agent.work")}</h2>
          <label className="flex items-start gap-3">
            <Switch checked={form.enabled} onCheckedChange={(enabled) => set({ enabled })} aria-label={t("agent.enabled")} className="mt-0.5" />
            <span>
              <span className="block text-sm font-medium">{t("agent.enabled")}</span>
              <span className="block text-sm text-slate-500">{t("agent.enabledHint")}</span>
            </span>
          </label>
          {s.channels.length === 0 ? (
            <p className="text-sm text-slate-500">{t("agent.noChannels")}</p>
          ) : (
            <Table aria-label={t("agent.channelMode")}>
              <thead>
                <tr>
                  <Th>{t("agent.channel")}</Th>
                  <Th>{t("agent.channelMode")}</Th>
                </tr>
              </thead>
              <tbody>
                {s.channels.map((c) => {
                  const value = form.channels[c.id];
                  return (
                    <tr key={c.id}>
                      <Td>
                        {c.kind === "vk" ? "VK" : "Telegram"} · {c.name}
                      </Td>
                      <Td>
                        <Select
                          aria-label={`${t("agent.channelMode")}: ${c.name}`}
                          value={value === null || value === undefined ? "project" : value ? "on" : "off"}
                          onChange={(e) => set({ channels: { ...form.channels, [c.id]: e.target.value === "project" ? null : e.target.value === "on" } })}
                        >
                          <option value="project">{t("agent.followProject", { state: form.enabled ? t("agent.on") : t("agent.off") })}</option>
                          <option value="on">{t("agent.turnOn")}</option>
                          <option value="off">{t("agent.turnOff")}</option>
                        </Select>
                      </Td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          )}
        </Card>

        <Card className="space-y-5 p-6">
          <h2 className="font-semibold">{t("agent.knowledge")}</h2>
          <Field label={t("agent.greeting")} htmlFor="agent-greeting">
            <Textarea id="agent-greeting" rows={2} value={form.greeting} placeholder={s.defaults.greeting} onChange={(e) => set({ greeting: e.target.value })} />
            <p className="mt-1 text-xs text-slate-500">{t("agent.greetingHint")}</p>
          </Field>

          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-700">{t("agent.facts")}</legend>
            <p className="text-xs text-slate-500">{t("agent.factsHint")}</p>
            {form.facts.map((f, i) => (
              <div key={i} className="flex gap-2">
                <Input
                  aria-label={t("agent.factKey")}
                  className="w-40"
                  placeholder={t("agent.factKey")}
                  value={f.key}
                  onChange={(e) => set({ facts: form.facts.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)) })}
                />
                <Input
                  aria-label={t("agent.factValue")}
                  placeholder={t("agent.factValue")}
                  value={f.value}
                  onChange={(e) => set({ facts: form.facts.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)) })}
                />
                <Button type="button" variant="outline" size="sm" onClick={() => set({ facts: form.facts.filter((_, j) => j !== i) })}>
                  {t("agent.remove")}
                </Button>
              </div>
            ))}
            <Button
              type="button"
              variant="outline"
              size="sm"
              onClick={() => set({ facts: [...form.facts, { key: form.facts.some((f) => f.key === "hours") ? (form.facts.some((f) => f.key === "address") ? "" : "address") : "hours", value: "" }] })}
            >
              {t("agent.addFact")}
            </Button>
          </fieldset>

          <fieldset className="space-y-3">
            <legend className="text-sm font-medium text-slate-700">{t("agent.faq")}</legend>
            <p className="text-xs text-slate-500">{t("agent.faqHint")}</p>
            {form.faq.map((f, i) => (
              <div key={i} className="grid gap-2 rounded-md border border-slate-200 p-3 md:grid-cols-2">
                <Field label={t("agent.faqQuestions")} htmlFor={`faq-q-${i}`}>
                  <Textarea id={`faq-q-${i}`} rows={3} value={f.q} onChange={(e) => set({ faq: form.faq.map((x, j) => (j === i ? { ...x, q: e.target.value } : x)) })} />
                </Field>
                <Field label={t("agent.faqAnswer")} htmlFor={`faq-a-${i}`}>
                  <Textarea id={`faq-a-${i}`} rows={3} value={f.a} onChange={(e) => set({ faq: form.faq.map((x, j) => (j === i ? { ...x, a: e.target.value } : x)) })} />
                </Field>
                <div className="md:col-span-2">
                  <Button type="button" variant="outline" size="sm" onClick={() => set({ faq: form.faq.filter((_, j) => j !== i) })}>
                    {t("agent.remove")}
                  </Button>
                </div>
              </div>
            ))}
            <Button type="button" variant="outline" size="sm" onClick={() => set({ faq: [...form.faq, { q: "", a: "" }] })}>
              {t("agent.addFaq")}
            </Button>
          </fieldset>

          <Field label={t("agent.handoffTopics")} htmlFor="agent-topics">
            <Input id="agent-topics" value={form.handoffTopics} placeholder="опт, скидк" onChange={(e) => set({ handoffTopics: e.target.value })} />
            <p className="mt-1 text-xs text-slate-500">{t("agent.handoffTopicsHint")}</p>
          </Field>
        </Card>

        <Card className="space-y-4 p-6">
          <div>
            <h2 className="font-semibold">{t("agent.texts")}</h2>
            <p className="text-sm text-slate-500">{t("agent.textsHint")}</p>
          </div>
          {TEXT_KEYS.map((key) => (
            <Field key={key} label={t(`agent.${key}`)} htmlFor={`agent-${key}`}>
              <Textarea
                id={`agent-${key}`}
                rows={2}
                value={form.texts[key]}
                placeholder={s.defaults[key]}
                onChange={(e) => set({ texts: { ...form.texts, [key]: e.target.value } })}
              />
            </Field>
          ))}
        </Card>

        <Card className="grid gap-4 p-6 md:grid-cols-2">
          <h2 className="font-semibold md:col-span-2">{t("agent.limits")}</h2>
          <Field label={t("agent.maxPhoneAsks")} htmlFor="agent-asks">
            <Input id="agent-asks" type="number" min={1} max={10} required value={form.maxPhoneAsks} onChange={(e) => set({ maxPhoneAsks: e.target.value })} />
            <p className="mt-1 text-xs text-slate-500">{t("agent.maxPhoneAsksHint")}</p>
          </Field>
          <Field label={t("agent.timeoutMinutes")} htmlFor="agent-timeout">
            <Input id="agent-timeout" type="number" min={1} max={10080} required value={form.timeoutMinutes} onChange={(e) => set({ timeoutMinutes: e.target.value })} />
            <p className="mt-1 text-xs text-slate-500">{t("agent.timeoutMinutesHint")}</p>
          </Field>
        </Card>

        <Card className="space-y-4 p-6">
          <div>
            <h2 className="font-semibold">{t("agent.llm")}</h2>
            <p className="text-sm text-slate-500">{t("agent.llmHint")}</p>
          </div>
          <div className="grid gap-4 md:grid-cols-2">
            <Field label={t("agent.llmModel")} htmlFor="agent-model">
              <Input id="agent-model" placeholder="gpt-4o-mini" value={form.llmModel} onChange={(e) => set({ llmModel: e.target.value })} />
            </Field>
          </div>
          <ProviderKeyField
            id="agent-key"
            label={t("agent.llmKey")}
            placeholder="sk-…"
            hasKey={s.llm.hasKey}
            stale={s.llm.keyStale}
            value={form.llmKey}
            onChange={(llmKey) => set({ llmKey })}
            savedText={t("agent.llmKeySaved")}
            removeText={t("agent.llmKeyRemove")}
          />
        </Card>

        <SaveRow pending={save.isPending} saved={save.isSuccess} error={save.error} />
      </form>
      <VoiceSettings projectId={projectId} />
      <Examples projectId={projectId} />
    </>
  );
}

function Examples({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const examples = useQuery(trpc.agent.examples.queryOptions({ projectId }));
  const [removing, setRemoving] = useState<{ id: string; name: string } | null>(null);
  const remove = useMutation(
    trpc.agent.removeExample.mutationOptions({
      onSuccess: () => setRemoving(null),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.agent.examples.queryKey({ projectId }) }),
    }),
  );
  return (
    <Card className="mt-6 max-w-3xl p-6">
      <h2 className="font-semibold">{t("agent.examples")}</h2>
      <p className="mb-4 text-sm text-slate-500">{t("agent.examplesHint")}</p>
      {examples.data && examples.data.length === 0 ? (
        <EmptyState title={t("agent.noExamples")} />
      ) : (
        <ul className="divide-y divide-slate-100">
          {examples.data?.map((e) => (
            <li key={e.id} className="py-3">
              <div className="flex items-start justify-between gap-3">
                <details className="min-w-0 flex-1">
                  <summary className="cursor-pointer select-none text-sm">
                    <span className="font-medium">{e.contactName || "—"}</span>
                    <span className="ml-2 text-slate-500">
                      {new Date(e.createdAt).toLocaleDateString()} · {t("agent.exampleMessages", { count: e.messageCount })}
                      {e.addedByName ? ` · ${t("agent.exampleAdded", { name: e.addedByName })}` : ""}
                    </span>
                  </summary>
                  <pre className="mt-2 whitespace-pre-wrap rounded bg-slate-50 p-3 text-xs text-slate-700">{e.text}</pre>
                </details>
                <Button type="button" variant="outline" size="sm" onClick={() => setRemoving({ id: e.id, name: e.contactName })}>
                  {t("agent.remove")}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <ErrorNote>{errorMessage(remove.error)}</ErrorNote>
      <ConfirmDialog
        open={!!removing}
        onOpenChange={(o) => !o && setRemoving(null)}
        title={t("agent.removeExampleTitle")}
        description={t("agent.removeExampleText", { name: removing?.name ?? "" })}
        confirmLabel={t("agent.remove")}
        cancelLabel={t("common.cancel")}
        pending={remove.isPending}
        onConfirm={() => removing && remove.mutate({ projectId, exampleId: removing.id })}
      />
    </Card>
  );
}
