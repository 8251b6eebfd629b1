import { z } from "zod";
import { orderStatuses } from "@threadline/db";
import { changeOrderStatus, createOrderAsMember, getOrderTemplates, listBoard, listConversationOrders, orderHistory, setOrderTemplates, type OrderEffects } from "@threadline/domain/orders/index.ts";
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from "@threadline/domain/orders/pricing.ts";
import type { Context } from "../context.ts";
import { projectProcedure, router } from "../init.ts";

const id = z.string().uuid();
const line = z.object({ productId: id, optionIds: z.array(id).max(20), quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY) });

/** The client's status message goes to the outbound queue, the screens hear of it, once committed. */
function afterOrder(ctx: Context & { afterCommit: (fn: () => Promise<unknown>) => void; member: { projectId: string } }, effects: OrderEffects) {
  ctx.afterCommit(async () => {
    for (const messageId of effects.outboundMessageIds) await ctx.jobs.enqueueOutbound({ projectId: ctx.member.projectId, messageId });
    for (const event of effects.events) await ctx.publish(event);
  });
}

/** Orders: the admin's board, the inbox's contact panel, a manager taking an order in a chat. */
export const ordersRouter = router({
  board: projectProcedure("orders.manage").query(({ ctx }) => listBoard(ctx.tx, ctx.member)),

  forConversation: projectProcedure("inbox.use")
    .input(z.object({ conversationId: id }))
    .query(({ ctx, input }) => listConversationOrders(ctx.tx, ctx.member, input.conversationId)),

  history: projectProcedure()
    .input(z.object({ orderId: id }))
    .query(({ ctx, input }) => orderHistory(ctx.tx, ctx.member, input.orderId)),

  create: projectProcedure("inbox.use")
    .input(
      z.object({
        conversationId: id,
        lines: z.array(line).min(1).max(MAX_ORDER_LINES),
        customerName: z.string().max(200).optional(),
        phone: z.string().max(40).optional(),
        fulfilment: z.enum(["pickup", "delivery"]).default("pickup"),
        pickupTime: z.string().max(200).optional(),
        address: z.string().max(300).optional(),
        comment: z.string().max(300).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { projectId: _p, ...order } = input;
      const created = await createOrderAsMember(ctx.tx, ctx.member, order);
      afterOrder(ctx, created);
      return { orderId: created.orderId, number: created.number, totalMinor: created.totalMinor, currency: created.currency };
    }),

  setStatus: projectProcedure()
    .input(z.object({ orderId: id, status: z.enum(orderStatuses) }))
    .mutation(async ({ ctx, input }) => {
      const changed = await changeOrderStatus(ctx.tx, ctx.member, input.orderId, input.status);
      afterOrder(ctx, changed);
      return { status: changed.status };
    }),

  templates: projectProcedure("orders.manage").query(({ ctx }) => getOrderTemplates(ctx.tx, ctx.member)),

  setTemplates: projectProcedure("catalog.manage")
    .input(z.object({ templates: z.partialRecord(z.enum(orderStatuses), z.string().max(2000)) }))
    .mutation(({ ctx, input }) => setOrderTemplates(ctx.tx, ctx.member, input.templates)),
});
