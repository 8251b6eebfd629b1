import { z } from "zod";
import { conversationIntents } from "@threadline/db";
import { createRotationRule, listQueue, listRotationRules, projectWorkHours, removeRotationRule, setProjectWorkHours, updateMemberRotation } from "@threadline/domain/staff/rotation-settings.ts";
import { projectProcedure, router } from "../init.ts";

const id = z.string().uuid();
const time = z.string().max(5);
const shifts = z.array(z.object({ from: time, to: time })).max(4);
const day = z.enum(["0", "1", "2", "3", "4", "5", "6"]);
const workHours = z.object({ days: z.partialRecord(day, shifts) });

// Rotation rules: who takes leads, how many, when; rules by channel or source; the waiting queue.
export const rotationRouter = router({
  updateMember: projectProcedure("staff.manage")
    .input(
      z.object({
        membershipId: id,
        inRotation: z.boolean().optional(),
        weight: z.number().int().optional(),
        workHours: workHours.nullable().optional(),
        pausedUntil: z.date().nullable().optional(),
        pauseReason: z.enum(["vacation", "sick", "other"]).nullable().optional(),
      }),
    )
    .mutation(({ ctx, input }) => {
      const { membershipId, ...patch } = input;
      return updateMemberRotation(ctx.tx, ctx.member, membershipId, patch);
    }),

  rules: projectProcedure("staff.manage").query(({ ctx }) => listRotationRules(ctx.tx)),

  createRule: projectProcedure("staff.manage")
    .input(z.object({ channelId: id.nullable().optional(), source: z.string().trim().max(100).nullable().optional(), intent: z.enum(conversationIntents).nullable().optional(), membershipIds: z.array(id).max(100), archive: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => ({ id: (await createRotationRule(ctx.tx, ctx.member, input)).id })),

  removeRule: projectProcedure("staff.manage")
    .input(z.object({ ruleId: id }))
    .mutation(({ ctx, input }) => removeRotationRule(ctx.tx, ctx.member, input.ruleId)),

  /** The project's working hours: for members without their own (performance report). */
  projectHours: projectProcedure("staff.manage").query(({ ctx }) => projectWorkHours(ctx.tx, ctx.member.projectId)),

  setProjectHours: projectProcedure("staff.manage")
    .input(z.object({ workHours: workHours.nullable() }))
    .mutation(({ ctx, input }) => setProjectWorkHours(ctx.tx, ctx.member, input.workHours)),

  /** Leads waiting for a member on shift: in admin, and for managers in the inbox. */
  queue: projectProcedure("inbox.use").query(({ ctx }) => listQueue(ctx.tx)),
});
