import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Button, Card, EmptyState, ErrorNote, PageHeader, Table, Td, Th, errorMessage, i18next, useT, useTRPC, formatMoneyOrDash } from "@threadline/ui";
import { csvNumber, downloadCsv } from "../analytics/csv.ts";
import { PeriodPicker, usePeriod } from "../analytics/period.tsx";
import { useProjectAccess } from "../session.ts";

const num = (v: number | null) => (v === null ? "—" : new Intl.NumberFormat(i18next.language).format(v));
const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 6_000) / 10);
/** Minutes for the CSV: a decimal comma, no «,0» on whole minutes. */
const csvMinutes = (ms: number | null) => {
  const m = minutes(ms);
  return m === null ? null : csvNumber(m, Number.isInteger(m) ? 0 : 1);
};

/** A working time as people read it: «45 с», «12 мин», «3 ч 05 мин». */
function duration(t: ReturnType<typeof useT>, ms: number | null) {
  if (ms === null) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return t("performance.seconds", { n: s });
  const m = Math.round(s / 60);
  if (m < 60) return t("performance.minutes", { n: m });
  return t("performance.hours", { h: Math.floor(m / 60), m: String(m % 60).padStart(2, "0") });
}

/** Members' response times in working hours, conversations and leads over a period; chart and CSV. */
export default function Performance() {
  const t = useT();
  const trpc = useTRPC();
  const { projectId } = useProjectAccess();
  const [period, setPeriod] = usePeriod();
  const report = useQuery({ ...trpc.analytics.performance.queryOptions({ projectId, ...period }), placeholderData: keepPreviousData });
  const data = report.data;
  const worked = data?.rows.filter((r) => r.responses > 0) ?? [];

  const exportCsv = () => {
    if (!data) return;
    const head = ["member", "firstResponse", "response", "responses", "conversations", "leads", "won", "lost", "revenue"].map((k) => t(`performance.csv.${k}`));
    const lines = data.rows.map((r) => [r.name, csvMinutes(r.firstResponseMs), csvMinutes(r.responseMs), r.responses, r.conversations, r.leads, r.won, r.lost, r.revenue === null ? null : csvNumber(r.revenue / 100, 2)]);
    downloadCsv(`performance-${data.period.from}-${data.period.to}.csv`, [head, ...lines]);
  };

  return (
    <>
      <PageHeader title={t("performance.title")} description={t("performance.hint")} />
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <PeriodPicker value={period} onChange={setPeriod} />
        <Button variant="outline" onClick={exportCsv} disabled={!data?.rows.length}>
          {t("performance.export")}
        </Button>
      </div>
      <ErrorNote>{errorMessage(report.error)}</ErrorNote>
      {data ? (
        data.rows.length === 0 ? (
          <Card>
            <EmptyState title={t("performance.empty")} hint={t("performance.emptyHint")} />
          </Card>
        ) : (
          <>
            {worked.length > 0 ? (
              <Card className="mb-4 p-4">
                <h2 className="mb-3 text-sm font-semibold text-slate-700">{t("performance.chart")}</h2>
                <div className="h-64" data-testid="performance-chart">
                  <ResponsiveContainer width="100%" height="100%">
                    <BarChart data={worked.map((r) => ({ name: r.name, first: minutes(r.firstResponseMs), median: minutes(r.responseMs) }))}>
                      <CartesianGrid strokeDasharray="3 3" vertical={false} />
                      <XAxis dataKey="name" tick={{ fontSize: 12 }} />
                      <YAxis tick={{ fontSize: 12 }} width={60} unit={t("performance.minUnit")} />
                      <Tooltip formatter={(v, name) => [t("performance.minutesExact", { n: Number(v) }), t(`performance.${String(name) === "first" ? "firstResponse" : "response"}`)]} />
                      <Legend formatter={(name) => t(`performance.${String(name) === "first" ? "firstResponse" : "response"}`)} />
                      <Bar dataKey="first" fill="#0ea5e9" isAnimationActive={false} />
                      <Bar dataKey="median" fill="#6366f1" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              </Card>
            ) : null}
            <Card>
              <Table aria-label={t("performance.byMember")}>
                <thead>
                  <tr>
                    <Th>{t("performance.member")}</Th>
                    <Th className="text-right">{t("performance.firstResponse")}</Th>
                    <Th className="text-right">{t("performance.response")}</Th>
                    <Th className="text-right">{t("performance.responses")}</Th>
                    <Th className="text-right">{t("performance.conversations")}</Th>
                    <Th className="text-right">{t("performance.leads")}</Th>
                    <Th className="text-right">{t("analytics.won")}</Th>
                    <Th className="text-right">{t("analytics.lost")}</Th>
                    <Th className="text-right">{t("performance.revenue")}</Th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((r) => (
                    <tr key={r.membershipId}>
                      <Td className="font-medium">
                        {r.name}
                        {r.active ? null : <span className="ml-2 text-xs font-normal text-slate-400">{t("performance.inactive")}</span>}
                      </Td>
                      <Td className="text-right">{duration(t, r.firstResponseMs)}</Td>
                      <Td className="text-right">{duration(t, r.responseMs)}</Td>
                      <Td className="text-right">{num(r.responses)}</Td>
                      <Td className="text-right">{num(r.conversations)}</Td>
                      <Td className="text-right">{num(r.leads)}</Td>
                      <Td className="text-right font-medium text-emerald-700">{num(r.won)}</Td>
                      <Td className="text-right">{num(r.lost)}</Td>
                      <Td className="text-right">{formatMoneyOrDash(r.revenue, data.currency)}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            </Card>
            <p className="mt-3 text-xs text-slate-500">{t("performance.howCounted", { tz: data.timezone })}</p>
          </>
        )
      ) : null}
    </>
  );
}
