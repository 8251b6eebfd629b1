import { z } from "zod";
import { addMediaFromUpload, listMedia, listMediaLibrary, removeMedia, renameMedia } from "@threadline/domain/media/library.ts";
import { projectProcedure, router } from "../init.ts";

const mediaId = z.string().uuid();

/** The project's media library: files saved replies carry; uploaded once, sent many times. */
export const mediaRouter = router({
  list: projectProcedure("conversations.reply").query(({ ctx }) => listMedia(ctx.tx, ctx.member)),
  /** The library's screen: each file with the saved replies and channels that use it. */
  library: projectProcedure("project.settings").query(({ ctx }) => listMediaLibrary(ctx.tx, ctx.member)),
  rename: projectProcedure("project.settings")
    .input(z.object({ mediaId, name: z.string().max(255) }))
    .mutation(({ ctx, input }) => renameMedia(ctx.tx, ctx.member, input.mediaId, input.name)),
  /** A file first stored through /uploads (its size and type checked there). */
  addUpload: projectProcedure("project.settings")
    .input(z.object({ storageKey: z.string().max(200), fileName: z.string().trim().min(1).max(255), mime: z.string().max(100) }))
    .mutation(({ ctx, input }) => addMediaFromUpload(ctx.tx, ctx.member, ctx.storage, input)),
  remove: projectProcedure("project.settings")
    .input(z.object({ mediaId, detach: z.boolean().optional() }))
    .mutation(({ ctx, input }) => removeMedia(ctx.tx, ctx.member, input.mediaId, { detach: input.detach })),
});
