import { useInfiniteQuery } from "@tanstack/react-query";
import { Button, Card, EmptyState, PageHeader, Table, Td, Th, i18next, useT, useTRPC } from "@threadline/ui";
import { describeAudit } from "../audit-text.ts";
import { useProjectAccess } from "../session.ts";

export default function Audit() {
  const t = useT();
  const trpc = useTRPC();
  const { projectId } = useProjectAccess();
  const log = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { projectId, limit: 50 },
      { getNextPageParam: (page) => (page.length === 50 ? page[page.length - 1]!.createdAt : undefined) },
    ),
  );
  const rows = log.data?.pages.flat() ?? [];
  const fmt = new Intl.DateTimeFormat(i18next.language, { dateStyle: "short", timeStyle: "medium" });
  return (
    <>
      <PageHeader title={t("admin.audit")} />
      <Card>
        {rows.length === 0 && !log.isPending ? (
          <EmptyState title={t("admin.audit")} hint={t("admin.noAudit")} />
        ) : (
          <Table aria-label={t("admin.audit")}>
            <thead>
              <tr>
                <Th>{t("admin.when")}</Th>
                <Th>{t("admin.who")}</Th>
                <Th>{t("admin.action")}</Th>
                <Th>{t("admin.details")}</Th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <Td className="whitespace-nowrap text-slate-500">{fmt.format(r.createdAt)}</Td>
                  <Td>{r.actorName ?? "—"}</Td>
                  <Td>{t(`auditAction.${r.action}`, { defaultValue: r.action })}</Td>
                  <Td className="text-slate-600">{describeAudit(t, r)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      {log.hasNextPage ? (
        <Button variant="outline" className="mt-3" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          {t("admin.loadMore")}
        </Button>
      ) : null}
    </>
  );
}
