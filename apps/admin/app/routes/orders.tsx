import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, Button, Card, EmptyState, ErrorNote, PageHeader, errorMessage, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";
import { useOrdersLive } from "../orders-live.ts";
import { money } from "../money.ts";

const columns = ["new", "confirmed", "preparing", "ready", "done", "cancelled"] as const;
type Status = (typeof columns)[number];
/** The moves a card offers, as the server allows them (forward, or cancel before it is done). */
const moves: Record<Status, Status[]> = { new: ["confirmed", "cancelled"], confirmed: ["preparing", "ready", "cancelled"], preparing: ["ready", "cancelled"], ready: ["done", "cancelled"], done: [], cancelled: [] };

/** The orders board: a column per status, live; each card moves on with a button. */
export default function Orders() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const live = useOrdersLive(projectId);
  const board = useQuery(trpc.orders.board.queryOptions({ projectId }, { refetchInterval: live ? false : 10_000 }));
  const move = useMutation(trpc.orders.setStatus.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.orders.board.queryKey({ projectId }) }) }));

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
            const cards = board.data?.filter((o) => o.status === status) ?? [];
            return (
              <section key={status} aria-label={t(`shop.status.${status}`)} data-testid={`column-${status}`} className="min-w-0 rounded-lg bg-slate-100 p-2">
                <h2 className="mb-2 flex items-center justify-between px-1 text-sm font-semibold text-slate-700">
                  {t(`shop.status.${status}`)} <Badge>{cards.length}</Badge>
                </h2>
                <ul className="space-y-2">
                  {cards.map((o) => (
                    <li key={o.id} data-testid="order-card" className="rounded-md border border-slate-200 bg-white p-2 text-sm shadow-sm">
                      <div className="flex justify-between font-medium text-slate-900">
                        <span>{t("shop.order", { number: o.number })}</span>
                        <span>{money(o.totalMinor, o.currency)}</span>
                      </div>
                      <div className="text-xs text-slate-500">
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
                          <Button key={to} size="sm" variant={to === "cancelled" ? "ghost" : "outline"} disabled={move.isPending} onClick={() => move.mutate({ projectId, orderId: o.id, status: to })}>
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
