import { z } from "zod";
import { createTemplate, listTemplates, removeTemplate, updateTemplate } from "@threadline/domain/templates/service.ts";
import { projectProcedure, router } from "../init.ts";

const template = z.object({ title: z.string().max(100, "Название не длиннее 100 символов"), text: z.string().max(5000), mediaIds: z.array(z.string().uuid()).max(20).optional() });
const templateId = z.string().uuid();

/** Saved replies: everyone who answers clients uses them; owners and admins keep them. */
export const templatesRouter = router({
  list: projectProcedure("conversations.reply").query(({ ctx }) => listTemplates(ctx.tx, ctx.member)),
  create: projectProcedure("project.settings")
    .input(template)
    .mutation(({ ctx, input }) => createTemplate(ctx.tx, ctx.member, input)),
  update: projectProcedure("project.settings")
    .input(template.extend({ templateId }))
    .mutation(({ ctx, input }) => updateTemplate(ctx.tx, ctx.member, input.templateId, input)),
  remove: projectProcedure("project.settings")
    .input(z.object({ templateId }))
    .mutation(({ ctx, input }) => removeTemplate(ctx.tx, ctx.member, input.templateId)),
});
