import { z } from "zod";
import { copilotSuggestion, copilotSummary } from "@threadline/domain/leads/copilot.ts";
import { projectProcedureWithoutTx, router } from "../init.ts";

// Without the request's transaction: the copilot waits seconds on the model, and opens short
// tenant transactions of its own around that wait (decision 059).
const inbox = projectProcedureWithoutTx("inbox.use");
const conversation = z.object({ conversationId: z.string().uuid() });

/** The manager's copilot: a suggested reply and the conversation's summary, each counted per member before any work. */
export const copilotRouter = router({
  // The request's signal: a manager who closed the panel or the tab stops the model call too.
  suggest: inbox.input(conversation).query(async ({ ctx, input, signal }) => {
    await ctx.aiLimiter.take("copilot", ctx.member);
    return copilotSuggestion(ctx.inTenant, ctx.member, { secretKey: ctx.secretKey, endpoints: ctx.endpoints, logger: ctx.logger, health: ctx.agentHealth }, input.conversationId, signal);
  }),
  summary: inbox.input(conversation).query(async ({ ctx, input, signal }) => {
    await ctx.aiLimiter.take("copilot", ctx.member);
    return copilotSummary(ctx.inTenant, ctx.member, { secretKey: ctx.secretKey, endpoints: ctx.endpoints, logger: ctx.logger }, input.conversationId, signal);
  }),
});
