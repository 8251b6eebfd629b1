import { Select } from "../components/form.tsx";
import { useT } from "../i18n/index.ts";

export type ProjectOption = { id: string; name: string; badge?: number };

export function ProjectSwitcher({ projects, current, onChange }: { projects: ProjectOption[]; current?: string; onChange: (id: string) => void }) {
  const t = useT();
  return (
    <Select aria-label={t("common.project")} className="h-8 w-40 min-w-0 sm:w-56" value={current ?? ""} onChange={(e) => onChange(e.target.value)}>
      {current ? null : <option value="">{t("inbox.chooseProject")}</option>}
      {projects.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
          {p.badge ? ` (${p.badge})` : ""}
        </option>
      ))}
    </Select>
  );
}
