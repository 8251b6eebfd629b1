import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment } from "react";
import { Badge, Card, Checkbox, ErrorNote, PageHeader, Table, Td, Th, errorMessage, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";

/** The role template matrix: permissions and hidden fields per role, edited in place. */
export default function Roles() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId, access } = useProjectAccess();
  const roles = useQuery(trpc.roles.list.queryOptions({ projectId }));
  const catalog = useQuery(trpc.roles.catalog.queryOptions({ projectId }));
  const update = useMutation(
    trpc.roles.update.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey({ projectId }) }) }),
  );
  const editable = access.permissions.includes("roles.manage");
  if (!roles.data || !catalog.data) return <p className="text-sm text-slate-500">{t("common.loading")}</p>;
  const toggle = <T extends string>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

  return (
    <>
      <PageHeader title={t("admin.roles")} />
      <ErrorNote>{errorMessage(update.error)}</ErrorNote>
      <Card className="mt-3">
        <Table aria-label={t("admin.roles")}>
          <thead>
            <tr>
              <Th />
              {roles.data.map((r) => (
                <Th key={r.id} className="text-center normal-case tracking-normal">
                  <div className="text-sm text-slate-800">{r.name}</div>
                  <div className="font-normal text-slate-400">{t("admin.members", { count: r.members })}</div>
                </Th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(
              [
                ["permissions", catalog.data.permissions, "permission"],
                ["hiddenFields", catalog.data.hiddenFields, "field"],
              ] as const
            ).map(([kind, items, ns]) => (
              <Fragment key={kind}>
                <tr>
                  <Td colSpan={roles.data.length + 1} className="bg-slate-50 text-xs font-semibold uppercase tracking-wide text-slate-500">
                    {kind === "permissions" ? t("admin.permissions") : t("admin.hiddenFields")}
                  </Td>
                </tr>
                {items.map((item) => (
                  <tr key={item}>
                    <Td>{t(`${ns}.${item}`)}</Td>
                    {roles.data.map((r) => {
                      const list = (kind === "permissions" ? r.permissions : r.hiddenFields) as string[];
                      const checked = list.includes(item);
                      return (
                        <Td key={r.id} className="text-center">
                          <div className="flex justify-center">
                            {kind === "hiddenFields" && checked && !editable ? (
                              <Badge tone="amber">—</Badge>
                            ) : (
                              <Checkbox
                                aria-label={`${r.name}: ${t(`${ns}.${item}`)}`}
                                checked={checked}
                                disabled={!editable || update.isPending}
                                onCheckedChange={(on) =>
                                  update.mutate(
                                    kind === "permissions"
                                      ? { projectId, roleId: r.id, permissions: toggle(r.permissions, item as (typeof r.permissions)[number], on === true) }
                                      : { projectId, roleId: r.id, hiddenFields: toggle(r.hiddenFields, item as (typeof r.hiddenFields)[number], on === true) },
                                  )
                                }
                              />
                            )}
                          </div>
                        </Td>
                      );
                    })}
                  </tr>
                ))}
              </Fragment>
            ))}
          </tbody>
        </Table>
      </Card>
    </>
  );
}
