import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Button, Card, EmptyState, ErrorNote, PageHeader, Table, Td, Th, errorMessage, i18next, useT, useTRPC } from "@threadline/ui";
import { csvNumber, downloadCsv } from "../analytics/csv.ts";
import { PeriodPicker, Stat, usePeriod } from "../analytics/period.tsx";
import { useProjectAccess } from "../session.ts";

const palette = ["#0284c7", "#7c3aed", "#059669", "#d97706", "#dc2626", "#475569"];

const usd = (v: number) => new Intl.NumberFormat(i18next.language, { style: "currency", currency: "USD", maximumFractionDigits: v < 1 ? 4 : 2 }).format(v);
const num = (v: number) => new Intl.NumberFormat(i18next.language).format(v);

/** Finance: what the AI agent and the voiced replies cost, by day and by service. */
export default function Spend() {
  const t = useT();
  const trpc = useTRPC();
  const { projectId } = useProjectAccess();
  const [period, setPeriod] = usePeriod();
  const report = useQuery({ ...trpc.analytics.spend.queryOptions({ projectId, ...period }), placeholderData: keepPreviousData });
  const data = report.data;
  const feature = (f: string) => t(`analytics.feature.${f}`, { defaultValue: f });

  // One row per day of the period (days without spend too), one column per feature: a stacked bar chart.
  const features = [...new Set(data?.days.map((d) => d.feature) ?? [])];
  const byDay = new Map<string, Record<string, number | string>>(daysOf(data?.period ?? period).map((day) => [day, { day }]));
  for (const d of data?.days ?? []) byDay.set(d.day, { ...(byDay.get(d.day) ?? { day: d.day }), [d.feature]: d.costUsd });

  return (
    <>
      <PageHeader title={t("analytics.spend")} description={t("analytics.spendHint")} />
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <PeriodPicker value={period} onChange={setPeriod} />
        {data && data.lines.length > 0 ? (
          <Button
            variant="outline"
            size="sm"
            onClick={() =>
              downloadCsv(`spend-${period.from}-${period.to}.csv`, [
                [t("analytics.service"), t("analytics.purpose"), t("analytics.model"), t("analytics.requests"), t("analytics.inputUnits"), t("analytics.outputUnits"), t("analytics.conversations"), t("analytics.costUsd")],
                ...data.lines.map((l) => [l.provider, feature(l.feature), l.model, l.requests, l.inputUnits, l.outputUnits, l.conversations, csvNumber(l.costUsd, 6)]),
              ])
            }
          >
            {t("analytics.exportCsv")}
          </Button>
        ) : null}
      </div>
      <ErrorNote>{errorMessage(report.error)}</ErrorNote>
      {data ? (
        <>
          <div className="mb-4 grid gap-3 sm:grid-cols-3">
            <Stat label={t("analytics.total")} value={usd(data.totalUsd)} hint={t("analytics.timezone", { tz: data.timezone })} />
            <Stat label={t("analytics.requests")} value={num(data.requests)} />
            <Stat label={t("analytics.perDay")} value={usd(data.totalUsd / Math.max(1, daysIn(period)))} />
          </div>
          {data.lines.length === 0 ? (
            <Card>
              <EmptyState title={t("analytics.noSpend")} hint={t("analytics.noSpendHint")} />
            </Card>
          ) : (
            <>
              <Card className="mb-4 p-4">
                <h2 className="mb-3 text-sm font-semibold text-slate-700">{t("analytics.byDay")}</h2>
                <div className="h-64" data-testid="spend-chart">
                  <ResponsiveContainer width="100%" height="100%">
                    <BarChart data={[...byDay.values()]}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      <XAxis dataKey="day" tick={{ fontSize: 12 }} tickFormatter={(d: string) => `${d.slice(8, 10)}.${d.slice(5, 7)}`} />
                      <YAxis tick={{ fontSize: 12 }} tickFormatter={(v: number) => `$${v}`} width={60} />
                      <Tooltip formatter={(v, name) => [usd(Number(v)), feature(String(name))]} />
                      <Legend formatter={(name) => feature(String(name))} />
                      {features.map((f, i) => (
                        <Bar key={f} dataKey={f} stackId="cost" fill={palette[i % palette.length]} isAnimationActive={false} />
                      ))}
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              </Card>
              <Card>
                <Table aria-label={t("analytics.byService")}>
                  <thead>
                    <tr>
                      <Th>{t("analytics.service")}</Th>
                      <Th>{t("analytics.purpose")}</Th>
                      <Th>{t("analytics.model")}</Th>
                      <Th className="text-right">{t("analytics.requests")}</Th>
                      <Th className="text-right">{t("analytics.units")}</Th>
                      <Th className="text-right">{t("analytics.conversations")}</Th>
                      <Th className="text-right">{t("analytics.cost")}</Th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.lines.map((l) => (
                      <tr key={`${l.provider}-${l.feature}-${l.model}`}>
                        <Td>{l.provider === "elevenlabs" ? "ElevenLabs" : l.provider === "openai" ? "OpenAI" : l.provider}</Td>
                        <Td>{feature(l.feature)}</Td>
                        <Td className="font-mono text-xs text-slate-600">{l.model ?? "—"}</Td>
                        <Td className="text-right">{num(l.requests)}</Td>
                        <Td className="text-right text-slate-600">
                          {l.feature === "transcription"
                            ? t("analytics.seconds", { n: num(l.inputUnits) })
                            : l.provider === "elevenlabs"
                              ? t("analytics.characters", { n: num(l.inputUnits) })
                              : t("analytics.tokens", { input: num(l.inputUnits), output: num(l.outputUnits) })}
                        </Td>
                        <Td className="text-right">{num(l.conversations)}</Td>
                        <Td className="text-right font-medium">{usd(l.costUsd)}</Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              </Card>
            </>
          )}
        </>
      ) : null}
    </>
  );
}

function daysIn(p: { from: string; to: string }) {
  return Math.round((Date.parse(p.to) - Date.parse(p.from)) / 86_400_000) + 1;
}

/** The calendar dates of a period, YYYY-MM-DD (computed in UTC: dates, not instants). */
function daysOf(p: { from: string; to: string }): string[] {
  const start = Date.parse(`${p.from}T00:00:00Z`);
  return Array.from({ length: Math.min(daysIn(p), 366) }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}
