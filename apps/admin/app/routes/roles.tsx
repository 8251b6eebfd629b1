import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { Badge, Button, Card, Checkbox, Dialog, ErrorNote, Field, Input, PageHeader, Select, Table, Td, Th, errorMessage, fieldError, formError, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";

/** The role template matrix: permissions and hidden fields per role, edited in place. */
export default function Roles() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId, access } = useProjectAccess();
  const roles = useQuery(trpc.roles.list.queryOptions({ projectId }));
  const catalog = useQuery(trpc.roles.catalog.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.roles.list.queryKey({ projectId }) });
  // Each change is saved at once and says so: «Сохранено», or the error.
  const [saved, setSaved] = useState<string | null>(null);
  const update = useMutation(trpc.roles.update.mutationOptions({ onMutate: () => setSaved(null), onSuccess: () => setSaved(t("common.saved")), onSettled: refresh }));
  const [creating, setCreating] = useState(false);
  const editable = access.permissions.includes("roles.manage");
  if (!roles.data || !catalog.data) return <p className="text-sm text-slate-500">{t("common.loading")}</p>;
  const toggle = <T extends string>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

  return (
    <>
      <PageHeader
        title={t("admin.roles")}
        actions={
          editable ? (
            <Button variant="primary" onClick={() => setCreating(true)}>
              {t("admin.createRole")}
            </Button>
          ) : null
        }
      />
      <ErrorNote>{errorMessage(update.error)}</ErrorNote>
      {saved && !update.error ? (
        <p role="status" className="text-sm text-emerald-700">
          {saved}
        </p>
      ) : null}
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
                    {kind === "permissions" ? t("admin.permissions") : t("admin.hideFields")}
                    {kind === "hiddenFields" ? <span className="ml-2 font-normal normal-case tracking-normal text-slate-400">{t("admin.hideFieldsHint")}</span> : null}
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
                              <Badge tone="amber">{t("admin.hideFields")}</Badge>
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
      <CreateRoleDialog
        open={creating}
        onOpenChange={setCreating}
        projectId={projectId}
        roles={roles.data}
        onCreated={(name) => {
          setSaved(t("admin.roleCreated", { name }));
          void refresh();
        }}
      />
    </>
  );
}

/** A new role: a name, and the role whose rights it starts from (a template) or none. */
function CreateRoleDialog({
  open,
  onOpenChange,
  projectId,
  roles,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  projectId: string;
  roles: { id: string; key: string; name: string }[];
  onCreated: (name: string) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [from, setFrom] = useState<string | null>(null);
  const defaultFrom = roles.find((r) => r.key === "manager")?.id ?? "";
  const create = useMutation(
    trpc.roles.create.mutationOptions({
      onSuccess: () => {
        onCreated(name.trim());
        close(false);
      },
    }),
  );
  const close = (o: boolean) => {
    onOpenChange(o);
    if (!o) {
      create.reset();
      setName("");
      setFrom(null);
    }
  };
  const copyFrom = from ?? defaultFrom;
  return (
    <Dialog open={open} onOpenChange={close} title={t("admin.createRole")}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ projectId, name, copyFromRoleId: copyFrom || undefined });
        }}
      >
        <Field label={t("admin.roleName")} htmlFor="role-name" error={fieldError(create.error, "name")}>
          <Input id="role-name" required minLength={2} maxLength={60} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t("admin.roleTemplate")} htmlFor="role-template">
          <Select id="role-template" value={copyFrom} onChange={(e) => setFrom(e.target.value)}>
            {roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
            <option value="">{t("admin.roleTemplateNone")}</option>
          </Select>
        </Field>
        <ErrorNote>{formError(create.error, ["name"])}</ErrorNote>
        <div className="flex justify-end gap-2">
          <Button type="button" variant="outline" onClick={() => close(false)}>
            {t("common.cancel")}
          </Button>
          <Button type="submit" variant="primary" disabled={create.isPending}>
            {t("admin.createRole")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
