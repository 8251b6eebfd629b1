import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, EmptyState, ErrorNote, PageHeader, Select, Table, Td, Th, errorMessage, i18next, useT, useTRPC, formatMoney } from "@threadline/ui";
import { csvNumber, downloadCsv } from "../analytics/csv.ts";
import { PeriodPicker, Stat, usePeriod } from "../analytics/period.tsx";
import { useProjectAccess } from "../session.ts";

type Status = "pending" | "succeeded" | "canceled" | "refunded";
type Provider = "yookassa" | "stripe" | "manual";


/** Finance: the period's payments with filters, what they earned, and a CSV for reconciliation. */
export default function Finance() {
  const t = useT();
  const trpc = useTRPC();
  const { projectId } = useProjectAccess();
  const [period, setPeriod] = usePeriod();
  const [status, setStatus] = useState<Status | "">("");
  const [provider, setProvider] = useState<Provider | "">("");
  const [source, setSource] = useState<string | null>(null);
  const [manager, setManager] = useState<{ id: string; name: string } | null>(null);
  const input = { projectId, ...period, status: status || undefined, provider: provider || undefined, source: source ?? undefined, managerId: manager?.id };
  const list = useQuery({ ...trpc.payments.list.queryOptions(input), placeholderData: keepPreviousData });
  const data = list.data;
  const currency = data?.rows[0]?.currency ?? "RUB";

  const exportCsv = () =>
    downloadCsv(`payments-${period.from}-${period.to}.csv`, [
      [t("finance.date"), t("finance.client"), t("finance.description"), t("finance.provider"), t("finance.status"), t("finance.amount"), t("finance.refunded"), t("finance.revenue"), t("finance.currency"), t("finance.manager"), t("analytics.source"), t("analytics.campaign")],
      ...(data?.rows ?? []).map((r) => [
        new Date(r.createdAt).toISOString().slice(0, 10),
        r.contactName,
        r.description,
        t(`finance.providers.${r.provider}`),
        t(`inbox.payments.status.${r.status}`),
        csvNumber(r.amount / 100),
        csvNumber(r.refundedAmount / 100),
        csvNumber(r.revenue / 100),
        r.currency,
        r.managerName,
        r.source,
        r.campaign,
      ]),
    ]);

  return (
    <>
      <PageHeader title={t("finance.title")} description={t("finance.hint")} />
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <PeriodPicker value={period} onChange={setPeriod} />
        <Select aria-label={t("finance.status")} className="h-9 w-44" value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
          <option value="">{t("finance.allStatuses")}</option>
          {(["pending", "succeeded", "canceled", "refunded"] as const).map((s) => (
            <option key={s} value={s}>
              {t(`inbox.payments.status.${s}`)}
            </option>
          ))}
        </Select>
        <Select aria-label={t("finance.provider")} className="h-9 w-44" value={provider} onChange={(e) => setProvider(e.target.value as Provider | "")}>
          <option value="">{t("finance.allProviders")}</option>
          {(["yookassa", "stripe", "manual"] as const).map((p) => (
            <option key={p} value={p}>
              {t(`finance.providers.${p}`)}
            </option>
          ))}
        </Select>
        {source !== null ? (
          <Button variant="outline" size="sm" onClick={() => setSource(null)}>
            {t("finance.sourceFilter", { source: source || t("analytics.noTag") })} ✕
          </Button>
        ) : null}
        {manager ? (
          <Button variant="outline" size="sm" onClick={() => setManager(null)}>
            {t("finance.managerFilter", { name: manager.name })} ✕
          </Button>
        ) : null}
        {data && data.rows.length > 0 ? (
          <Button variant="outline" size="sm" className="ml-auto" onClick={exportCsv}>
            {t("analytics.exportCsv")}
          </Button>
        ) : null}
      </div>
      <ErrorNote>{errorMessage(list.error)}</ErrorNote>
      {data ? (
        <>
          <div className="mb-4 grid gap-3 sm:grid-cols-3">
            <Stat label={t("finance.revenue")} value={formatMoney(data.revenue, currency)} />
            <Stat label={t("finance.count")} value={String(data.rows.length)} />
          </div>
          <Card>
            {data.rows.length === 0 ? (
              <EmptyState title={t("finance.none")} />
            ) : (
              <Table aria-label={t("finance.title")}>
                <thead>
                  <tr>
                    <Th>{t("finance.date")}</Th>
                    <Th>{t("finance.client")}</Th>
                    <Th>{t("finance.provider")}</Th>
                    <Th>{t("finance.status")}</Th>
                    <Th className="text-right">{t("finance.amount")}</Th>
                    <Th>{t("finance.manager")}</Th>
                    <Th>{t("analytics.source")}</Th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((r) => (
                    <tr key={r.id}>
                      <Td>{new Date(r.createdAt).toLocaleString(i18next.language)}</Td>
                      <Td>
                        {r.contactName ?? "—"}
                        <span className="block text-xs text-slate-400">{r.description}</span>
                      </Td>
                      <Td>{t(`finance.providers.${r.provider}`)}</Td>
                      <Td>{t(`inbox.payments.status.${r.status}`)}</Td>
                      <Td className="text-right font-medium">
                        {formatMoney(r.amount, r.currency)}
                        {r.refundedAmount > 0 ? <span className="block text-xs text-rose-600">−{formatMoney(r.refundedAmount, r.currency)}</span> : null}
                      </Td>
                      <Td>
                        {r.managerId && r.managerName ? (
                          <button type="button" className="text-sky-700 hover:underline" onClick={() => setManager({ id: r.managerId!, name: r.managerName! })}>
                            {r.managerName}
                          </button>
                        ) : (
                          "—"
                        )}
                      </Td>
                      <Td>
                        <button type="button" className="text-sky-700 hover:underline" onClick={() => setSource(r.source)}>
                          {r.source || t("analytics.noTag")}
                        </button>
                      </Td>
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
