import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, ConfirmDialog, EmptyState, ErrorNote, Field, Input, PageHeader, Textarea, fieldError, formError, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";

type Template = { id: string; title: string; text: string };

/** Saved replies of the project: what managers insert with «/» in the reply box. */
export default function Templates() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const list = useQuery(trpc.templates.list.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.templates.list.queryKey({ projectId }) });
  const [editing, setEditing] = useState<Template | null>(null);
  const [removing, setRemoving] = useState<Template | null>(null);
  const remove = useMutation(trpc.templates.remove.mutationOptions({ onSuccess: () => setRemoving(null), onSettled: refresh }));

  return (
    <>
      <PageHeader title={t("templates.title")} description={t("templates.hint")} />
      <div className="grid gap-6 lg:grid-cols-[1fr_380px]">
        <Card>
          {list.data?.length === 0 ? (
            <EmptyState title={t("templates.none")} hint={t("templates.noneHint")} />
          ) : (
            <ul aria-label={t("templates.title")} className="divide-y divide-slate-100">
              {list.data?.map((tpl) => (
                <li key={tpl.id} className="flex items-start gap-3 px-4 py-3">
                  <div className="min-w-0 flex-1">
                    <div className="font-medium text-slate-900">{tpl.title}</div>
                    <p className="whitespace-pre-wrap text-sm text-slate-600">{tpl.text}</p>
                  </div>
                  <Button size="sm" variant="outline" onClick={() => setEditing(tpl)}>
                    {t("templates.edit")}
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setRemoving(tpl)}>
                    {t("templates.remove")}
                  </Button>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <TemplateForm key={editing?.id ?? "new"} projectId={projectId} editing={editing} onDone={() => (setEditing(null), void refresh())} />
      </div>
      <ConfirmDialog
        open={!!removing}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={t("templates.removeTitle")}
        description={t("templates.removeText", { title: removing?.title ?? "" })}
        confirmLabel={t("templates.remove")}
        cancelLabel={t("common.cancel")}
        pending={remove.isPending}
        onConfirm={() => removing && remove.mutate({ projectId, templateId: removing.id })}
      />
    </>
  );
}

function TemplateForm({ projectId, editing, onDone }: { projectId: string; editing: Template | null; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [title, setTitle] = useState(editing?.title ?? "");
  const [text, setText] = useState(editing?.text ?? "");
  const done = () => {
    setTitle("");
    setText("");
    onDone();
  };
  const create = useMutation(trpc.templates.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.templates.update.mutationOptions({ onSuccess: done }));
  const pending = create.isPending || update.isPending;
  return (
    <Card className="h-fit p-5">
      <h2 className="mb-3 font-semibold">{editing ? t("templates.editTitle") : t("templates.add")}</h2>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (editing) update.mutate({ projectId, templateId: editing.id, title, text });
          else create.mutate({ projectId, title, text });
        }}
      >
        <Field label={t("templates.name")} htmlFor="template-title" error={fieldError(create.error ?? update.error, "title")}>
          <Input id="template-title" required maxLength={100} value={title} onChange={(e) => setTitle(e.target.value)} placeholder={t("templates.namePlaceholder")} />
        </Field>
        <Field label={t("templates.text")} htmlFor="template-text" error={fieldError(create.error ?? update.error, "text")}>
          <Textarea id="template-text" required rows={6} value={text} onChange={(e) => setText(e.target.value)} placeholder={t("templates.textPlaceholder")} />
        </Field>
        <p className="text-xs text-slate-500">{t("templates.nameVariable")}</p>
        <ErrorNote>{formError(create.error ?? update.error, ["title", "text"])}</ErrorNote>
        <div className="flex gap-2">
          <Button type="submit" variant="primary" disabled={pending}>
            {editing ? t("common.save") : t("templates.add")}
          </Button>
          {editing ? (
            <Button type="button" variant="ghost" onClick={onDone}>
              {t("common.cancel")}
            </Button>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
