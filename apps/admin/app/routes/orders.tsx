import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, Button, Card, EmptyState, ErrorNote, PageHeader, errorMessage, useT, useTRPC, formatMoney } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";
import { useOrdersLive } from "../orders-live.ts";

const columns = ["new", "confirmed", "preparing", "ready", "done", "cancelled"] as const;
type Status = (typeof columns)[number];
/** The moves a card offers, as the server allows them (forward, or cancel before it is done). */
const moves: Record<Status, Status[]> = { new: ["confirmed", "cancelled"], confirmed: ["preparing", "ready", "cancelled"], preparing: ["ready", "cancelled"], ready: ["done", "cancelled"], done: [], cancelled: [] };

/**
 * The orders board: a column per status, live; a card moves on by dragging it to another column
 * (native drag and drop) or with its buttons, both through the same status change. A card dropped
 * where the server refuses it goes back to its column and the error is shown.
 */
export default function Orders() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const live = useOrdersLive(projectId);
  const board = useQuery(trpc.orders.board.queryOptions({ projectId }, { refetchInterval: live ? false : 10_000 }));
  // A dropped card shows in its new column while the server decides; cleared when it has.
  const [moving, setMoving] = useState<{ orderId: string; status: Status } | null>(null);
  const [dragged, setDragged] = useState<string | null>(null);
  const [over, setOver] = useState<Status | null>(null);
  const move = useMutation(
    trpc.orders.setStatus.mutationOptions({
      onSettled: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.orders.board.queryKey({ projectId }) });
        setMoving(null);
      },
    }),
  );
  const statusOf = (o: { id: string; status: Status }) => (moving?.orderId === o.id ? moving.status : o.status);
  const drop = (orderId: string, to: Status) => {
    const order = board.data?.find((o) => o.id === orderId);
    if (!order || order.status === to || move.isPending) return;
    setMoving({ orderId, status: to });
    move.mutate({ projectId, orderId, status: to });
  };

  return (
    <>
      <PageHeader title={t("shop.boardTitle")} description={t("shop.boardHint")} />
      <p className="mb-3 text-xs text-slate-500" data-testid="board-live">{live ? t("shop.live") : t("shop.offline")}</p>
      <ErrorNote>{errorMessage(move.error)}</ErrorNote>
      {board.data?.length === 0 ? (
        <Card>
          <EmptyState title={t("shop.empty")} hint={t("shop.emptyHint")} />
        </Card>
      ) : (
        <div className="grid grid-cols-6 gap-3" data-testid="orders-board">
          {columns.map((status) => {
            const cards = board.data?.filter((o) => statusOf(o) === status) ?? [];
            return (
              <section
                key={status}
                aria-label={t(`shop.status.${status}`)}
                data-testid={`column-${status}`}
                className={`min-w-0 rounded-lg p-2 ${over === status ? "bg-sky-100 ring-2 ring-sky-400" : "bg-slate-100"}`}
                onDragOver={(e) => {
                  if (!dragged) return;
                  e.preventDefault();
                  e.dataTransfer.dropEffect = "move";
                  setOver(status);
                }}
                onDragLeave={() => setOver((s) => (s === status ? null : s))}
                onDrop={(e) => {
                  e.preventDefault();
                  setOver(null);
                  const id = e.dataTransfer.getData("text/plain") || dragged;
                  setDragged(null);
                  if (id) drop(id, status);
                }}
              >
                <h2 className="mb-2 flex items-center justify-between px-1 text-sm font-semibold text-slate-700">
                  {t(`shop.status.${status}`)} <Badge>{cards.length}</Badge>
                </h2>
                <ul className="space-y-2">
                  {cards.map((o) => (
                    <li
                      key={o.id}
                      data-testid="order-card"
                      draggable={moves[o.status].length > 0}
                      title={moves[o.status].length > 0 ? t("shop.dragHint") : undefined}
                      onDragStart={(e) => {
                        e.dataTransfer.setData("text/plain", o.id);
                        e.dataTransfer.effectAllowed = "move";
                        setDragged(o.id);
                      }}
                      onDragEnd={() => {
                        setDragged(null);
                        setOver(null);
                      }}
                      className={`rounded-md border border-slate-200 bg-white p-2 text-sm shadow-sm ${moves[o.status].length > 0 ? "cursor-grab" : ""} ${dragged === o.id ? "opacity-50" : ""}`}
                    >
                      <div className="flex justify-between font-medium text-slate-900">
                        <span>{t("shop.order", { number: o.number })}</span>
                        <span>{formatMoney(o.totalMinor, o.currency)}</span>
                      </div>
                      {o.paymentStatus ? (
                        <div data-testid="order-payment" data-status={o.paymentStatus} className={o.paymentStatus === "succeeded" ? "text-xs font-medium text-emerald-700" : o.paymentStatus === "refunded" ? "text-xs text-rose-600" : "text-xs text-amber-700"}>
                          {t(`shop.payment.${o.paymentStatus}`)}
                        </div>
                      ) : null}
                      <div className="text-xs text-slate-500">
                        <span data-testid="order-source">{t(`shop.source.${o.source}`)}</span>
                        {" · "}
                        {o.customerName || o.contactName}
                        {o.phone ? ` · ${o.phone}` : ""}
                      </div>
                      <ul className="my-1 text-xs text-slate-700">
                        {o.items.map((i) => (
                          <li key={i.id}>
                            {i.name}
                            {i.options.length ? ` (${i.options.map((x) => x.name).join(", ")})` : ""}
                            {i.quantity > 1 ? ` ×${i.quantity}` : ""}
                          </li>
                        ))}
                      </ul>
                      <div className="text-xs text-slate-500">{o.fulfilment === "delivery" ? t("shop.delivery", { address: o.address ?? "" }) : t("shop.pickup", { time: o.pickupTime ?? "—" })}</div>
                      <div className="mt-2 flex flex-wrap gap-1">
                        {moves[o.status].map((to) => (
                          <Button key={to} size="sm" variant={to === "cancelled" ? "ghost" : "outline"} disabled={move.isPending} onClick={() => drop(o.id, to)}>
                            {t(`shop.move.${to}`)}
                          </Button>
                        ))}
                      </div>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </div>
      )}
    </>
  );
}
