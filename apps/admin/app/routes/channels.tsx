import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, Button, Card, EmptyState, ErrorNote, Field, Input, PageHeader, Select, Table, Td, Th, errorMessage, fieldError, formError, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";

const deliveries = ["webhook", "polling"] as const;
type Delivery = (typeof deliveries)[number];

export default function Channels() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const list = useQuery(trpc.channels.list.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.channels.list.queryKey({ projectId }) });
  const setState = useMutation(trpc.channels.setState.mutationOptions({ onSettled: refresh }));
  const setDelivery = useMutation(trpc.channels.setDelivery.mutationOptions({ onSettled: refresh }));
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
                <Th>{t("admin.delivery")}</Th>
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
                  <Td>
                    <Select
                      aria-label={t("admin.deliveryOf", { name: c.name })}
                      className="h-8 w-44 text-sm"
                      value={c.delivery}
                      disabled={setDelivery.isPending}
                      onChange={(e) => setDelivery.mutate({ projectId, channelId: c.id, delivery: e.target.value as Delivery })}
                    >
                      {deliveries.map((d) => (
                        <option key={d} value={d}>
                          {t(`admin.deliveryKind.${d}`)}
                        </option>
                      ))}
                    </Select>
                  </Td>
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
        <ErrorNote>{errorMessage(setDelivery.error)}</ErrorNote>
      </Card>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <ConnectTelegram projectId={projectId} onDone={refresh} />
        <ConnectVk projectId={projectId} onDone={refresh} />
      </div>
    </>
  );
}

/** What every connect form shares: how the channel receives, the API address, errors, the button. */
function ConnectCard(props: {
  kind: "telegram" | "vk";
  title: string;
  hint: string;
  pending: boolean;
  error: unknown;
  connectedName: string | undefined;
  onSubmit: (extra: { delivery: Delivery }) => void;
  children: React.ReactNode;
}) {
  const t = useT();
  const [delivery, setDelivery] = useState<Delivery>("webhook");
  const prefix = props.kind === "telegram" ? "tg" : "vk";
  return (
    <Card className="p-5">
      <h2 className="mb-1 font-semibold">{props.title}</h2>
      <p className="mb-4 text-sm text-slate-500">{props.hint}</p>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit({ delivery });
        }}
      >
        {props.children}
        <fieldset className="space-y-1.5">
          <legend className="mb-1 text-sm font-medium text-slate-700">{t("admin.delivery")}</legend>
          {deliveries.map((d) => (
            <label key={d} className="flex items-start gap-2 text-sm text-slate-700">
              <input type="radio" name={`${prefix}-delivery`} value={d} checked={delivery === d} onChange={() => setDelivery(d)} className="mt-1" />
              <span>
                {t(`admin.deliveryKind.${d}`)}
                <span className="block text-xs text-slate-500">{t(`admin.deliveryHint.${props.kind}.${d}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <ErrorNote>{formError(props.error, ["token", "groupId"])}</ErrorNote>
        {props.connectedName ? <p className="text-sm text-emerald-700">{t("admin.connected", { name: props.connectedName })}</p> : null}
        <Button type="submit" variant="primary" disabled={props.pending}>
          {t("admin.connect")}
        </Button>
      </form>
    </Card>
  );
}

function ConnectTelegram({ projectId, onDone }: { projectId: string; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [token, setToken] = useState("");
  const connect = useMutation(
    trpc.channels.connectTelegram.mutationOptions({
      onSuccess: () => {
        setToken("");
        onDone();
      },
    }),
  );
  return (
    <ConnectCard
      kind="telegram"
      title={t("admin.connectTelegram")}
      hint={t("admin.connectTelegramHint")}
      pending={connect.isPending}
      error={connect.error}
      connectedName={connect.data?.name}
      onSubmit={(extra) => connect.mutate({ projectId, token, ...extra })}
    >
      <Field label={t("admin.botToken")} htmlFor="tg-token" error={fieldError(connect.error, "token")}>
        <Input id="tg-token" required autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="123456789:AA…" />
      </Field>
    </ConnectCard>
  );
}

function ConnectVk({ projectId, onDone }: { projectId: string; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [token, setToken] = useState("");
  const [groupId, setGroupId] = useState("");
  const connect = useMutation(
    trpc.channels.connectVk.mutationOptions({
      onSuccess: () => {
        setToken("");
        onDone();
      },
    }),
  );
  return (
    <ConnectCard
      kind="vk"
      title={t("admin.connectVk")}
      hint={t("admin.connectVkHint")}
      pending={connect.isPending}
      error={connect.error}
      connectedName={connect.data?.name}
      onSubmit={(extra) => connect.mutate({ projectId, token, groupId: Number(groupId), ...extra })}
    >
      <Field label={t("admin.vkGroupId")} htmlFor="vk-group" error={fieldError(connect.error, "groupId")}>
        <Input id="vk-group" required inputMode="numeric" value={groupId} onChange={(e) => setGroupId(e.target.value.replace(/\D/g, ""))} />
      </Field>
      <Field label={t("admin.vkToken")} htmlFor="vk-token" error={fieldError(connect.error, "token")}>
        <Input id="vk-token" required autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder="vk1.a.…" />
      </Field>
    </ConnectCard>
  );
}
