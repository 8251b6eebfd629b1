import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Paperclip } from "lucide-react";
import { useRef, useState } from "react";
import { Button, Card, ConfirmDialog, EmptyState, ErrorNote, Field, Input, PageHeader, Textarea, fieldError, formError, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";
import { LIBRARY_ACCEPT, useLibraryUpload } from "../library-upload.ts";

type Template = { id: string; title: string; text: string; media: { id: string; name: string }[] };

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
                    {tpl.media.length ? (
                      <p className="mt-1 flex items-center gap-1 text-xs text-slate-500">
                        <Paperclip className="h-3 w-3" aria-hidden />
                        {tpl.media.map((m) => m.name).join(", ")}
                      </p>
                    ) : null}
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
  const [mediaIds, setMediaIds] = useState<string[]>(editing?.media.map((m) => m.id) ?? []);
  const done = () => {
    setTitle("");
    setText("");
    setMediaIds([]);
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
          if (editing) update.mutate({ projectId, templateId: editing.id, title, text, mediaIds });
          else create.mutate({ projectId, title, text, mediaIds });
        }}
      >
        <Field label={t("templates.name")} htmlFor="template-title" error={fieldError(create.error ?? update.error, "title")}>
          <Input id="template-title" required maxLength={100} value={title} onChange={(e) => setTitle(e.target.value)} placeholder={t("templates.namePlaceholder")} />
        </Field>
        <Field label={t("templates.text")} htmlFor="template-text" error={fieldError(create.error ?? update.error, "text")}>
          <Textarea id="template-text" required={mediaIds.length === 0} rows={6} value={text} onChange={(e) => setText(e.target.value)} placeholder={t("templates.textPlaceholder")} />
        </Field>
        <p className="text-xs text-slate-500">{t("templates.nameVariable")}</p>
        <LibraryFiles projectId={projectId} selected={mediaIds} onChange={setMediaIds} />
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

/** The project's media library as checkboxes, and a button that adds a new file and ticks it. */
function LibraryFiles({ projectId, selected, onChange }: { projectId: string; selected: string[]; onChange: (ids: string[]) => void }) {
  const t = useT();
  const trpc = useTRPC();
  const library = useQuery(trpc.media.list.queryOptions({ projectId }));
  const { upload, storing, problem, error } = useLibraryUpload(projectId, (id) => onChange([...selected, id]));
  const input = useRef<HTMLInputElement>(null);
  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));

  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">{t("templates.files")}</legend>
      <p className="text-xs text-slate-500">{t("templates.filesHint")}</p>
      {library.data?.length === 0 ? <p className="text-xs text-slate-400">{t("templates.filesNone")}</p> : null}
      <ul className="max-h-40 space-y-1 overflow-y-auto">
        {library.data?.map((file) => (
          <li key={file.id}>
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" checked={selected.includes(file.id)} onChange={(e) => toggle(file.id, e.target.checked)} />
              <span className="truncate">{file.name}</span>
            </label>
          </li>
        ))}
      </ul>
      <input ref={input} type="file" className="hidden" data-testid="template-file-input" accept={LIBRARY_ACCEPT} onChange={(e) => (e.target.files?.[0] && void upload(e.target.files[0]), (e.target.value = ""))} />
      <Button type="button" size="sm" variant="outline" disabled={storing} onClick={() => input.current?.click()}>
        <Paperclip className="mr-1 h-3.5 w-3.5" aria-hidden />
        {storing ? t("templates.uploadingFile") : t("templates.uploadFile")}
      </Button>
      <ErrorNote>{problem ?? formError(error, [])}</ErrorNote>
    </fieldset>
  );
}
