import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, ErrorNote, Field, Input, PageHeader, Select, errorMessage, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";
import { StaffBotSettings } from "../staff-bot-settings.tsx";
import { TagSettings } from "../tag-settings.tsx";

const timezones = ["Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka"];

export default function Settings() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const project = useQuery(trpc.projects.get.queryOptions({ projectId }));
  const [name, setName] = useState("");
  const [timezone, setTimezone] = useState("Europe/Moscow");
  // The form starts from the stored project, and again whenever it changes (a save answers it).
  const [formOf, setFormOf] = useState<typeof project.data>();
  if (project.data && project.data !== formOf) {
    setFormOf(project.data);
    setName(project.data.name);
    setTimezone(project.data.settings.timezone ?? "Europe/Moscow");
  }
  const save = useMutation(
    trpc.projects.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
    }),
  );
  if (!project.data) return <p className="text-sm text-slate-500">{t("common.loading")}</p>;
  return (
    <>
      <PageHeader title={t("admin.settings")} description={`${t("admin.projectSlug")}: ${project.data.slug}`} />
      <Card className="max-w-lg p-6">
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate({ projectId, name, timezone });
          }}
        >
          <Field label={t("admin.projectName")} htmlFor="settings-name">
            <Input id="settings-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t("admin.timezone")} htmlFor="settings-tz">
            <Select id="settings-tz" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
              {timezones.map((tz) => (
                <option key={tz}>{tz}</option>
              ))}
            </Select>
          </Field>
          <ErrorNote>{errorMessage(save.error)}</ErrorNote>
          <div className="flex items-center gap-3">
            <Button type="submit" variant="primary" disabled={save.isPending}>
              {t("common.save")}
            </Button>
            {save.isSuccess ? <span className="text-sm text-emerald-700">{t("common.saved")}</span> : null}
          </div>
        </form>
      </Card>
      <TagSettings projectId={projectId} />
      <StaffBotSettings projectId={projectId} />
    </>
  );
}
