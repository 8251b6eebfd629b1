import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@threadline/api/trpc";
import { Button, Card, EmptyState, ErrorNote, PageHeader, Table, Td, Th, errorMessage, i18next, useT, useTRPC, formatMoneyOrDash } from "@threadline/ui";
import { csvNumber, downloadCsv } from "../analytics/csv.ts";
import { PeriodPicker, Stat, usePeriod } from "../analytics/period.tsx";
import { useProjectAccess } from "../session.ts";

const num = (v: number) => new Intl.NumberFormat(i18next.language).format(v);
const usd = (v: number | null) => (v === null ? "—" : new Intl.NumberFormat(i18next.language, { style: "currency", currency: "USD", maximumFractionDigits: 4 }).format(v));
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
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <PeriodPicker value={period} onChange={setPeriod} />
        {data && data.rows.length > 0 ? (
          <Button variant="outline" size="sm" onClick={() => exportCsv(t, data, period)}>
            {t("analytics.exportCsv")}
          </Button>
        ) : null}
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
          {data.seesPayments ? (
            <div className="mb-4 grid gap-3 sm:grid-cols-4">
              <Stat label={t("analytics.revenue")} value={formatMoneyOrDash(data.totals.revenue, data.currency)} hint={t("analytics.paidLeads", { count: data.totals.paid ?? 0 })} />
              <Stat label={t("analytics.averageCheck")} value={formatMoneyOrDash(data.totals.averageCheck, data.currency)} />
              <Stat label={t("analytics.spendPerLead")} value={usd(data.totals.spendPerLeadUsd)} />
              <Stat label={t("analytics.spendPerSale")} value={usd(data.totals.spendPerSaleUsd)} />
            </div>
          ) : null}
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
                    {data.seesPayments ? (
                      <>
                        <Th className="text-right">{t("analytics.paid")}</Th>
                        <Th className="text-right">{t("analytics.revenue")}</Th>
                        <Th className="text-right">{t("analytics.averageCheck")}</Th>
                      </>
                    ) : null}
                    <Th className="text-right">{t("analytics.spendPerLead")}</Th>
                    {data.seesPayments ? <Th className="text-right">{t("analytics.spendPerSale")}</Th> : null}
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((r) => (
                    <tr key={`${r.source}/${r.campaign}/${r.medium}/${r.content}`}>
                      <Td className="font-medium">{r.source || <span className="font-normal text-slate-400">{t("analytics.noTag")}</span>}</Td>
                      <Td>
                        {r.campaign || <span className="text-slate-400">—</span>}
                        {r.medium || r.content ? <span className="block text-xs text-slate-400">{[r.medium, r.content].filter(Boolean).join(" · ")}</span> : null}
                      </Td>
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
                      {data.seesPayments ? (
                        <>
                          <Td className="text-right">{num(r.paid ?? 0)}</Td>
                          <Td className="text-right font-medium text-emerald-700">{formatMoneyOrDash(r.revenue, data.currency)}</Td>
                          <Td className="text-right">{formatMoneyOrDash(r.averageCheck, data.currency)}</Td>
                        </>
                      ) : null}
                      <Td className="text-right text-slate-500">{usd(r.spendPerLeadUsd)}</Td>
                      {data.seesPayments ? <Td className="text-right text-slate-500">{usd(r.spendPerSaleUsd)}</Td> : null}
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

type Report = inferRouterOutputs<AppRouter>["analytics"]["traffic"];

/** The report as CSV: every dimension and figure, money in roubles and spend in dollars. */
function exportCsv(t: ReturnType<typeof useT>, data: Report, period: { from: string; to: string }) {
  const csvMoney = (minor: number | null) => (minor === null ? null : csvNumber(minor / 100));
  const header = [t("analytics.source"), t("analytics.campaign"), t("analytics.medium"), t("analytics.content"), t("analytics.leads"), t("analytics.withPhone"), t("analytics.won"), t("analytics.lost"), t("analytics.junk")];
  const paid = data.seesPayments ? [t("analytics.paid"), `${t("analytics.revenue")}, ${data.currency}`, `${t("analytics.averageCheck")}, ${data.currency}`, t("analytics.conversion")] : [];
  const spend = [t("analytics.spendUsd"), t("analytics.spendPerLead"), ...(data.seesPayments ? [t("analytics.spendPerSale")] : []), t("analytics.firstTouch")];
  const rows = data.rows.map((r) => [
    r.source,
    r.campaign,
    r.medium,
    r.content,
    r.leads,
    r.withPhone,
    r.won,
    r.lost,
    r.junk,
    ...(data.seesPayments ? [r.paid, csvMoney(r.revenue), csvMoney(r.averageCheck), csvNumber(r.conversion, 4)] : []),
    csvNumber(r.spendUsd, 6),
    csvNumber(r.spendPerLeadUsd, 6),
    ...(data.seesPayments ? [csvNumber(r.spendPerSaleUsd, 6)] : []),
    new Date(r.firstTouchAt).toISOString().slice(0, 10),
  ]);
  downloadCsv(`traffic-${period.from}-${period.to}.csv`, [[...header, ...paid, ...spend], ...rows]);
}
