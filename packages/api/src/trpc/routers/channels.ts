import { eq } from "drizzle-orm";
import { z } from "zod";
import { channels, withTenant } from "@threadline/db";
import { connectTelegram, connectVk, deliveries, listChannels, setChannelDelivery, setChannelState } from "@threadline/domain/channels/service.ts";
import { decryptSecret } from "@threadline/domain/crypto.ts";
import { isChannelError, storedFailure } from "@threadline/channels";
import { badRequest } from "@threadline/domain/errors.ts";
import type { Context } from "../context.ts";
import { projectProcedure, router } from "../init.ts";

const manage = projectProcedure("channels.manage");
const connectContext = (ctx: Pick<Context, "secretKey" | "urls" | "endpoints">) => ({ secretKey: ctx.secretKey, workerUrl: ctx.urls.worker, endpoints: ctx.endpoints });
const delivery = z.enum(deliveries).optional();

function callbackRejected(e: unknown) {
  const reason = isChannelError(e) ? e.reasonRu : (e as Error).message;
  const params = isChannelError(e) ? { reason: storedFailure(e.reason) } : { reason };
  return badRequest("channels.vkCallbackRejected", `VK не принял адрес для событий: ${reason}`, params);
}

export const channelsRouter = router({
  list: manage.query(({ ctx }) => listChannels(ctx.tx)),

  // Strict: the platform's address is the operator's setting; an input naming one is refused.
  connectTelegram: manage
    .input(z.strictObject({ projectId: z.string(), token: z.string().trim().refine((t) => /^\d+:[\w-]{20,}$/.test(t), { message: "Токен бота выглядит как 123456789:AA…", params: { code: "validation.telegramToken" } }), delivery }))
    .mutation(({ ctx, input }) => connectTelegram(ctx.tx, ctx.member, connectContext(ctx), input)),

  connectVk: manage
    .input(z.strictObject({ projectId: z.string(), token: z.string().trim().min(20, "Вставьте ключ доступа сообщества").max(500), groupId: z.number().int().positive("ID сообщества — положительное число"), delivery }))
    .mutation(async ({ ctx, input }) => {
      const connected = await connectVk(ctx.tx, ctx.member, connectContext(ctx), input);
      ctx.afterCommit(async () => {
        try {
          await connected.register();
        } catch (e) {
          // Without a registered Callback API server the channel would stay silent: undo it.
          await withTenant(ctx.db, ctx.member.projectId, (tx) => tx.delete(channels).where(eq(channels.id, connected.id)));
          throw callbackRejected(e);
        }
      });
      return { id: connected.id, name: connected.name };
    }),

  setState: manage
    .input(z.object({ channelId: z.string().uuid(), state: z.enum(["active", "paused"]) }))
    .mutation(({ ctx, input }) => setChannelState(ctx.tx, ctx.member, input.channelId, input.state)),

  setDelivery: manage
    .input(z.object({ channelId: z.string().uuid(), delivery: z.enum(deliveries) }))
    .mutation(async ({ ctx, input }) => {
      const token = (tokenEnc: string) => decryptSecret(tokenEnc, ctx.secretKey);
      const result = await setChannelDelivery(ctx.tx, ctx.member, { ...connectContext(ctx), token }, input.channelId, input.delivery);
      ctx.afterCommit(async () => {
        try {
          await result.register();
        } catch (e) {
          // The switch is saved; the community stays silent until VK accepts the address.
          throw callbackRejected(e);
        }
      });
      return { changed: result.changed };
    }),
});
