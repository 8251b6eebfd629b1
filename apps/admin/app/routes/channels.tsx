import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Input, PageHeader, Table, Td, Th, errorMessage, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";

export default function Channels() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const list = useQuery(trpc.channels.list.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.channels.list.queryKey({ projectId }) });
  const setState = useMutation(trpc.channels.setState.mutationOptions({ onSettled: refresh }));
  return (
    <>
      <PageHeader title={t("admin.channels")} description={t("admin.channelsHint")} />
      <Card>
        {list.data && list.data.length === 0 ? (
          <EmptyState title={t("admin.noChannels")} hint={t("admin.noChannelsHint")} />
        ) : (
          <Table aria-label={t("admin.channels")}>
            <thead>
              <tr>
                <Th>{t("admin.channelKind")}</Th>
                <Th>{t("admin.name")}</Th>
                <Th>ID</Th>
                <Th>{t("admin.status")}</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {list.data?.map((c) => (
                <tr key={c.id}>
                  <Td>{c.kind === "vk" ? "VK" : "Telegram"}</Td>
                  <Td className="font-medium">{c.name}</Td>
                  <Td className="text-slate-500">{c.externalId}</Td>
                  <Td>{c.state === "active" ? <Badge tone="green">{t("admin.channelActive")}</Badge> : <Badge tone="amber">{t("admin.channelPaused")}</Badge>}</Td>
                  <Td className="text-right">
                    <Button size="sm" variant="outline" onClick={() => setState.mutate({ projectId, channelId: c.id, state: c.state === "active" ? "paused" : "active" })}>
                      {c.state === "active" ? t("admin.pause") : t("admin.resume")}
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Card>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <ConnectTelegram projectId={projectId} onDone={refresh} />
        <ConnectVk projectId={projectId} onDone={refresh} />
      </div>
    </>
  );
}

function Advanced({ value, onChange, id }: { value: string; onChange: (v: string) => void; id: string }) {
  const t = useT();
  return (
    <details className="text-sm text-slate-600">
      <summary className="cursor-pointer select-none">{t("admin.advanced")}</summary>
      <div className="mt-2">
        <Field label={t("admin.apiBaseUrl")} htmlFor={id}>
          <Input id={id} placeholder="https://" value={value} onChange={(e) => onChange(e.target.value)} />
        </Field>
      </div>
    </details>
  );
}

function ConnectTelegram({ projectId, onDone }: { projectId: string; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [token, setToken] = useState("");
  const [api, setApi] = useState("");
  const connect = useMutation(
    trpc.channels.connectTelegram.mutationOptions({
      onSuccess: () => {
        setToken("");
        onDone();
      },
    }),
  );
  return (
    <Card className="p-5">
      <h2 className="mb-1 font-semibold">{t("admin.connectTelegram")}</h2>
      <p className="mb-4 text-sm text-slate-500">{t("admin.connectTelegramHint")}</p>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          connect.mutate({ projectId, token, apiBaseUrl: api || undefined });
        }}
      >
        <Field label={t("admin.botToken")} htmlFor="tg-token">
          <Input id="tg-token" required autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="123456789:AA…" />
        </Field>
        <Advanced id="tg-api" value={api} onChange={setApi} />
        <ErrorNote>{errorMessage(connect.error)}</ErrorNote>
        {connect.data ? <p className="text-sm text-emerald-700">{t("admin.connected", { name: connect.data.name })}</p> : null}
        <Button type="submit" variant="primary" disabled={connect.isPending}>
          {t("admin.connect")}
        </Button>
      </form>
    </Card>
  );
}

function ConnectVk({ projectId, onDone }: { projectId: string; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [token, setToken] = useState("");
  const [groupId, setGroupId] = useState("");
  const [api, setApi] = useState("");
  const connect = useMutation(
    trpc.channels.connectVk.mutationOptions({
      onSuccess: () => {
        setToken("");
        onDone();
      },
    }),
  );
  return (
    <Card className="p-5">
      <h2 className="mb-1 font-semibold">{t("admin.connectVk")}</h2>
      <p className="mb-4 text-sm text-slate-500">{t("admin.connectVkHint")}</p>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          connect.mutate({ projectId, token, groupId: Number(groupId), apiBaseUrl: api || undefined });
        }}
      >
        <Field label={t("admin.vkGroupId")} htmlFor="vk-group">
          <Input id="vk-group" required inputMode="numeric" value={groupId} onChange={(e) => setGroupId(e.target.value.replace(/\D/g, ""))} />
        </Field>
        <Field label={t("admin.vkToken")} htmlFor="vk-token">
          <Input id="vk-token" required autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="vk1.a.…" />
        </Field>
        <Advanced id="vk-api" value={api} onChange={setApi} />
        <ErrorNote>{errorMessage(connect.error)}</ErrorNote>
        {connect.data ? <p className="text-sm text-emerald-700">{t("admin.connected", { name: connect.data.name })}</p> : null}
        <Button type="submit" variant="primary" disabled={connect.isPending}>
          {t("admin.connect")}
        </Button>
      </form>
    </Card>
  );
}
