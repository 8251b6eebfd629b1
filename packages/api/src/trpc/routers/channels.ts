import { z } from "zod";
import { connectTelegram, connectVk, deliveries, listChannels, setChannelDelivery, setChannelState } from "@threadline/domain/channels/service.ts";
import { decryptSecret } from "@threadline/domain/crypto.ts";
import type { Context } from "../context.ts";
import { projectProcedure, projectProcedureWithoutTx, router } from "../init.ts";

const manage = projectProcedure("channels.manage");
// Connecting and switching delivery ask the platform: no transaction is open while it answers (decision 059).
const connect = projectProcedureWithoutTx("channels.manage");
const connectContext = (ctx: Pick<Context, "secretKey" | "urls" | "endpoints">) => ({ secretKey: ctx.secretKey, workerUrl: ctx.urls.worker, endpoints: ctx.endpoints });
const delivery = z.enum(deliveries).optional();

export const channelsRouter = router({
  list: manage.query(({ ctx }) => listChannels(ctx.tx)),

  // Strict: the platform's address is the operator's setting; an input naming one is refused.
  connectTelegram: connect
    .input(z.strictObject({ projectId: z.string(), token: z.string().trim().refine((t) => /^\d+:[\w-]{20,}$/.test(t), { message: "Токен бота выглядит как 123456789:AA…", params: { code: "validation.telegramToken" } }), delivery }))
    .mutation(({ ctx, input }) => connectTelegram(ctx.inTenant, ctx.member, connectContext(ctx), input)),

  connectVk: connect
    .input(z.strictObject({ projectId: z.string(), token: z.string().trim().min(20, "Вставьте ключ доступа сообщества").max(500), groupId: z.number().int().positive("ID сообщества — положительное число"), delivery }))
    .mutation(({ ctx, input }) => connectVk(ctx.inTenant, ctx.member, connectContext(ctx), input)),

  setState: manage
    .input(z.object({ channelId: z.string().uuid(), state: z.enum(["active", "paused"]) }))
    .mutation(({ ctx, input }) => setChannelState(ctx.tx, ctx.member, input.channelId, input.state)),

  setDelivery: connect
    .input(z.object({ channelId: z.string().uuid(), delivery: z.enum(deliveries) }))
    .mutation(({ ctx, input }) => {
      const token = (tokenEnc: string) => decryptSecret(tokenEnc, ctx.secretKey);
      return setChannelDelivery(ctx.inTenant, ctx.member, { ...connectContext(ctx), token }, input.channelId, input.delivery);
    }),
});
