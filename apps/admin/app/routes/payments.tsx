import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, Checkbox, EmptyState, ErrorNote, Field, Input, PageHeader, Select, Table, Td, Th, errorMessage, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";

type Provider = "yookassa" | "stripe";

/**
 * Payment accounts: YooKassa or Stripe connected with the shop's keys (write-only: they never come
 * back), and the notification URL to enter in the provider's dashboard.
 */
export default function Payments() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const accounts = useQuery(trpc.paymentAccounts.list.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries(trpc.paymentAccounts.list.queryFilter({ projectId }));
  const remove = useMutation(trpc.paymentAccounts.remove.mutationOptions({ onSettled: refresh }));

  return (
    <>
      <PageHeader title={t("paymentsAdmin.title")} description={t("paymentsAdmin.hint")} />
      <ConnectForm projectId={projectId} onSaved={refresh} />
      <Card className="mt-6">
        {accounts.data && accounts.data.length === 0 ? (
          <EmptyState title={t("paymentsAdmin.none")} hint={t("paymentsAdmin.noneHint")} />
        ) : (
          <Table aria-label={t("paymentsAdmin.accounts")}>
            <thead>
              <tr>
                <Th>{t("paymentsAdmin.name")}</Th>
                <Th>{t("paymentsAdmin.provider")}</Th>
                <Th>{t("paymentsAdmin.currency")}</Th>
                <Th>{t("paymentsAdmin.webhookUrl")}</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {accounts.data?.map((a) => (
                <tr key={a.id}>
                  <Td className="font-medium">{a.name}</Td>
                  <Td>
                    {t(`paymentsAdmin.providers.${a.provider}`)}
                    {a.shopId ? <span className="block text-xs text-slate-400">shopId {a.shopId}</span> : null}
                    {a.receipts ? <span className="block text-xs text-slate-400">{t("paymentsAdmin.receiptsOn", { vat: a.vatCode })}</span> : null}
                  </Td>
                  <Td>{a.currency}</Td>
                  <Td>
                    <div className="flex items-center gap-2">
                      <code className="break-all text-xs">{a.webhookUrl}</code>
                      <Button type="button" size="sm" variant="outline" onClick={() => void navigator.clipboard?.writeText(a.webhookUrl)}>
                        {t("paymentsAdmin.copy")}
                      </Button>
                    </div>
                  </Td>
                  <Td className="text-right">
                    <Button
                      type="button"
                      size="sm"
                      variant="outline"
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(t("paymentsAdmin.removeConfirm", { name: a.name }))) remove.mutate({ projectId, accountId: a.id });
                      }}
                    >
                      {t("paymentsAdmin.remove")}
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <ErrorNote>{errorMessage(accounts.error ?? remove.error)}</ErrorNote>
      </Card>
    </>
  );
}

function ConnectForm({ projectId, onSaved }: { projectId: string; onSaved: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [provider, setProvider] = useState<Provider>("yookassa");
  const [name, setName] = useState("");
  const [shopId, setShopId] = useState("");
  const [secretKey, setSecretKey] = useState("");
  const [webhookSecret, setWebhookSecret] = useState("");
  const [currency, setCurrency] = useState("RUB");
  const [receipts, setReceipts] = useState(false);
  const [vatCode, setVatCode] = useState(1);
  const save = useMutation(
    trpc.paymentAccounts.save.mutationOptions({
      onSuccess: () => {
        setSecretKey("");
        setWebhookSecret("");
        onSaved();
      },
    }),
  );
  return (
    <Card className="max-w-xl p-6">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({
            projectId,
            provider,
            name: name || t(`paymentsAdmin.providers.${provider}`),
            shopId: provider === "yookassa" ? shopId : undefined,
            secretKey,
            webhookSecret: provider === "stripe" ? webhookSecret : undefined,
            currency,
            receipts: provider === "yookassa" && receipts,
            vatCode,
          });
        }}
      >
        <Field label={t("paymentsAdmin.provider")} htmlFor="pay-provider">
          <Select
            id="pay-provider"
            value={provider}
            onChange={(e) => {
              const next = e.target.value as Provider;
              setProvider(next);
              setCurrency(next === "yookassa" ? "RUB" : "EUR");
            }}
          >
            <option value="yookassa">{t("paymentsAdmin.providers.yookassa")}</option>
            <option value="stripe">{t("paymentsAdmin.providers.stripe")}</option>
          </Select>
        </Field>
        <Field label={t("paymentsAdmin.name")} htmlFor="pay-name">
          <Input id="pay-name" value={name} placeholder={t(`paymentsAdmin.providers.${provider}`)} onChange={(e) => setName(e.target.value)} />
        </Field>
        {provider === "yookassa" ? (
          <Field label="shopId" htmlFor="pay-shop">
            <Input id="pay-shop" required value={shopId} onChange={(e) => setShopId(e.target.value)} />
          </Field>
        ) : null}
        <Field label={t("paymentsAdmin.secretKey")} htmlFor="pay-secret">
          <Input id="pay-secret" type="password" autoComplete="off" required value={secretKey} placeholder={provider === "yookassa" ? "live_…" : "sk_live_…"} onChange={(e) => setSecretKey(e.target.value)} />
        </Field>
        {provider === "stripe" ? (
          <Field label={t("paymentsAdmin.webhookSecret")} htmlFor="pay-whsec">
            <Input id="pay-whsec" type="password" autoComplete="off" required value={webhookSecret} placeholder="whsec_…" onChange={(e) => setWebhookSecret(e.target.value)} />
          </Field>
        ) : null}
        <Field label={t("paymentsAdmin.currency")} htmlFor="pay-currency">
          <Input id="pay-currency" required maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
        </Field>
        {provider === "yookassa" ? (
          <div className="space-y-2">
            <label className="flex items-center gap-2 text-sm text-slate-800">
              <Checkbox checked={receipts} onCheckedChange={(v) => setReceipts(v === true)} />
              {t("paymentsAdmin.receipts")}
            </label>
            {receipts ? (
              <Field label={t("paymentsAdmin.vatCode")} htmlFor="pay-vat">
                <Select id="pay-vat" value={vatCode} onChange={(e) => setVatCode(Number(e.target.value))}>
                  {[1, 2, 3, 4, 5, 6].map((code) => (
                    <option key={code} value={code}>
                      {t(`paymentsAdmin.vat.${code}`)}
                    </option>
                  ))}
                </Select>
              </Field>
            ) : null}
          </div>
        ) : null}
        <ErrorNote>{errorMessage(save.error)}</ErrorNote>
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {t("paymentsAdmin.connect")}
          </Button>
          {save.isSuccess ? <span className="text-sm text-emerald-700">{t("paymentsAdmin.connected")}</span> : null}
        </div>
      </form>
    </Card>
  );
}
