import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Button, Card, ConfirmDialog, EmptyState, ErrorNote, Field, Input, PageHeader, Textarea, formError, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";
import { storeUpload } from "../store-upload.ts";

type Doc = { id: string; title: string; kind: string; fileName: string | null; sizeBytes: number; passageCount: number };

/** The project's knowledge base: upload, list and delete the documents the agent answers from. */
export default function Knowledge() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const list = useQuery(trpc.knowledge.list.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.knowledge.list.queryKey({ projectId }) });
  const [removing, setRemoving] = useState<Doc | null>(null);
  const remove = useMutation(trpc.knowledge.remove.mutationOptions({ onSuccess: () => setRemoving(null), onSettled: refresh }));
  const addUpload = useMutation(trpc.knowledge.addUpload.mutationOptions({ onSettled: refresh }));
  const [storing, setStoring] = useState(false);
  const [storeError, setStoreError] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const upload = async (file: File) => {
    setStoreError(null);
    addUpload.reset();
    setStoring(true);
    try {
      const { storageKey } = await storeUpload(projectId, file, t("knowledge.uploadFailed"));
      await addUpload.mutateAsync({ projectId, storageKey, fileName: file.name }).catch(() => undefined);
    } catch (e) {
      setStoreError((e as Error).message);
    } finally {
      setStoring(false);
      if (fileInput.current) fileInput.current.value = "";
    }
  };

  return (
    <>
      <PageHeader title={t("knowledge.title")} description={t("knowledge.hint")} />
      <div className="grid gap-6 lg:grid-cols-[1fr_380px]">
        <div className="space-y-3">
          <div className="flex items-center gap-3">
            <input
              ref={fileInput}
              id="knowledge-file"
              type="file"
              className="sr-only"
              accept=".txt,.md,.markdown,.pdf,.docx,text/plain,text/markdown,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void upload(file);
              }}
            />
            <Button variant="primary" disabled={storing} onClick={() => fileInput.current?.click()}>
              {storing ? t("knowledge.uploading") : t("knowledge.upload")}
            </Button>
          </div>
          <ErrorNote>{storeError ?? formError(addUpload.error, [])}</ErrorNote>
          <Card>
            {list.data?.length === 0 ? (
              <EmptyState title={t("knowledge.none")} hint={t("knowledge.noneHint")} />
            ) : (
              <ul aria-label={t("knowledge.title")} className="divide-y divide-slate-100">
                {list.data?.map((doc) => (
                  <li key={doc.id} className="flex items-start gap-3 px-4 py-3">
                    <div className="min-w-0 flex-1">
                      <div className="font-medium text-slate-900">{doc.title}</div>
                      <p className="text-sm text-slate-500">
                        {[doc.fileName, `${Math.max(1, Math.round(doc.sizeBytes / 1024))} КБ`, t("knowledge.passages", { count: doc.passageCount })].filter(Boolean).join(" · ")}
                      </p>
                    </div>
                    <Button size="sm" variant="ghost" onClick={() => setRemoving(doc)}>
                      {t("knowledge.remove")}
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
        <TextForm projectId={projectId} onDone={() => void refresh()} />
      </div>
      <ConfirmDialog
        open={!!removing}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={t("knowledge.removeTitle")}
        description={t("knowledge.removeText", { title: removing?.title ?? "" })}
        confirmLabel={t("knowledge.remove")}
        cancelLabel={t("common.cancel")}
        pending={remove.isPending}
        onConfirm={() => removing && remove.mutate({ projectId, documentId: removing.id })}
      />
    </>
  );
}

function TextForm({ projectId, onDone }: { projectId: string; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [title, setTitle] = useState("");
  const [text, setText] = useState("");
  const add = useMutation(
    trpc.knowledge.addText.mutationOptions({
      onSuccess: () => {
        setTitle("");
        setText("");
        onDone();
      },
    }),
  );
  return (
    <Card className="h-fit p-5">
      <h2 className="mb-3 font-semibold">{t("knowledge.addText")}</h2>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ projectId, title, text });
        }}
      >
        <Field label={t("knowledge.name")} htmlFor="knowledge-title">
          <Input id="knowledge-title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </Field>
        <Field label={t("knowledge.text")} htmlFor="knowledge-text">
          <Textarea id="knowledge-text" required rows={8} value={text} onChange={(e) => setText(e.target.value)} />
        </Field>
        <ErrorNote>{formError(add.error, [])}</ErrorNote>
        <Button type="submit" variant="primary" disabled={add.isPending}>
          {t("knowledge.save")}
        </Button>
      </form>
    </Card>
  );
}
