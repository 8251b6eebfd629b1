import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, ConfirmDialog, ErrorNote, Field, Input, Select, TagChip, errorMessage, useT, useTRPC } from "@threadline/ui";

const colors = ["slate", "red", "orange", "amber", "green", "teal", "blue", "violet", "pink"] as const;

/** The project's set of client tags: owners and admins add, recolour and delete them. */
export function TagSettings({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tags = useQuery(trpc.tags.list.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries(trpc.tags.list.queryFilter({ projectId }));
  const [name, setName] = useState("");
  const [color, setColor] = useState<(typeof colors)[number]>("blue");
  const [removing, setRemoving] = useState<{ id: string; name: string } | null>(null);
  const create = useMutation(trpc.tags.create.mutationOptions({ onSuccess: () => setName(""), onSettled: refresh }));
  const update = useMutation(trpc.tags.update.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.tags.remove.mutationOptions({ onSuccess: () => setRemoving(null), onSettled: refresh }));
  const error = create.error ?? update.error ?? remove.error;

  return (
    <Card className="mt-6 max-w-lg p-6" data-testid="tag-settings">
      <h2 className="text-base font-semibold text-slate-900">{t("tagsAdmin.title")}</h2>
      <p className="mb-4 mt-1 text-sm text-slate-500">{t("tagsAdmin.hint")}</p>
      <ul className="mb-4 space-y-2">
        {tags.data?.length === 0 ? <li className="text-sm text-slate-400">{t("tagsAdmin.none")}</li> : null}
        {tags.data?.map((tag) => (
          <li key={tag.id} className="flex items-center gap-2">
            <TagChip name={tag.name} color={tag.color} className="min-w-0 flex-1 text-xs" />
            <Select aria-label={`${t("tagsAdmin.color")}: ${tag.name}`} className="h-8 w-32 text-xs" value={tag.color} onChange={(e) => update.mutate({ projectId, tagId: tag.id, color: e.target.value as (typeof colors)[number] })}>
              {colors.map((c) => (
                <option key={c} value={c}>
                  {t(`tagsAdmin.colors.${c}`)}
                </option>
              ))}
            </Select>
            <Button size="sm" variant="ghost" onClick={() => setRemoving(tag)}>
              {t("tagsAdmin.remove")}
            </Button>
          </li>
        ))}
      </ul>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ projectId, name, color });
        }}
      >
        <div className="min-w-0 flex-1">
          <Field label={t("tagsAdmin.name")} htmlFor="tag-name">
            <Input id="tag-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
          </Field>
        </div>
        <Field label={t("tagsAdmin.color")} htmlFor="tag-color">
          <Select id="tag-color" value={color} onChange={(e) => setColor(e.target.value as (typeof colors)[number])}>
            {colors.map((c) => (
              <option key={c} value={c}>
                {t(`tagsAdmin.colors.${c}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" disabled={create.isPending || !name.trim()}>
          {t("tagsAdmin.create")}
        </Button>
      </form>
      {error ? <div className="mt-3"><ErrorNote>{errorMessage(error)}</ErrorNote></div> : null}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={t("tagsAdmin.remove")}
        description={t("tagsAdmin.confirmRemove", { name: removing?.name ?? "" })}
        confirmLabel={t("tagsAdmin.remove")}
        cancelLabel={t("tagsAdmin.cancel")}
        pending={remove.isPending}
        onConfirm={() => removing && remove.mutate({ projectId, tagId: removing.id })}
      />
    </Card>
  );
}
