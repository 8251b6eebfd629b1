import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Card, EmptyState, ErrorNote, PageHeader, Table, Td, Th, errorMessage, i18next, useT, useTRPC } from "@threadline/ui";
import { PeriodPicker, Stat, usePeriod } from "../analytics/period.tsx";
import { useProjectAccess } from "../session.ts";

const num = (v: number) => new Intl.NumberFormat(i18next.language).format(v);
const pct = (part: number, whole: number) => (whole ? new Intl.NumberFormat(i18next.language, { style: "percent", maximumFractionDigits: 1 }).format(part / whole) : "—");

/** Traffic: the period's leads by source and campaign, and how many reached a phone and a sale. */
export default function Traffic() {
  const t = useT();
  const trpc = useTRPC();
  const { projectId } = useProjectAccess();
  const [period, setPeriod] = usePeriod();
  const report = useQuery({ ...trpc.analytics.traffic.queryOptions({ projectId, ...period }), placeholderData: keepPreviousData });
  const data = report.data;
  const best = Math.max(1, ...(data?.rows.map((r) => r.leads) ?? [1]));

  return (
    <>
      <PageHeader title={t("analytics.traffic")} description={t("analytics.trafficHint")} />
      <div className="mb-4">
        <PeriodPicker value={period} onChange={setPeriod} />
      </div>
      <ErrorNote>{errorMessage(report.error)}</ErrorNote>
      {data ? (
        <>
          <div className="mb-4 grid gap-3 sm:grid-cols-4">
            <Stat label={t("analytics.leads")} value={num(data.totals.leads)} />
            <Stat label={t("analytics.withPhone")} value={num(data.totals.withPhone)} hint={pct(data.totals.withPhone, data.totals.leads)} />
            <Stat label={t("analytics.won")} value={num(data.totals.won)} hint={t("analytics.conversionHint", { pct: pct(data.totals.won, data.totals.leads) })} />
            <Stat label={t("analytics.junk")} value={num(data.totals.junk)} hint={pct(data.totals.junk, data.totals.leads)} />
          </div>
          <Card>
            {data.rows.length === 0 ? (
              <EmptyState title={t("analytics.noLeads")} hint={t("analytics.noLeadsHint")} />
            ) : (
              <Table aria-label={t("analytics.bySource")}>
                <thead>
                  <tr>
                    <Th>{t("analytics.source")}</Th>
                    <Th>{t("analytics.campaign")}</Th>
                    <Th className="w-1/4">{t("analytics.leads")}</Th>
                    <Th className="text-right">{t("analytics.withPhone")}</Th>
                    <Th className="text-right">{t("analytics.won")}</Th>
                    <Th className="text-right">{t("analytics.lost")}</Th>
                    <Th className="text-right">{t("analytics.junk")}</Th>
                    <Th className="text-right">{t("analytics.conversion")}</Th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((r) => (
                    <tr key={`${r.source}/${r.campaign}`}>
                      <Td className="font-medium">{r.source || <span className="font-normal text-slate-400">{t("analytics.noTag")}</span>}</Td>
                      <Td>{r.campaign || <span className="text-slate-400">—</span>}</Td>
                      <Td>
                        <div className="flex items-center gap-2">
                          <div className="h-2 rounded bg-sky-500" style={{ width: `${(r.leads / best) * 100}%`, minWidth: 4 }} aria-hidden />
                          <span>{num(r.leads)}</span>
                        </div>
                      </Td>
                      <Td className="text-right">{num(r.withPhone)}</Td>
                      <Td className="text-right font-medium text-emerald-700">{num(r.won)}</Td>
                      <Td className="text-right">{num(r.lost)}</Td>
                      <Td className="text-right text-slate-500">{num(r.junk)}</Td>
                      <Td className="text-right font-medium">{pct(r.won, r.leads)}</Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Card>
        </>
      ) : null}
    </>
  );
}
