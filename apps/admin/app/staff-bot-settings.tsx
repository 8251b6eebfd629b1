import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, ErrorNote, Field, Input, errorMessage, fieldError, useT, useTRPC } from "@threadline/ui";

/** The project's staff-notification bot and the response target for reminders (admin settings). */
export function StaffBotSettings({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const data = useQuery(trpc.staffBot.get.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.staffBot.get.queryKey({ projectId }) });
  const connect = useMutation(trpc.staffBot.connect.mutationOptions({ onSuccess: () => setToken(""), onSettled: refresh }));
  const remove = useMutation(trpc.staffBot.remove.mutationOptions({ onSettled: refresh }));
  const target = useMutation(trpc.staffBot.setResponseTarget.mutationOptions({ onSettled: refresh }));
  const [token, setToken] = useState("");
  const [minutes, setMinutes] = useState<string | null>(null);
  const shownMinutes = minutes ?? (data.data?.responseTargetMinutes ? String(data.data.responseTargetMinutes) : "");
  return (
    <Card className="mt-6 max-w-lg space-y-4 p-6" data-testid="staff-bot">
      <div>
        <h2 className="text-sm font-semibold text-slate-800">{t("alerts.botTitle")}</h2>
        <p className="mt-1 text-sm text-slate-500">{t("alerts.botHint")}</p>
      </div>
      {data.data?.bot ? (
        <div className="flex items-center justify-between gap-3 text-sm">
          <span className="font-medium">{t("alerts.botConnected", { username: data.data.bot.username })}</span>
          <Button size="sm" variant="outline" onClick={() => remove.mutate({ projectId })}>
            {t("alerts.botRemove")}
          </Button>
        </div>
      ) : (
        <form
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            connect.mutate({ projectId, token });
          }}
        >
          <Field label={t("alerts.botToken")} htmlFor="staff-bot-token" error={fieldError(connect.error, "token")}>
            <Input id="staff-bot-token" required value={token} autoComplete="off" onChange={(e) => setToken(e.target.value)} />
          </Field>
          <ErrorNote>{errorMessage(connect.error)}</ErrorNote>
          <Button type="submit" variant="primary" disabled={connect.isPending}>
            {t("alerts.botConnect")}
          </Button>
        </form>
      )}
      <form
        className="space-y-3 border-t border-slate-100 pt-4"
        onSubmit={(e) => {
          e.preventDefault();
          target.mutate({ projectId, minutes: shownMinutes ? Number(shownMinutes) : null }, { onSuccess: () => setMinutes(null) });
        }}
      >
        <Field label={t("alerts.responseTarget")} htmlFor="response-target" error={fieldError(target.error, "minutes")}>
          <Input id="response-target" type="number" min={1} max={1440} className="w-32" value={shownMinutes} onChange={(e) => setMinutes(e.target.value)} />
        </Field>
        <p className="text-xs text-slate-500">{t("alerts.responseTargetHint")}</p>
        <div className="flex items-center gap-3">
          <Button type="submit" variant="outline" disabled={target.isPending}>
            {t("common.save")}
          </Button>
          {target.isSuccess ? <span className="text-sm text-emerald-700">{t("alerts.saved")}</span> : null}
        </div>
      </form>
    </Card>
  );
}
