import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FileText, Image, Mic, Paperclip } from "lucide-react";
import { useRef, useState } from "react";
import { Button, Card, ConfirmDialog, EmptyState, ErrorNote, Input, PageHeader, fileSize, formError, useT, useTRPC } from "@threadline/ui";
import { LIBRARY_ACCEPT, useLibraryUpload } from "../library-upload.ts";
import { useProjectAccess } from "../session.ts";

type LibraryFile = { id: string; name: string; kind: string; size: number; createdAt: Date; usedBy: { id: string; title: string }[]; channels: { id: string; name: string }[] };

const KIND_ICONS = { photo: Image, voice: Mic, document: FileText } as const;

/**
 * The project's media library: the files saved replies carry, each with the replies that use it
 * and the channels that hold it already (sent there by reference, not uploaded again).
 */
export default function MediaLibrary() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  // Saved replies change elsewhere (the templates screen, another admin): each visit asks again.
  const library = useQuery({ ...trpc.media.library.queryOptions({ projectId }), refetchOnMount: "always" });
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.media.library.queryKey({ projectId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.media.list.queryKey({ projectId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.templates.list.queryKey({ projectId }) }),
    ]);
  const { upload, storing, problem, error } = useLibraryUpload(projectId);
  const input = useRef<HTMLInputElement>(null);
  const [removing, setRemoving] = useState<LibraryFile | null>(null);
  const remove = useMutation(trpc.media.remove.mutationOptions({ onSettled: () => (setRemoving(null), void refresh()) }));

  return (
    <>
      <PageHeader title={t("mediaLibrary.title")} description={t("mediaLibrary.hint")} />
      <div className="mb-4 flex items-center gap-3">
        <input ref={input} type="file" className="hidden" data-testid="library-file-input" accept={LIBRARY_ACCEPT} onChange={(e) => (e.target.files?.[0] && void upload(e.target.files[0]), (e.target.value = ""))} />
        <Button variant="primary" disabled={storing} onClick={() => input.current?.click()}>
          <Paperclip className="mr-1 h-4 w-4" aria-hidden />
          {storing ? t("templates.uploadingFile") : t("mediaLibrary.upload")}
        </Button>
        <span className="text-xs text-slate-500">{t("mediaLibrary.limits")}</span>
      </div>
      <ErrorNote>{problem ?? formError(error, []) ?? formError(remove.error, [])}</ErrorNote>
      <Card>
        {library.data?.length === 0 ? (
          <EmptyState title={t("mediaLibrary.none")} hint={t("mediaLibrary.noneHint")} />
        ) : (
          <ul aria-label={t("mediaLibrary.title")} className="divide-y divide-slate-100">
            {library.data?.map((file) => <LibraryRow key={file.id} projectId={projectId} file={file} onChanged={refresh} onRemove={() => (remove.reset(), setRemoving(file))} />)}
          </ul>
        )}
      </Card>
      <ConfirmDialog
        open={!!removing}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={t("mediaLibrary.removeTitle")}
        description={
          removing?.usedBy.length
            ? t("mediaLibrary.removeUsed", { name: removing.name, count: removing.usedBy.length, titles: removing.usedBy.map((u) => `«${u.title}»`).join(", ") })
            : t("mediaLibrary.removeText", { name: removing?.name ?? "" })
        }
        confirmLabel={removing?.usedBy.length ? t("mediaLibrary.removeDetach") : t("mediaLibrary.remove")}
        cancelLabel={t("common.cancel")}
        pending={remove.isPending}
        onConfirm={() => removing && remove.mutate({ projectId, mediaId: removing.id, ...(removing.usedBy.length ? { detach: true } : {}) })}
      />
    </>
  );
}

function LibraryRow({ projectId, file, onChanged, onRemove }: { projectId: string; file: LibraryFile; onChanged: () => Promise<unknown>; onRemove: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [name, setName] = useState<string | null>(null);
  const rename = useMutation(trpc.media.rename.mutationOptions({ onSuccess: () => (setName(null), void onChanged()) }));
  const Icon = KIND_ICONS[file.kind as keyof typeof KIND_ICONS] ?? FileText;
  return (
    <li className="flex items-start gap-3 px-4 py-3" aria-label={file.name}>
      <Icon className="mt-0.5 h-5 w-5 shrink-0 text-slate-400" aria-hidden />
      <div className="min-w-0 flex-1 space-y-0.5">
        {name === null ? (
          <div className="font-medium text-slate-900">{file.name}</div>
        ) : (
          <form
            className="flex gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              rename.mutate({ projectId, mediaId: file.id, name });
            }}
          >
            <Input aria-label={t("mediaLibrary.name")} maxLength={255} value={name} onChange={(e) => setName(e.target.value)} />
            <Button type="submit" size="sm" variant="primary" disabled={rename.isPending}>
              {t("common.save")}
            </Button>
            <Button type="button" size="sm" variant="ghost" onClick={() => (setName(null), rename.reset())}>
              {t("common.cancel")}
            </Button>
          </form>
        )}
        <ErrorNote>{formError(rename.error, [])}</ErrorNote>
        <p className="text-xs text-slate-500">
          {t(`mediaLibrary.kind.${file.kind}`, { defaultValue: file.kind })} · {fileSize(file.size)} · {t("mediaLibrary.added", { date: new Date(file.createdAt).toLocaleDateString("ru-RU") })}
        </p>
        <p className="text-xs text-slate-600">{file.usedBy.length ? t("mediaLibrary.usedBy", { titles: file.usedBy.map((u) => `«${u.title}»`).join(", ") }) : t("mediaLibrary.unused")}</p>
        <p className="text-xs text-slate-600">{file.channels.length ? t("mediaLibrary.channels", { names: file.channels.map((c) => c.name).join(", ") }) : t("mediaLibrary.noChannels")}</p>
      </div>
      {name === null ? (
        <>
          <Button size="sm" variant="outline" onClick={() => setName(file.name)}>
            {t("mediaLibrary.rename")}
          </Button>
          <Button size="sm" variant="ghost" onClick={onRemove}>
            {t("mediaLibrary.remove")}
          </Button>
        </>
      ) : null}
    </li>
  );
}
