import { z } from "zod";
import { tagColors } from "@threadline/db";
import { createTag, deleteTag, listTags, TAG_NAME_MAX, updateTag } from "@threadline/domain/contacts/tags.ts";
import { projectProcedure, router } from "../init.ts";

// The project's set of tags: every member reads it (the inbox filters and attaches by it);
// owners and admins (project settings) manage it. Names are checked in the service (trimmed,
// length in characters, duplicates); zod only bounds the request.
const name = z.string().max(TAG_NAME_MAX * 4);
const color = z.enum(tagColors);

export const tagsRouter = router({
  list: projectProcedure().query(({ ctx }) => listTags(ctx.tx)),

  create: projectProcedure("project.settings")
    .input(z.object({ name, color: color.optional() }))
    .mutation(({ ctx, input }) => createTag(ctx.tx, ctx.member, input)),

  update: projectProcedure("project.settings")
    .input(z.object({ tagId: z.string().uuid(), name: name.optional(), color: color.optional() }))
    .mutation(({ ctx, input }) => updateTag(ctx.tx, ctx.member, input.tagId, input)),

  remove: projectProcedure("project.settings")
    .input(z.object({ tagId: z.string().uuid() }))
    .mutation(({ ctx, input }) => deleteTag(ctx.tx, ctx.member, input.tagId)),
});
