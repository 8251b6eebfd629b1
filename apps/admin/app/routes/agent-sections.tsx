import { Button, Card, Field, Input, Select, Switch, Table, Td, Textarea, Th, useT } from "@threadline/ui";
import { ProviderKeyField } from "../provider-key.tsx";
import { COLLECT_KEYS, nextFactKey, TEXT_KEYS, type AgentForm, type AgentSettings } from "./agent-form.ts";
import { AgentModelHealth } from "./agent-health.tsx";

/** Each section edits part of the form: it gets the form and the stored settings, and patches the form. */
type SectionProps = { form: AgentForm; settings: AgentSettings; set: (patch: Partial<AgentForm>) => void };

/** When the agent answers: for the project, and per channel following the project or not. */
export function AgentWorkSection({ form, settings, set }: SectionProps) {
  const t = useT();
  return (
    <Card className="space-y-4 p-6">
      <h2 className="font-semibold">{t("agent.work")}</h2>
      <label className="flex items-start gap-3">
        <Switch checked={form.enabled} onCheckedChange={(enabled) => set({ enabled })} aria-label={t("agent.enabled")} className="mt-0.5" />
        <span>
          <span className="block text-sm font-medium">{t("agent.enabled")}</span>
          <span className="block text-sm text-slate-500">{t("agent.enabledHint")}</span>
        </span>
      </label>
      {settings.channels.length === 0 ? (
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
            {settings.channels.map((c) => {
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
  );
}

/** What the agent knows: its greeting, facts, answers to frequent questions, and topics it hands over. */
export function AgentKnowledgeSection({ form, settings, set }: SectionProps) {
  const t = useT();
  return (
    <Card className="space-y-5 p-6">
      <h2 className="font-semibold">{t("agent.knowledge")}</h2>
      <Field label={t("agent.greeting")} htmlFor="agent-greeting">
        <Textarea id="agent-greeting" rows={2} value={form.greeting} placeholder={settings.defaults.greeting} onChange={(e) => set({ greeting: e.target.value })} />
        <p className="mt-1 text-xs text-slate-500">{t("agent.greetingHint")}</p>
      </Field>

      <AgentFactsEditor facts={form.facts} onChange={(facts) => set({ facts })} />
      <AgentFaqEditor faq={form.faq} onChange={(faq) => set({ faq })} />

      <Field label={t("agent.handoffTopics")} htmlFor="agent-topics">
        <Input id="agent-topics" value={form.handoffTopics} placeholder="опт, скидк" onChange={(e) => set({ handoffTopics: e.target.value })} />
        <p className="mt-1 text-xs text-slate-500">{t("agent.handoffTopicsHint")}</p>
      </Field>
    </Card>
  );
}

/** The facts the agent recognises however a client asks, stored under these keys. */
export const FACT_KINDS = ["hours", "address", "delivery", "payment", "parking", "phone", "website", "email"] as const;
const OTHER = "__other";

/**
 * The facts as rows: what the fact is about, chosen from a list in Russian (Часы работы, Адрес,
 * Доставка, …), or «Другое» with a name of the owner's own; and its value. A new row suggests
 * «Часы работы», then «Адрес».
 */
export function AgentFactsEditor({ facts, onChange }: { facts: AgentForm["facts"]; onChange: (facts: AgentForm["facts"]) => void }) {
  const t = useT();
  const setKey = (i: number, key: string) => onChange(facts.map((x, j) => (j === i ? { ...x, key } : x)));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">{t("agent.facts")}</legend>
      <p className="text-xs text-slate-500">{t("agent.factsHint")}</p>
      {facts.map((f, i) => {
        const kind = (FACT_KINDS as readonly string[]).includes(f.key) ? f.key : OTHER;
        return (
          <div key={i} className="flex flex-wrap gap-2">
            <Select aria-label={t("agent.factKind")} className="w-44" value={kind} onChange={(e) => setKey(i, e.target.value === OTHER ? "" : e.target.value)}>
              {FACT_KINDS.map((k) => (
                <option key={k} value={k} disabled={k !== f.key && facts.some((x) => x.key === k)}>
                  {t(`agent.factKinds.${k}`)}
                </option>
              ))}
              <option value={OTHER}>{t("agent.factOther")}</option>
            </Select>
            {kind === OTHER ? (
              <Input aria-label={t("agent.factKey")} className="w-40" placeholder={t("agent.factKeyPlaceholder")} value={f.key} onChange={(e) => setKey(i, e.target.value)} />
            ) : null}
            <Input
              aria-label={t("agent.factValue")}
              className="min-w-48 flex-1"
              placeholder={t("agent.factValue")}
              value={f.value}
              onChange={(e) => onChange(facts.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
            />
            <Button type="button" variant="outline" size="sm" onClick={() => onChange(facts.filter((_, j) => j !== i))}>
              {t("agent.remove")}
            </Button>
          </div>
        );
      })}
      <Button type="button" variant="outline" size="sm" onClick={() => onChange([...facts, { key: nextFactKey(facts), value: "" }])}>
        {t("agent.addFact")}
      </Button>
    </fieldset>
  );
}

/** Frequent questions: several wordings, one per line, and the answer. */
export function AgentFaqEditor({ faq, onChange, kind = "faq" }: { faq: AgentForm["faq"]; onChange: (faq: AgentForm["faq"]) => void; kind?: "faq" | "objections" }) {
  const t = useT();
  const id = kind === "faq" ? "faq" : "objection";
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">{kind === "faq" ? t("agent.faq") : t("agent.objections")}</legend>
      <p className="text-xs text-slate-500">{kind === "faq" ? t("agent.faqHint") : t("agent.objectionsHint")}</p>
      {faq.map((f, i) => (
        <div key={i} className="grid gap-2 rounded-md border border-slate-200 p-3 md:grid-cols-2">
          <Field label={kind === "faq" ? t("agent.faqQuestions") : t("agent.objectionWordings")} htmlFor={`${id}-q-${i}`}>
            <Textarea id={`${id}-q-${i}`} rows={3} value={f.q} onChange={(e) => onChange(faq.map((x, j) => (j === i ? { ...x, q: e.target.value } : x)))} />
          </Field>
          <Field label={kind === "faq" ? t("agent.faqAnswer") : t("agent.objectionAnswer")} htmlFor={`${id}-a-${i}`}>
            <Textarea id={`${id}-a-${i}`} rows={3} value={f.a} onChange={(e) => onChange(faq.map((x, j) => (j === i ? { ...x, a: e.target.value } : x)))} />
          </Field>
          <div className="md:col-span-2">
            <Button type="button" variant="outline" size="sm" onClick={() => onChange(faq.filter((_, j) => j !== i))}>
              {t("agent.remove")}
            </Button>
          </div>
        </div>
      ))}
      <Button type="button" variant="outline" size="sm" onClick={() => onChange([...faq, { q: "", a: "" }])}>
        {kind === "faq" ? t("agent.addFaq") : t("agent.addObjection")}
      </Button>
    </fieldset>
  );
}

/** The sales script: answers to objections, what to collect before the handoff, the owner's instructions. */
export function AgentSalesSection({ form, set }: Omit<SectionProps, "settings">) {
  const t = useT();
  return (
    <Card className="space-y-5 p-6">
      <h2 className="font-semibold">{t("agent.sales")}</h2>
      <AgentFaqEditor kind="objections" faq={form.objections} onChange={(objections) => set({ objections })} />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">{t("agent.collect")}</legend>
        <p className="text-xs text-slate-500">{t("agent.collectHint")}</p>
        {COLLECT_KEYS.map((key) => (
          <label key={key} className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={key === "phone" || form.collect.includes(key)}
              disabled={key === "phone"}
              onChange={(e) => set({ collect: e.target.checked ? [...form.collect, key] : form.collect.filter((f) => f !== key) })}
            />
            {t(`agent.collectField.${key}`)}
          </label>
        ))}
      </fieldset>
      <Field label={t("agent.instructions")} htmlFor="agent-instructions">
        <Textarea id="agent-instructions" rows={4} maxLength={4000} value={form.instructions} onChange={(e) => set({ instructions: e.target.value })} />
        <p className="mt-1 text-xs text-slate-500">{t("agent.instructionsHint")}</p>
      </Field>
    </Card>
  );
}

/** The agent's own phrases; an empty one falls back to the default shown as its placeholder. */
export function AgentTextsSection({ form, settings, set }: SectionProps) {
  const t = useT();
  return (
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
            placeholder={settings.defaults[key]}
            onChange={(e) => set({ texts: { ...form.texts, [key]: e.target.value } })}
          />
        </Field>
      ))}
    </Card>
  );
}

/** How often the agent asks for the phone, and how long it waits before handing over. */
export function AgentLimitsSection({ form, set }: Omit<SectionProps, "settings">) {
  const t = useT();
  return (
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
  );
}

/** The language model the agent uses, the project's own key for it (write-only) and the model's health. */
export function AgentLlmSection({ form, settings, set, projectId }: SectionProps & { projectId: string }) {
  const t = useT();
  return (
    <Card className="space-y-4 p-6">
      <div>
        <h2 className="font-semibold">{t("agent.llm")}</h2>
        <p className="text-sm text-slate-500">{t("agent.llmHint")}</p>
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <Field label={t("agent.llmModel")} htmlFor="agent-model">
          <Input id="agent-model" placeholder="gpt-4o-mini" value={form.llmModel} onChange={(e) => set({ llmModel: e.target.value })} />
        </Field>
        <Field label={t("agent.embeddingModel")} htmlFor="agent-embedding-model">
          <Input id="agent-embedding-model" placeholder={settings.llm.embeddingDefault} value={form.embeddingModel} onChange={(e) => set({ embeddingModel: e.target.value })} />
          <p className="mt-1 text-xs text-slate-500">{t("agent.embeddingModelHint")}</p>
        </Field>
      </div>
      <ProviderKeyField
        id="agent-key"
        label={t("agent.llmKey")}
        placeholder="sk-…"
        hasKey={settings.llm.hasKey}
        stale={settings.llm.keyStale}
        value={form.llmKey}
        onChange={(llmKey) => set({ llmKey })}
        savedText={t("agent.llmKeySaved")}
        removeText={t("agent.llmKeyRemove")}
      />
      <p className="text-xs text-slate-500">{t("agent.llmKeyChecked")}</p>
      {settings.llm.hasKey ? <AgentModelHealth projectId={projectId} /> : null}
      <Field label={t("agent.transcription")} htmlFor="agent-transcription">
        <Select id="agent-transcription" value={form.transcription} onChange={(e) => set({ transcription: e.target.value as AgentForm["transcription"] })}>
          <option value="off">{t("agent.transcriptionOff")}</option>
          <option value="openai">{t("agent.transcriptionOpenai")}</option>
          <option value="elevenlabs">{t("agent.transcriptionElevenlabs")}</option>
        </Select>
        <p className="mt-1 text-xs text-slate-500">{t("agent.transcriptionHint")}</p>
      </Field>
    </Card>
  );
}
