import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import type { AppRouter } from "@threadline/api/trpc";
import { useTRPC } from "@threadline/ui";
import type { KeyChange } from "../provider-key.tsx";

export const TEXT_KEYS = ["askPhone", "askPhoneAgain", "reAskPhone", "unknownQuestion", "invalidPhone", "confirmPhone", "handoff", "decline"] as const;
export type TextKey = (typeof TEXT_KEYS)[number];
/** What the agent may collect before the handoff; the phone always. */
export const COLLECT_KEYS = ["phone", "name", "date", "address", "budget"] as const;
export type CollectKey = (typeof COLLECT_KEYS)[number];

export type AgentSettings = inferRouterOutputs<AppRouter>["agent"]["get"];
export type AgentSettingsUpdate = inferRouterInputs<AppRouter>["agent"]["update"];

/** The agent's settings as the form edits them: lists as rows, numbers as typed. */
export type AgentForm = {
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
  embeddingModel: string;
  llmKey: KeyChange;
  transcription: AgentSettings["transcription"];
  objections: { q: string; a: string }[];
  collect: CollectKey[];
  instructions: string;
};

/** The form filled from the stored settings; the saved key is never shown, only kept. */
export function formFrom(s: AgentSettings): AgentForm {
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
    embeddingModel: s.llm.embeddingModel ?? "",
    llmKey: undefined,
    transcription: s.transcription,
    objections: s.script.objections.map((o) => ({ q: o.q.join("\n"), a: o.a })),
    collect: s.script.collect,
    instructions: s.script.instructions,
  };
}

/**
 * The form as the server takes it: empty fact and FAQ rows are dropped, a FAQ's questions are
 * one per line, topics are split on commas and lines; the key is sent only when it was changed.
 */
export function settingsUpdate(projectId: string, form: AgentForm): AgentSettingsUpdate {
  return {
    projectId,
    enabled: form.enabled,
    channels: form.channels,
    script: {
      greeting: form.greeting,
      facts: Object.fromEntries(form.facts.filter((f) => f.key.trim() || f.value.trim()).map((f) => [f.key.trim(), f.value])),
      faq: entriesOf(form.faq),
      handoffTopics: form.handoffTopics.split(/[,\n]/).map((x) => x.trim()).filter(Boolean),
      ...form.texts,
      maxPhoneAsks: Number(form.maxPhoneAsks),
      timeoutMinutes: Number(form.timeoutMinutes),
      objections: entriesOf(form.objections),
      collect: ["phone", ...form.collect.filter((f) => f !== "phone")],
      instructions: form.instructions,
    },
    llm: { model: form.llmModel || null, embeddingModel: form.embeddingModel.trim() || null, ...(form.llmKey !== undefined ? { apiKey: form.llmKey } : {}) },
    transcription: form.transcription,
  };
}

/** Question-and-answer rows (FAQ, objections) as the server takes them: empty rows dropped, one wording a line. */
function entriesOf(rows: readonly { q: string; a: string }[]) {
  return rows.filter((f) => f.q.trim() || f.a.trim()).map((f) => ({ q: f.q.split("\n").map((q) => q.trim()).filter(Boolean), a: f.a }));
}

/** The key a new fact row suggests: «hours», then «address», then none. */
export function nextFactKey(facts: readonly { key: string }[]): string {
  return facts.some((f) => f.key === "hours") ? (facts.some((f) => f.key === "address") ? "" : "address") : "hours";
}

/** The stored settings, the form editing them, and saving it. */
export function useAgentSettingsForm(projectId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.agent.get.queryOptions({ projectId }));
  const [form, setForm] = useState<AgentForm | null>(null);

  // The form starts from the stored settings, and again whenever they change (a save answers them).
  const [formOf, setFormOf] = useState<typeof settings.data>();
  if (settings.data && settings.data !== formOf) {
    setFormOf(settings.data);
    setForm(formFrom(settings.data));
  }

  const save = useMutation(
    trpc.agent.update.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.agent.get.queryKey({ projectId }), data);
        // A new key starts with a clean health record.
        void queryClient.invalidateQueries({ queryKey: trpc.agent.health.queryKey({ projectId }) });
      },
    }),
  );

  const set = (patch: Partial<AgentForm>) => setForm((current) => (current ? { ...current, ...patch } : current));
  const submit = () => {
    if (form) save.mutate(settingsUpdate(projectId, form));
  };
  return { settings, form, set, save, submit };
}
