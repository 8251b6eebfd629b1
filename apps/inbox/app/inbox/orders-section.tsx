import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@threadline/api/trpc";
import { Button, Checkbox, Input, Select, errorMessage, formatMoney, useT, useTRPC } from "@threadline/ui";
import { awaitsPayment } from "./payments.tsx";
import { can, hidden, type Access } from "./types.ts";

type Line = { productId: string; optionIds: string[]; quantity: number };
type Order = inferRouterOutputs<AppRouter>["orders"]["forConversation"][number];

/**
 * The contact panel's orders: this conversation's orders with their status and whether they are
 * paid, «Выставить счёт» on an order, and a manager taking a new one.
 */
export function OrdersSection({ projectId, conversationId, access }: { projectId: string; conversationId: string; access: Access | undefined }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const orders = useQuery(trpc.orders.forConversation.queryOptions({ projectId, conversationId }));
  const [open, setOpen] = useState(false);
  const [taken, setTaken] = useState<number | null>(null);
  return (
    <div className="border-t border-slate-100 px-5 py-4" data-testid="orders-section">
      <div className="mb-2 flex items-center justify-between">
        <h3 className="text-xs font-medium text-slate-500">{t("shop.panelTitle")}</h3>
        {!open && (
          <Button size="sm" variant="outline" onClick={() => (setOpen(true), setTaken(null))}>
            {t("shop.newOrder")}
          </Button>
        )}
      </div>
      {taken !== null && <p role="status" className="mb-2 text-xs text-emerald-700">{t("shop.taken", { number: taken })}</p>}
      {open && (
        <NewOrder
          projectId={projectId}
          conversationId={conversationId}
          onClose={() => setOpen(false)}
          onTaken={(number) => {
            setOpen(false);
            setTaken(number);
            void queryClient.invalidateQueries({ queryKey: trpc.orders.forConversation.queryKey({ projectId, conversationId }) });
          }}
        />
      )}
      {orders.data?.length === 0 && !open ? <p className="text-sm text-slate-400">{t("shop.panelNone")}</p> : null}
      <ul className="space-y-2">
        {orders.data?.map((o) => (
          <li key={o.id} data-testid="panel-order" className="rounded border border-slate-200 p-2 text-sm">
            <div className="flex justify-between font-medium">
              <span>{t("shop.order", { number: o.number })}</span>
              <span>{formatMoney(o.totalMinor, o.currency)}</span>
            </div>
            <div className="flex items-center gap-2 text-xs text-slate-500">
              {t(`shop.status.${o.status}`)}
              {o.paymentStatus ? (
                <span data-testid="order-payment" data-status={o.paymentStatus} className={o.paymentStatus === "succeeded" ? "font-medium text-emerald-700" : o.paymentStatus === "refunded" ? "text-rose-600" : "text-amber-700"}>
                  · {t(`shop.payment.${o.paymentStatus}`)}
                </span>
              ) : null}
            </div>
            <div className="text-xs text-slate-700">{o.items.map((i) => `${i.name}${i.options.length ? ` (${i.options.map((x) => x.name).join(", ")})` : ""}${i.quantity > 1 ? ` ×${i.quantity}` : ""}`).join(", ")}</div>
            {access && can(access, "conversations.reply") && !hidden(access, "payments") ? <BillOrder projectId={projectId} conversationId={conversationId} order={o} /> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** «Выставить счёт» on an order: its total, no amount to type; refused for a cancelled or already billed order. */
function BillOrder({ projectId, conversationId, order }: { projectId: string; conversationId: string; order: Order }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const bill = useMutation(
    trpc.payments.billOrder.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.orders.forConversation.queryKey({ projectId, conversationId }) });
        void queryClient.invalidateQueries(trpc.payments.forConversation.queryFilter({ projectId, conversationId }));
        void queryClient.invalidateQueries(trpc.conversations.messages.infiniteQueryFilter({ projectId, conversationId }));
      },
    }),
  );
  if (!awaitsPayment(order)) return null;
  return (
    <div className="mt-2">
      <Button size="sm" variant="outline" disabled={bill.isPending} onClick={() => bill.mutate({ projectId, orderId: order.id })}>
        {bill.isPending ? t("inbox.payments.sending") : t("shop.billOrder", { amount: formatMoney(order.totalMinor, order.currency) })}
      </Button>
      {bill.error ? (
        <p role="alert" className="mt-1 text-xs text-red-600">
          {errorMessage(bill.error)}
        </p>
      ) : null}
    </div>
  );
}

function NewOrder({ projectId, conversationId, onClose, onTaken }: { projectId: string; conversationId: string; onClose: () => void; onTaken: (number: number) => void }) {
  const t = useT();
  const trpc = useTRPC();
  const catalog = useQuery(trpc.catalog.get.queryOptions({ projectId }));
  const [productId, setProductId] = useState("");
  const [optionIds, setOptionIds] = useState<string[]>([]);
  const [quantity, setQuantity] = useState(1);
  const [lines, setLines] = useState<Line[]>([]);
  const create = useMutation(trpc.orders.create.mutationOptions({ onSuccess: (r) => onTaken(r.number) }));
  const products = catalog.data?.products.filter((p) => p.available) ?? [];
  const product = products.find((p) => p.id === productId);
  const nameOf = (l: Line) => {
    const p = catalog.data?.products.find((x) => x.id === l.productId);
    const options = p?.options.filter((o) => l.optionIds.includes(o.id)).map((o) => o.name) ?? [];
    return `${p?.name ?? ""}${options.length ? ` (${options.join(", ")})` : ""}${l.quantity > 1 ? ` ×${l.quantity}` : ""}`;
  };
  return (
    <div className="mb-3 space-y-2 rounded border border-slate-200 p-2">
      <Select aria-label={t("shop.pickProduct")} value={productId} onChange={(e) => (setProductId(e.target.value), setOptionIds([]))}>
        <option value="">—</option>
        {products.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} · {formatMoney(p.priceMinor, catalog.data!.currency)}
          </option>
        ))}
      </Select>
      {product?.options.filter((o) => o.available).map((o) => (
        <label key={o.id} className="flex items-center gap-2 text-xs">
          <Checkbox
            checked={optionIds.includes(o.id)}
            onCheckedChange={(on) =>
              setOptionIds((ids) => (on ? [...ids.filter((id) => !o.group || product.options.find((x) => x.id === id)?.group !== o.group), o.id] : ids.filter((id) => id !== o.id)))
            }
          />
          {o.group ? `${o.group}: ` : ""}
          {o.name}
          {o.priceDeltaMinor ? ` +${formatMoney(o.priceDeltaMinor, catalog.data!.currency)}` : ""}
        </label>
      ))}
      <div className="flex gap-2">
        <Input aria-label={t("shop.quantity")} type="number" min={1} max={99} value={quantity} onChange={(e) => setQuantity(Math.max(1, Math.min(99, Number(e.target.value) || 1)))} className="w-20" />
        <Button size="sm" variant="outline" disabled={!product} onClick={() => (setLines((ls) => [...ls, { productId, optionIds, quantity }]), setProductId(""), setOptionIds([]), setQuantity(1))}>
          {t("shop.addLine")}
        </Button>
      </div>
      <ul className="text-xs">
        {lines.map((l, i) => (
          <li key={i} className="flex justify-between">
            <span>{nameOf(l)}</span>
            <button type="button" className="text-slate-400 hover:text-red-600" onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}>
              {t("shop.removeLine")}
            </button>
          </li>
        ))}
      </ul>
      {create.error ? <p role="alert" className="text-xs text-red-600">{errorMessage(create.error)}</p> : null}
      <div className="flex gap-2">
        <Button size="sm" disabled={!lines.length || create.isPending} onClick={() => create.mutate({ projectId, conversationId, lines, fulfilment: "pickup" })}>
          {t("shop.takeOrder")}
        </Button>
        <Button size="sm" variant="ghost" onClick={onClose}>
          {t("shop.cancelNew")}
        </Button>
      </div>
    </div>
  );
}
