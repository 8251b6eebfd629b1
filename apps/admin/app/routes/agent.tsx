import { EmptyState, PageHeader, useT } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";
import { SaveRow } from "../provider-key.tsx";
import { VoiceSettings } from "../voice-settings.tsx";
import { AgentBacklog } from "./agent-backlog.tsx";
import { AgentExamples } from "./agent-examples.tsx";
import { useAgentSettingsForm } from "./agent-form.ts";
import { AgentKnowledgeSection, AgentLimitsSection, AgentLlmSection, AgentSalesSection, AgentTextsSection, AgentWorkSection } from "./agent-sections.tsx";

/** The project's first-contact agent: when it answers, what it knows and says, and its examples. */
export default function Agent() {
  const t = useT();
  const { projectId } = useProjectAccess();
  const { settings, form, set, save, submit } = useAgentSettingsForm(projectId);

  if (settings.error) return <EmptyState title={t("common.noAccess")} hint={settings.error.message} />;
  if (!settings.data || !form) return <p className="text-sm text-slate-500">{t("common.loading")}</p>;
  const s = settings.data;

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
        <AgentWorkSection form={form} settings={s} set={set} />
        <AgentKnowledgeSection form={form} settings={s} set={set} />
        <AgentSalesSection form={form} set={set} />
        <AgentTextsSection form={form} settings={s} set={set} />
        <AgentLimitsSection form={form} set={set} />
        <AgentLlmSection form={form} settings={s} set={set} projectId={projectId} />
        <SaveRow pending={save.isPending} saved={save.isSuccess} error={save.error} />
      </form>
      <VoiceSettings projectId={projectId} />
      <AgentBacklog projectId={projectId} />
      <AgentExamples projectId={projectId} />
    </>
  );
}
