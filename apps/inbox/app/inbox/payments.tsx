import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useId, useState } from "react";
import type { AppRouter } from "@threadline/api/trpc";
import { Button, cn, errorMessage, formatMoney, Input, Select, useT, useTRPC } from "@threadline/ui";
import { moment } from "./format.ts";
import { can, hidden, type Access } from "./types.ts";

type PaymentsView = NonNullable<inferRouterOutputs<AppRouter>["payments"]["forConversation"]>;
export type Payment = PaymentsView["payments"][number];

/** «1500», «1 500,50» → 150050 (kopecks); null when it is not an amount. */
export function parseAmount(text: string): number | null {
  const s = text.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  if (!/^\d{1,8}(\.\d{1,2})?$/.test(s)) return null;
  const minor = Math.round(Number(s) * 100);
  return minor > 0 ? minor : null;
}

const statusStyle: Record<Payment["status"], string> = {
  pending: "bg-amber-50 text-amber-800 ring-amber-200",
  succeeded: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  canceled: "bg-slate-100 text-slate-600 ring-slate-200",
  refunded: "bg-rose-50 text-rose-700 ring-rose-200",
};

export function PaymentStatus({ status }: { status: Payment["status"] }) {
  const t = useT();
  return (
    <span data-testid="payment-status" data-status={status} className={cn("inline-flex rounded-full px-2 py-0.5 text-[11px] font-medium ring-1", statusStyle[status])}>
      {t(`inbox.payments.status.${status}`)}
    </span>
  );
}

/** A conversation's payments (null for a role that does not see payments, or while loading). */
export function useConversationPayments(projectId: string, conversationId: string, access: Access | undefined) {
  const trpc = useTRPC();
  const visible = !!access && !hidden(access, "payments");
  const query = useQuery({ ...trpc.payments.forConversation.queryOptions({ projectId, conversationId }), enabled: visible });
  return visible ? (query.data ?? null) : null;
}

/** A bill's status under the message that carried its link. */
export function PaymentChip({ payment }: { payment: Payment }) {
  return (
    <div data-testid="payment-chip" className="mt-1 flex items-center gap-2 text-xs text-slate-500">
      <PaymentStatus status={payment.status} />
      <span>{formatMoney(payment.amount, payment.currency)}</span>
    </div>
  );
}

/** The contact panel's payments: the list with statuses, the revenue, «Выставить счёт» and a manual payment. */
export function PaymentsSection({ projectId, conversationId, access }: { projectId: string; conversationId: string; access: Access | undefined }) {
  const t = useT();
  const view = useConversationPayments(projectId, conversationId, access);
  const [open, setOpen] = useState<"bill" | "manual" | null>(null);
  if (!access || hidden(access, "payments")) return null;
  const canBill = can(access, "conversations.reply");
  const canMark = can(access, "conversations.assign");
  return (
    <section data-testid="payments-section" className="space-y-3 border-b border-slate-100 px-5 py-4">
      <div className="flex items-center justify-between gap-2">
        <h3 className="text-xs font-medium text-slate-500">{t("inbox.payments.title")}</h3>
        {view && view.revenue > 0 ? (
          <span data-testid="payments-revenue" className="text-sm font-semibold text-emerald-700">
            {formatMoney(view.revenue, view.currency)}
          </span>
        ) : null}
      </div>
      {view?.payments.length ? (
        <ul className="space-y-2">
          {view.payments.map((p) => (
            <li key={p.id} data-testid="payment-row" className="text-xs text-slate-600">
              <div className="flex items-center justify-between gap-2">
                <span className="font-medium text-slate-900">{formatMoney(p.amount, p.currency)}</span>
                <PaymentStatus status={p.status} />
              </div>
              <div className="text-slate-400">
                {[p.description, p.provider === "manual" ? t(`inbox.payments.method.${p.method}`) : null, moment(p.paidAt ?? p.createdAt)].filter(Boolean).join(" · ")}
              </div>
              {p.refundedAmount > 0 ? <div className="text-rose-600">{t("inbox.payments.refunded", { amount: formatMoney(p.refundedAmount, p.currency) })}</div> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-xs text-slate-400">{t("inbox.payments.none")}</p>
      )}
      {open === "bill" ? (
        <BillForm projectId={projectId} conversationId={conversationId} onDone={() => setOpen(null)} />
      ) : open === "manual" ? (
        <ManualForm projectId={projectId} conversationId={conversationId} onDone={() => setOpen(null)} />
      ) : (
        <div className="flex gap-2">
          {canBill ? (
            <Button size="sm" className="flex-1" onClick={() => setOpen("bill")}>
              {t("inbox.payments.bill")}
            </Button>
          ) : null}
          {canMark ? (
            <Button size="sm" variant="outline" className="flex-1" onClick={() => setOpen("manual")}>
              {t("inbox.payments.manual")}
            </Button>
          ) : null}
        </div>
      )}
    </section>
  );
}

function useRefresh(projectId: string, conversationId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries(trpc.payments.forConversation.queryFilter({ projectId, conversationId }));
    void queryClient.invalidateQueries(trpc.conversations.get.queryFilter({ projectId, conversationId }));
    void queryClient.invalidateQueries(trpc.conversations.messages.infiniteQueryFilter({ projectId, conversationId }));
    void queryClient.invalidateQueries(trpc.leads.events.queryFilter({ projectId, conversationId }));
    void queryClient.invalidateQueries(trpc.conversations.list.infiniteQueryFilter({ projectId }));
  };
}

function AmountField({ id, value, onChange, invalid }: { id: string; value: string; onChange: (v: string) => void; invalid: boolean }) {
  const t = useT();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs text-slate-500">
        {t("inbox.payments.amount")}
      </label>
      <Input id={id} inputMode="decimal" className="h-8 text-sm" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={invalid || undefined} placeholder="1500" />
      {invalid ? <p className="text-xs text-red-600">{t("inbox.payments.amountInvalid")}</p> : null}
    </div>
  );
}

function BillForm({ projectId, conversationId, onDone }: { projectId: string; conversationId: string; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const refresh = useRefresh(projectId, conversationId);
  const amountId = useId();
  const descriptionId = useId();
  const [amount, setAmount] = useState("");
  const [description, setDescription] = useState("");
  const [touched, setTouched] = useState(false);
  const bill = useMutation(trpc.payments.bill.mutationOptions({ onSuccess: onDone, onSettled: refresh }));
  const minor = parseAmount(amount);
  return (
    <form
      data-testid="bill-form"
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (minor && description.trim()) bill.mutate({ projectId, conversationId, amount: minor, description });
      }}
    >
      <AmountField id={amountId} value={amount} onChange={setAmount} invalid={touched && !minor} />
      <div className="space-y-1">
        <label htmlFor={descriptionId} className="block text-xs text-slate-500">
          {t("inbox.payments.description")}
        </label>
        <Input id={descriptionId} className="h-8 text-sm" maxLength={128} value={description} onChange={(e) => setDescription(e.target.value)} placeholder={t("inbox.payments.descriptionPlaceholder")} />
        {touched && !description.trim() ? <p className="text-xs text-red-600">{t("inbox.payments.descriptionRequired")}</p> : null}
      </div>
      {bill.error ? (
        <p role="alert" className="text-xs text-red-600">
          {errorMessage(bill.error)}
        </p>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" size="sm" className="flex-1" disabled={bill.isPending}>
          {bill.isPending ? t("inbox.payments.sending") : t("inbox.payments.send")}
        </Button>
        <Button type="button" size="sm" variant="outline" onClick={onDone}>
          {t("common.cancel")}
        </Button>
      </div>
    </form>
  );
}

type Order = inferRouterOutputs<AppRouter>["orders"]["forConversation"][number];

/** An order still to be paid (a bill or a manual payment): not cancelled, with no bill open or paid. */
export const awaitsPayment = (o: Pick<Order, "status" | "paymentStatus">) => o.status !== "cancelled" && o.paymentStatus !== "pending" && o.paymentStatus !== "succeeded";

/**
 * «Отметить оплату»: cash or a transfer, for an order of the conversation (its total; the one
 * unpaid order is chosen at once) or for an amount typed.
 */
export function ManualForm({ projectId, conversationId, onDone }: { projectId: string; conversationId: string; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = useRefresh(projectId, conversationId);
  const amountId = useId();
  const methodId = useId();
  const orderId = useId();
  const orders = useQuery(trpc.orders.forConversation.queryOptions({ projectId, conversationId }));
  const open = (orders.data ?? []).filter(awaitsPayment);
  const [amount, setAmount] = useState("");
  const [method, setMethod] = useState<"cash" | "transfer">("transfer");
  // Undefined until the manager picks: then the one unpaid order, if there is exactly one.
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const [touched, setTouched] = useState(false);
  const mark = useMutation(
    trpc.payments.markPaid.mutationOptions({
      onSuccess: onDone,
      onSettled: () => {
        refresh();
        void queryClient.invalidateQueries({ queryKey: trpc.orders.forConversation.queryKey({ projectId, conversationId }) });
      },
    }),
  );
  const order = open.find((o) => o.id === (picked ?? (open.length === 1 ? open[0]!.id : "")));
  const minor = order ? order.totalMinor : parseAmount(amount);
  return (
    <form
      data-testid="manual-payment-form"
      className="space-y-2"
      onSubmit={(e) => {
        e.preventDefault();
        setTouched(true);
        if (order) mark.mutate({ projectId, conversationId, method, orderId: order.id });
        else if (minor) mark.mutate({ projectId, conversationId, amount: minor, method });
      }}
    >
      {open.length ? (
        <div className="space-y-1">
          <label htmlFor={orderId} className="block text-xs text-slate-500">
            {t("inbox.payments.orderLabel")}
          </label>
          <Select id={orderId} className="h-8 text-sm" value={order?.id ?? ""} onChange={(e) => setPicked(e.target.value)}>
            <option value="">{t("inbox.payments.noOrder")}</option>
            {open.map((o) => (
              <option key={o.id} value={o.id}>
                {t("shop.order", { number: o.number })} · {formatMoney(o.totalMinor, o.currency)}
              </option>
            ))}
          </Select>
        </div>
      ) : null}
      {order ? (
        <p data-testid="manual-payment-order-total" className="text-xs text-slate-600">
          {t("inbox.payments.orderTotal", { amount: formatMoney(order.totalMinor, order.currency) })}
        </p>
      ) : (
        <AmountField id={amountId} value={amount} onChange={setAmount} invalid={touched && !minor} />
      )}
      <div className="space-y-1">
        <label htmlFor={methodId} className="block text-xs text-slate-500">
          {t("inbox.payments.methodLabel")}
        </label>
        <Select id={methodId} className="h-8 text-sm" value={method} onChange={(e) => setMethod(e.target.value as "cash" | "transfer")}>
          <option value="transfer">{t("inbox.payments.method.transfer")}</option>
          <option value="cash">{t("inbox.payments.method.cash")}</option>
        </Select>
      </div>
      {mark.error ? (
        <p role="alert" className="text-xs text-red-600">
          {errorMessage(mark.error)}
        </p>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" size="sm" className="flex-1" disabled={mark.isPending}>
          {t("inbox.payments.savePaid")}
        </Button>
        <Button type="button" size="sm" variant="outline" onClick={onDone}>
          {t("common.cancel")}
        </Button>
      </div>
    </form>
  );
}
