import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Card, Field, Input, useT, useTRPC } from "@threadline/ui";
import { ProviderKeyField, SaveRow, type KeyChange } from "./provider-key.tsx";

type Form = { voiceId: string; modelId: string; apiKey: KeyChange };

/** The project's ElevenLabs key and voice, which managers' «Озвучить» speaks in. A form of its own. */
export function VoiceSettings({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.voice.settings.queryOptions({ projectId }));
  const [form, setForm] = useState<Form | null>(null);
  const save = useMutation(
    trpc.voice.updateSettings.mutationOptions({
      onSuccess: (data) => queryClient.setQueryData(trpc.voice.settings.queryKey({ projectId }), data),
    }),
  );

  // The form starts from the stored settings, and again whenever they change (a save answers them).
  const [formOf, setFormOf] = useState<typeof settings.data>();
  if (settings.data && settings.data !== formOf) {
    const s = settings.data;
    setFormOf(s);
    setForm({ voiceId: s.voiceId ?? "", modelId: s.modelId, apiKey: undefined });
  }

  if (!settings.data || !form) return null;
  const s = settings.data;
  const set = (patch: Partial<Form>) => setForm({ ...form, ...patch });

  return (
    <form
      className="mt-6 max-w-3xl"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ projectId, voiceId: form.voiceId || null, modelId: form.modelId || null, ...(form.apiKey !== undefined ? { apiKey: form.apiKey } : {}) });
      }}
    >
      <Card className="space-y-4 p-6">
        <div>
          <h2 className="font-semibold">{t("voice.settings.title")}</h2>
          <p className="text-sm text-slate-500">{t("voice.settings.hint")}</p>
        </div>
        <ProviderKeyField
          id="voice-key"
          label={t("voice.settings.apiKey")}
          placeholder="sk_…"
          hasKey={s.hasKey}
          stale={s.keyStale}
          value={form.apiKey}
          onChange={(apiKey) => set({ apiKey })}
          savedText={t("voice.settings.keySaved")}
          removeText={t("voice.settings.keyRemove")}
        />
        <div className="grid gap-4 md:grid-cols-2">
          <Field label={t("voice.settings.voiceId")} htmlFor="voice-id">
            <Input id="voice-id" placeholder="JBFqnCBsd6RMkjVDRZzb" value={form.voiceId} onChange={(e) => set({ voiceId: e.target.value })} />
            <p className="mt-1 text-xs text-slate-500">{t("voice.settings.voiceIdHint")}</p>
          </Field>
          <Field label={t("voice.settings.model")} htmlFor="voice-model">
            <Input id="voice-model" placeholder="eleven_multilingual_v2" value={form.modelId} onChange={(e) => set({ modelId: e.target.value })} />
          </Field>
        </div>
        <SaveRow pending={save.isPending} saved={save.isSuccess} error={save.error} />
      </Card>
    </form>
  );
}
