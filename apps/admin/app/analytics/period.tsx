import { useState } from "react";
import { useSearchParams } from "react-router";
import { Input, cn, useT } from "@threadline/ui";

export type Period = { from: string; to: string };

const iso = (d: Date) => d.toLocaleDateString("sv-SE");

type Preset = "last7" | "last30" | "thisMonth" | "lastMonth";

function presets(now = new Date()): Record<Preset, Period> {
  const daysBack = (n: number) => ({ from: iso(new Date(now.getFullYear(), now.getMonth(), now.getDate() - (n - 1))), to: iso(now) });
  return {
    last7: daysBack(7),
    last30: daysBack(30),
    thisMonth: { from: iso(new Date(now.getFullYear(), now.getMonth(), 1)), to: iso(now) },
    lastMonth: { from: iso(new Date(now.getFullYear(), now.getMonth() - 1, 1)), to: iso(new Date(now.getFullYear(), now.getMonth(), 0)) },
  };
}

/** The report's period: last 30 days by default, presets a click away, or any two dates. */
export function usePeriod() {
  return useState<Period>(() => presets().last30);
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A period kept in the page's address (?from=…&to=…), so a filtered list can be reloaded and sent
 * as a link; none there is all time.
 */
export function useUrlPeriod(): [Period | null, (p: Period | null) => void] {
  const [params, setParams] = useSearchParams();
  const from = params.get("from");
  const to = params.get("to");
  const period = from && to && DAY.test(from) && DAY.test(to) && from <= to ? { from, to } : null;
  const set = (p: Period | null) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const key of ["from", "to"] as const) {
          if (p) next.set(key, p[key]);
          else next.delete(key);
        }
        return next;
      },
      { replace: true },
    );
  return [period, set];
}

const presetClass = (active: boolean) => cn("rounded-md border px-3 py-1.5 text-sm", active ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50");

/** The presets and two dates; with `onAll`, an «all time» choice first (value null). */
export function PeriodPicker({ value, onChange, onAll }: { value: Period | null; onChange: (p: Period) => void; onAll?: () => void }) {
  const t = useT();
  const options = presets();
  const shown = value ?? options.last30;
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label={t("analytics.period")}>
      {onAll ? (
        <button type="button" aria-pressed={value === null} onClick={onAll} className={presetClass(value === null)}>
          {t("analytics.preset.all")}
        </button>
      ) : null}
      {Object.entries(options).map(([key, p]) => {
        const active = !!value && p.from === value.from && p.to === value.to;
        return (
          <button key={key} type="button" aria-pressed={active} onClick={() => onChange(p)} className={presetClass(active)}>
            {t(`analytics.preset.${key}`)}
          </button>
        );
      })}
      <span className="ml-2 flex items-center gap-1.5 text-sm text-slate-500">
        <Input type="date" aria-label={t("analytics.from")} className="h-8 w-36" value={shown.from} max={shown.to} onChange={(e) => e.target.value && onChange({ ...shown, from: e.target.value })} />
        —
        <Input type="date" aria-label={t("analytics.to")} className="h-8 w-36" value={shown.to} min={shown.from} onChange={(e) => e.target.value && onChange({ ...shown, to: e.target.value })} />
      </span>
    </div>
  );
}

export function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <div className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</div>
      <div className="mt-1 text-2xl font-semibold text-slate-900">{value}</div>
      {hint ? <div className="text-xs text-slate-500">{hint}</div> : null}
    </div>
  );
}
