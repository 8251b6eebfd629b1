import { z } from "zod";
import { paymentProviders, paymentStatuses } from "@threadline/db";
import { listPayments } from "@threadline/domain/payments/finance.ts";
import { listPaymentAccounts, removePaymentAccount, savePaymentAccount } from "@threadline/domain/payments/accounts.ts";
import { createBill, createOrderBill, listConversationPayments, markPaidManually, MAX_BILL_AMOUNT, MAX_DESCRIPTION } from "@threadline/domain/payments/service.ts";
import { projectProcedure, projectProcedureWithoutTx, router } from "../init.ts";

const conversationId = z.string().uuid();
/** Money in minor units (kopecks, cents). */
const amount = z.number().int().min(1, "Сумма должна быть больше нуля").max(MAX_BILL_AMOUNT, "Не больше 10 000 000");
const optionalSecret = z.string().trim().max(500).nullable().optional();

const settings = projectProcedure("project.settings");

/** The project's accounts at YooKassa and Stripe; keys are write-only. */
export const paymentAccountsRouter = router({
  list: settings.query(({ ctx }) => listPaymentAccounts(ctx.tx, ctx.member, { webhookBase: ctx.urls.worker })),

  // Strict: the provider's API address is the operator's setting (YOOKASSA_API_URL / STRIPE_API_URL).
  save: settings
    .input(
      z.strictObject({
        projectId: z.string(),
        accountId: z.string().uuid().optional(),
        provider: z.enum(paymentProviders),
        name: z.string().trim().min(1, "Укажите название").max(100, "Не длиннее 100 символов"),
        shopId: z.string().trim().max(50).optional(),
        secretKey: optionalSecret,
        webhookSecret: optionalSecret,
        currency: z.string().regex(/^[A-Za-z]{3}$/, "Код валюты из трёх букв, например RUB"),
        receipts: z.boolean().default(false),
        vatCode: z.number().int().min(1).max(12).default(1),
        returnUrl: z.string().trim().url("Нужен адрес вида https://…").max(500).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => savePaymentAccount(ctx.tx, ctx.member, input, { secretKey: ctx.secretKey, endpoints: ctx.endpoints, webhookBase: ctx.urls.worker })),

  remove: settings.input(z.object({ accountId: z.string().uuid() })).mutation(({ ctx, input }) => removePaymentAccount(ctx.tx, ctx.member, input.accountId)),
});

type BillContext = Parameters<Parameters<ReturnType<typeof projectProcedureWithoutTx>["mutation"]>[0]>[0]["ctx"];

const billDeps = (ctx: BillContext) => ({ secretKey: ctx.secretKey, endpoints: ctx.endpoints, returnUrl: ctx.urls.inbox });

/** A stored bill goes out: its message to the outbound queue, the thread and the panel told. */
async function sent(ctx: BillContext, bill: Awaited<ReturnType<typeof createBill>>) {
  const projectId = ctx.member.projectId;
  await ctx.jobs.enqueueOutbound({ projectId, messageId: bill.messageId });
  await ctx.publish({ type: "conversation.message", projectId, conversationId: bill.conversationId, messageId: bill.messageId, direction: "out", assigneeId: bill.assigneeId });
  await ctx.publish({ type: "payment.updated", projectId, paymentId: bill.paymentId, conversationId: bill.conversationId, assigneeId: bill.assigneeId });
  return { paymentId: bill.paymentId, messageId: bill.messageId, confirmationUrl: bill.confirmationUrl };
}

/** Bills in conversations, the manual «Оплачено» and a conversation's payments. */
export const paymentsRouter = router({
  /** «Выставить счёт»: the provider is asked with no transaction open; the link goes out as a reply. */
  bill: projectProcedureWithoutTx("inbox.use")
    .input(z.object({ conversationId, amount, description: z.string().max(MAX_DESCRIPTION * 4), accountId: z.string().uuid().optional() }))
    .mutation(async ({ ctx, input }) => sent(ctx, await createBill(ctx.inTenant, ctx.member, billDeps(ctx), input))),

  /** «Выставить счёт» on an order: its total, its lines as the receipt's items. */
  billOrder: projectProcedureWithoutTx("inbox.use")
    .input(z.object({ orderId: z.string().uuid(), accountId: z.string().uuid().optional() }))
    .mutation(async ({ ctx, input }) => sent(ctx, await createOrderBill(ctx.inTenant, ctx.member, billDeps(ctx), input))),

  /** The manual «Оплачено» with the amount (cash, transfer), or for an order of the conversation (its total). */
  markPaid: projectProcedure("inbox.use")
    .input(
      z
        .object({ conversationId, amount: amount.optional(), method: z.enum(["cash", "transfer"]), orderId: z.string().uuid().optional() })
        .refine((v) => v.amount !== undefined || v.orderId !== undefined, { message: "Введите сумму", path: ["amount"] }),
    )
    .mutation(async ({ ctx, input }) => {
      const { paymentId, events } = await markPaidManually(ctx.tx, ctx.member, input);
      ctx.afterCommit(async () => {
        for (const event of events) await ctx.publish(event);
      });
      return { paymentId };
    }),

  /** Finance: the period's payments with filters (status, provider, manager, source). */
  list: projectProcedure("payments.view")
    .input(
      z.object({
        from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Дата в виде ГГГГ-ММ-ДД"),
        to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Дата в виде ГГГГ-ММ-ДД"),
        status: z.enum(paymentStatuses).optional(),
        provider: z.enum(["yookassa", "stripe", "manual"]).optional(),
        managerId: z.string().uuid().optional(),
        source: z.string().max(200).optional(),
      }),
    )
    .query(({ ctx, input }) => listPayments(ctx.tx, ctx.member, input)),

  /** A conversation's payments and what they earned; null for a role that does not see payments. */
  forConversation: projectProcedure("inbox.use")
    .input(z.object({ conversationId }))
    .query(({ ctx, input }) => listConversationPayments(ctx.tx, ctx.member, input.conversationId)),
});
