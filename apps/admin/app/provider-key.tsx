import { Button, ErrorNote, Field, Input, errorMessage, useT } from "@threadline/ui";

/** Typed to replace the saved key; null to remove it; undefined to keep it. */
export type KeyChange = string | null | undefined;

/**
 * A provider's API key (OpenAI, ElevenLabs): write-only. A saved key shows as dots and can be
 * replaced by typing a new one or removed; the key itself never comes back from the server.
 */
export function ProviderKeyField(props: {
  id: string;
  label: string;
  placeholder: string;
  hasKey: boolean;
  /** A key was saved for another provider address than the installation's: it must be entered again. */
  stale?: boolean;
  value: KeyChange;
  onChange: (value: KeyChange) => void;
  savedText: string;
  removeText: string;
}) {
  const { id, label, placeholder, hasKey, value, onChange } = props;
  const t = useT();
  return (
    <>
      <Field label={label} htmlFor={id}>
        <Input id={id} type="password" autoComplete="off" value={value ?? ""} placeholder={hasKey ? "••••••••" : placeholder} onChange={(e) => onChange(e.target.value || undefined)} />
      </Field>
      {props.stale ? (
        <p role="status" className="text-sm text-amber-700">
          {t("agent.keyStale")}
        </p>
      ) : null}
      {hasKey ? (
        <div className="flex items-center gap-3 text-sm text-slate-500">
          <span>{value === null ? "" : props.savedText}</span>
          <Button type="button" variant="outline" size="sm" disabled={value === null} onClick={() => onChange(null)}>
            {props.removeText}
          </Button>
        </div>
      ) : null}
    </>
  );
}

/** Save, «Сохранено» once saved, and the reason when saving failed. */
export function SaveRow({ pending, saved, error }: { pending: boolean; saved: boolean; error: unknown }) {
  const t = useT();
  return (
    <div className="flex items-center gap-3">
      <Button type="submit" variant="primary" disabled={pending}>
        {t("common.save")}
      </Button>
      {saved && !pending ? <span className="text-sm text-emerald-700">{t("common.saved")}</span> : null}
      <ErrorNote>{errorMessage(error)}</ErrorNote>
    </div>
  );
}
