import { z } from "zod";
import { voiceFromRecording } from "@threadline/domain/voice/recording.ts";
import { getVoiceSettings, updateVoiceSettings } from "@threadline/domain/voice/settings.ts";
import { voiceText } from "@threadline/domain/voice/speech.ts";
import { projectProcedure, projectProcedureWithoutTx, router } from "../init.ts";

const optionalText = (max: number) => z.string().trim().max(max, `Не длиннее ${max} символов`).nullable().optional();

/** Voice replies: the project's ElevenLabs voice, voicing a text, and recordings made in the inbox. */
export const voiceRouter = router({
  settings: projectProcedure("agent.manage").query(({ ctx }) => getVoiceSettings(ctx.tx, ctx.member, ctx.endpoints)),

  updateSettings: projectProcedure("agent.manage")
    // Strict: ElevenLabs' address is the operator's setting (ELEVENLABS_BASE_URL), not the project's.
    .input(z.strictObject({ projectId: z.string(), apiKey: optionalText(300), voiceId: optionalText(100), modelId: optionalText(100) }))
    .mutation(({ ctx, input }) => updateVoiceSettings(ctx.tx, ctx.member, input, { secretKey: ctx.secretKey, elevenlabsBaseUrl: ctx.endpoints.elevenlabsBaseUrl })),

  /** The text spoken in the project's voice, stored for the reply; the audio comes back to be heard first. */
  speak: projectProcedureWithoutTx("conversations.reply")
    .input(z.object({ conversationId: z.string().uuid(), text: z.string().max(10_000) }))
    .mutation(async ({ ctx, input }) => {
      const { audio, ...upload } = await voiceText(ctx.inTenant, ctx.member, { storage: ctx.storage, secretKey: ctx.secretKey, elevenlabsBaseUrl: ctx.endpoints.elevenlabsBaseUrl }, input);
      return { ...upload, audioBase64: Buffer.from(audio).toString("base64") };
    }),

  /** A recording uploaded through /uploads, made ready to go as a voice message. */
  fromRecording: projectProcedure("conversations.reply")
    .input(z.object({ storageKey: z.string().max(200) }))
    .mutation(({ ctx, input }) => voiceFromRecording(ctx.tx, ctx.member, ctx.storage, input.storageKey)),
});
