import { z } from "zod";
import { createProject, getProject, listMyProjects, updateProject } from "@threadline/domain/projects/service.ts";
import { authedProcedure, projectProcedure, router } from "../init.ts";

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "Адрес — от 3 символов")
  .max(40)
  .refine((s) => /^[a-z0-9-]+$/.test(s), { message: "Только латинские буквы, цифры и дефис", params: { code: "validation.projectSlug" } });

export const projectsRouter = router({
  mine: authedProcedure.query(({ ctx }) => listMyProjects(ctx.db, ctx.user.id)),

  create: authedProcedure
    .input(z.object({ name: z.string().trim().min(2, "Название — от 2 символов").max(100), slug, timezone: z.string().max(64).optional() }))
    .mutation(async ({ ctx, input }) => {
      const { project } = await createProject(ctx.db, ctx.user.id, input);
      return { id: project.id, name: project.name, slug: project.slug };
    }),

  get: projectProcedure().query(({ ctx }) => getProject(ctx.tx, ctx.member.projectId)),

  update: projectProcedure("project.settings")
    .input(z.object({ name: z.string().trim().min(2).max(100).optional(), timezone: z.string().max(64).optional() }))
    .mutation(({ ctx, input }) =>
      updateProject(ctx.tx, ctx.user.id, ctx.member.projectId, { name: input.name, settings: input.timezone ? { timezone: input.timezone } : undefined }),
    ),

  /** The caller's own role in the project: what the UI may offer them. */
  access: projectProcedure().query(({ ctx }) => ({
    memberId: ctx.member.membershipId,
    roleKey: ctx.member.roleKey,
    permissions: [...ctx.member.permissions],
    hiddenFields: [...ctx.member.hiddenFields],
  })),
});
