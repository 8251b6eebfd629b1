import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Badge, Button, Card, ConfirmDialog, EmptyState, ErrorNote, Field, PageHeader, Select, Table, Td, Th, errorMessage, i18next, storedErrorText, secondsLeft, uploadWithProgress, useT, useTRPC, type UploadProgress } from "@threadline/ui";
import { useImportProgress } from "../import-progress.ts";
import { whyNoMessages } from "../import-outcome.ts";
import { useProjectAccess } from "../session.ts";

type RunState = "queued" | "running" | "paused" | "done" | "failed" | "cancelled";
type Run = {
  id: string;
  channelName: string;
  channelKind: "vk" | "telegram";
  source: "vk_api" | "telegram_export";
  state: RunState;
  totalDialogs: number | null;
  doneDialogs: number;
  importedMessages: number;
  percent: number;
  messagesPerSecond: number;
  etaSeconds: number | null;
  lastError: string | null;
};

const stateBadge: Record<RunState, { label: string; tone: "slate" | "green" | "red" | "sky" | "amber" }> = {
  queued: { label: "import.stateQueued", tone: "slate" },
  running: { label: "import.stateRunning", tone: "sky" },
  paused: { label: "import.statePaused", tone: "amber" },
  done: { label: "import.stateDone", tone: "green" },
  failed: { label: "import.stateFailed", tone: "red" },
  cancelled: { label: "import.stateCancelled", tone: "slate" },
};

const live = (s: RunState) => s === "queued" || s === "running";

export default function Import() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const channels = useQuery(trpc.imports.channels.queryOptions({ projectId }));
  // Progress is pushed over the socket; only while it is down are live runs read again, slowly.
  const pushed = useImportProgress(projectId);
  const runs = useQuery(
    trpc.imports.list.queryOptions({ projectId }, { refetchInterval: (q) => (!pushed && (q.state.data ?? []).some((r) => live(r.state)) ? 10_000 : false) }),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.imports.list.queryKey({ projectId }) });
  const pause = useMutation(trpc.imports.pause.mutationOptions({ onSettled: refresh }));
  const resume = useMutation(trpc.imports.resume.mutationOptions({ onSettled: refresh }));
  const cancel = useMutation(trpc.imports.cancel.mutationOptions({ onSettled: refresh, onSuccess: () => setCancelling(null) }));
  const [cancelling, setCancelling] = useState<Run | null>(null);
  const vk = (channels.data ?? []).filter((c) => c.kind === "vk");
  const tg = (channels.data ?? []).filter((c) => c.kind === "telegram");
  const actionError = pause.error ?? resume.error ?? cancel.error;

  return (
    <>
      <PageHeader title={t("import.title")} description={t("import.hint")} />
      <div className="mb-6 grid gap-6 lg:grid-cols-2">
        <StartVk projectId={projectId} channels={vk} onDone={refresh} />
        <UploadTelegram projectId={projectId} channels={tg} onDone={refresh} />
      </div>
      <h2 className="mb-2 font-semibold">{t("import.runs")}</h2>
      <ErrorNote>{errorMessage(actionError)}</ErrorNote>
      <Card>
        {runs.data && runs.data.length === 0 ? (
          <EmptyState title={t("import.noRuns")} hint={t("import.noRunsHint")} />
        ) : (
          <Table aria-label={t("import.runs")}>
            <thead>
              <tr>
                <Th>{t("import.channel")}</Th>
                <Th>{t("import.source")}</Th>
                <Th>{t("import.state")}</Th>
                <Th>{t("import.progress")}</Th>
                <Th>{t("import.lastError")}</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {runs.data?.map((r) => (
                <tr key={r.id} data-testid="import-run">
                  <Td className="font-medium">{r.channelName}</Td>
                  <Td className="text-slate-500">{r.source === "vk_api" ? t("import.sourceVk") : t("import.sourceTelegram")}</Td>
                  <Td>
                    <Badge tone={stateBadge[r.state].tone}>{t(stateBadge[r.state].label)}</Badge>
                  </Td>
                  <Td className="min-w-48">
                    <ProgressBar label={t("import.progress")} percent={r.percent} />
                    <div className="mt-1 text-xs text-slate-500">
                      {r.totalDialogs != null ? t("import.dialogs", { done: r.doneDialogs, total: r.totalDialogs }) : t("import.dialogsUnknown", { done: r.doneDialogs })}
                      {" · "}
                      {t("import.messages", { count: r.importedMessages })}
                      {r.state === "running" ? ` · ${t("import.perSecond", { count: r.messagesPerSecond })}` : ""}
                      {r.state === "running" && r.etaSeconds != null ? ` · ${t("import.left", { time: eta(t, r.etaSeconds) })}` : ""}
                    </div>
                    {whyNoMessages(r) ? <div className="mt-1 text-xs text-slate-600">{t(whyNoMessages(r)!)}</div> : null}
                  </Td>
                  <Td className="max-w-64 text-sm text-red-700">{storedErrorText(r.lastError) ?? ""}</Td>
                  <Td className="whitespace-nowrap text-right">
                    <div className="flex justify-end gap-2">
                      {live(r.state) && r.source === "vk_api" ? (
                        <Button size="sm" variant="outline" disabled={pause.isPending} onClick={() => pause.mutate({ projectId, runId: r.id })}>
                          {t("import.pause")}
                        </Button>
                      ) : null}
                      {(r.state === "paused" || r.state === "failed") && r.source === "vk_api" ? (
                        <Button size="sm" variant="outline" disabled={resume.isPending} onClick={() => resume.mutate({ projectId, runId: r.id })}>
                          {t("import.resume")}
                        </Button>
                      ) : null}
                      {(live(r.state) || r.state === "paused") && r.source === "vk_api" ? (
                        <Button size="sm" variant="outline" onClick={() => setCancelling(r)}>
                          {t("import.cancel")}
                        </Button>
                      ) : null}
                    </div>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <ConfirmDialog
        open={!!cancelling}
        onOpenChange={(o) => !o && setCancelling(null)}
        title={t("import.cancelTitle")}
        description={t("import.cancelText", { name: cancelling?.channelName ?? "" })}
        confirmLabel={t("import.cancelConfirm")}
        cancelLabel={t("import.keepGoing")}
        pending={cancel.isPending}
        onConfirm={() => cancelling && cancel.mutate({ projectId, runId: cancelling.id })}
      />
    </>
  );
}

function ProgressBar({ label, percent }: { label: string; percent: number }) {
  return (
    <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent)} className="h-2 w-full overflow-hidden rounded bg-slate-100">
      <div className="h-full bg-slate-700 transition-[width]" style={{ width: `${percent}%` }} />
    </div>
  );
}

function eta(t: ReturnType<typeof useT>, seconds: number): string {
  if (seconds < 60) return t("import.etaSeconds", { count: seconds });
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return t("import.etaMinutes", { count: minutes });
  return t("import.etaHours", { hours: Math.floor(minutes / 60), minutes: minutes % 60 });
}

type ChannelOption = { id: string; name: string };

/** Which connected channel an import reads into. */
function ChannelField(props: { id: string; label: string; channels: ChannelOption[]; value: string; onChange: (id: string) => void }) {
  return (
    <Field label={props.label} htmlFor={props.id}>
      <Select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.channels.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </Select>
    </Field>
  );
}

function StartVk({ projectId, channels, onDone }: { projectId: string; channels: ChannelOption[]; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [channelId, setChannelId] = useState("");
  const chosen = channelId || channels[0]?.id || "";
  const start = useMutation(trpc.imports.startVk.mutationOptions({ onSuccess: onDone }));
  return (
    <Card className="p-5">
      <h2 className="mb-1 font-semibold">{t("import.vkTitle")}</h2>
      <p className="mb-4 text-sm text-slate-500">{t("import.vkHint")}</p>
      {channels.length === 0 ? (
        <p className="text-sm text-slate-500">{t("import.noVkChannels")}</p>
      ) : (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            start.mutate({ projectId, channelId: chosen });
          }}
        >
          <ChannelField id="import-vk-channel" label={t("import.vkChannel")} channels={channels} value={chosen} onChange={setChannelId} />
          <ErrorNote>{errorMessage(start.error)}</ErrorNote>
          <Button type="submit" variant="primary" disabled={start.isPending || !chosen}>
            {t("import.start")}
          </Button>
        </form>
      )}
    </Card>
  );
}

type UploadResult = { chats: number; importedChats: number; messages: number; imported: number };

// The server's limit (MAX_TELEGRAM_EXPORT_BYTES): a bigger file is refused before it is sent.
const MAX_EXPORT_BYTES = 512 * 1024 * 1024;

const megabytes = (bytes: number) => {
  const digits = bytes < 10 * 1024 * 1024 ? 1 : 0;
  return new Intl.NumberFormat(i18next.language, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(bytes / 1024 / 1024);
};

function UploadTelegram({ projectId, channels, onDone }: { projectId: string; channels: ChannelOption[]; onDone: () => void }) {
  const t = useT();
  const [channelId, setChannelId] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const chosen = channelId || channels[0]?.id || "";
  const upload = useMutation({
    mutationFn: async (): Promise<UploadResult> => {
      if (!file) throw new Error(t("import.tgFile"));
      const url = `/imports/telegram?projectId=${encodeURIComponent(projectId)}&channelId=${encodeURIComponent(chosen)}`;
      let answer;
      try {
        answer = await uploadWithProgress(url, file, { "content-type": "application/json" }, setProgress);
      } catch {
        throw new Error(t("import.uploadFailed"));
      }
      const body = (answer.body ?? {}) as Partial<UploadResult> & { error?: string };
      if (answer.status !== 200) throw new Error(body.error ?? t("import.uploadFailed"));
      return body as UploadResult;
    },
    onSuccess: () => {
      setFile(null);
      if (input.current) input.current.value = "";
    },
    onSettled: () => {
      setProgress(null);
      onDone();
    },
  });
  const tooLarge = file != null && file.size > MAX_EXPORT_BYTES;
  const sentAll = progress != null && progress.sent >= progress.total;
  const left = progress && !sentAll ? secondsLeft(progress) : null;
  return (
    <Card className="p-5">
      <h2 className="mb-1 font-semibold">{t("import.tgTitle")}</h2>
      <p className="mb-4 text-sm text-slate-500">{t("import.tgHint")}</p>
      {channels.length === 0 ? (
        <p className="text-sm text-slate-500">{t("import.noTgChannels")}</p>
      ) : (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            upload.mutate();
          }}
        >
          <ChannelField id="import-tg-channel" label={t("import.tgChannel")} channels={channels} value={chosen} onChange={setChannelId} />
          <Field label={t("import.tgFile")} htmlFor="import-tg-file">
            {/* The browser's own file field speaks the browser's language; this one speaks ours. */}
            <div className="flex items-center gap-3">
              <input
                ref={input}
                id="import-tg-file"
                type="file"
                accept=".json,application/json"
                className="sr-only"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  upload.reset();
                }}
              />
              <Button type="button" variant="outline" size="sm" disabled={upload.isPending} onClick={() => input.current?.click()}>
                {t("import.chooseFile")}
              </Button>
              <span className="min-w-0 truncate text-sm text-slate-600" data-testid="import-tg-file-name">
                {file ? `${file.name} · ${t("import.megabytes", { count: megabytes(file.size) })}` : t("import.noFile")}
              </span>
            </div>
          </Field>
          {progress ? (
            <div data-testid="import-tg-upload">
              <ProgressBar label={t("import.uploadProgress")} percent={(100 * progress.sent) / Math.max(1, progress.total)} />
              <p className="mt-1 text-xs text-slate-500">
                {sentAll
                  ? t("import.processing")
                  : `${t("import.uploadedOf", { done: megabytes(progress.sent), total: megabytes(progress.total) })}${left != null ? ` · ${t("import.left", { time: eta(t, left) })}` : ""}`}
              </p>
            </div>
          ) : null}
          <ErrorNote>{tooLarge ? t("import.tooLarge", { count: MAX_EXPORT_BYTES / 1024 / 1024 }) : upload.error ? upload.error.message : undefined}</ErrorNote>
          {upload.data ? <p className="text-sm text-emerald-700">{t("import.uploaded", { chats: upload.data.importedChats, messages: upload.data.imported })}</p> : null}
          <Button type="submit" variant="primary" disabled={upload.isPending || !file || tooLarge || !chosen}>
            {upload.isPending ? t("import.uploading") : t("import.upload")}
          </Button>
        </form>
      )}
    </Card>
  );
}
