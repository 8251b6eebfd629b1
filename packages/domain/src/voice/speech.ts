import { randomUUID } from "node:crypto";
import { isOggOpus, oggOpusSeconds, SpeechError, synthesizeSpeech, type SpeechErrorKind } from "@threadline/ai";
import { usageRecords, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { getConversation } from "../conversations/thread.ts";
import { recordUpload, uploadPrefix } from "../conversations/uploads.ts";
import { badRequest, DomainError } from "../errors.ts";
import type { FileStorage } from "../storage.ts";
import { loadSpeechConfig } from "./settings.ts";
import type { VoiceUpload } from "./recording.ts";
import type { SecretKeyring } from "../crypto.ts";

// About 70 seconds of speech, and within Telegram's 1,024-character caption, so the text can go
// with the voice.
export const MAX_VOICED_TEXT = 1000;
// Ogg/Opus is what Telegram and VK play as a voice message; 32 kbit/s is plenty for speech.
const VOICE_FORMAT = "opus_48000_32";

const SERVICE_ERRORS: Record<SpeechErrorKind, DomainError> = {
  auth: new DomainError("BAD_REQUEST", "voice.keyRejected", "ElevenLabs не принял ключ проекта. Попросите владельца проверить ключ в настройках агента."),
  quota: new DomainError("BAD_REQUEST", "voice.quota", "У ключа ElevenLabs закончились символы. Пополните тариф или замените ключ в настройках агента."),
  rate_limit: new DomainError("TOO_MANY_REQUESTS", "voice.busy", "ElevenLabs сейчас перегружен запросами. Попробуйте озвучить ещё раз через минуту.", {}, 60),
  server: new DomainError("BAD_REQUEST", "voice.unavailable", "Сервис озвучки ElevenLabs не отвечает. Попробуйте позже или отправьте текстом."),
  network: new DomainError("BAD_REQUEST", "voice.unavailable", "Сервис озвучки ElevenLabs не отвечает. Попробуйте позже или отправьте текстом."),
  request: new DomainError("BAD_REQUEST", "voice.rejected", "ElevenLabs отклонил запрос: проверьте голос в настройках агента."),
};

export type VoicedText = VoiceUpload & { characters: number; costUsd: number; audio: Uint8Array };

/** Runs fn in a short transaction of the member's project. */
export type InTenant = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

/**
 * Speaks a manager's text in the project's ElevenLabs voice, stores the audio as a reply upload
 * and records its cost against the conversation. Nothing is sent: the manager listens first. The
 * service can take many seconds: no transaction stays open while it answers.
 */
export async function voiceText(
  inTenant: InTenant,
  member: Member,
  deps: { storage: FileStorage; secretKey: SecretKeyring; elevenlabsBaseUrl: string },
  input: { conversationId: string; text: string },
): Promise<VoicedText> {
  assertCan(member, "conversations.reply");
  const text = input.text.trim();
  if (!text) throw badRequest("voice.textRequired", "Напишите текст, который нужно озвучить");
  if ([...text].length > MAX_VOICED_TEXT) throw badRequest("voice.textTooLong", `Для озвучки текст должен быть не длиннее ${MAX_VOICED_TEXT} символов`, { max: MAX_VOICED_TEXT });
  const config = await inTenant(async (tx) => {
    await getConversation(tx, member, input.conversationId);
    return loadSpeechConfig(tx, member.projectId, deps.secretKey, deps);
  });
  if (!config) throw badRequest("voice.notConfigured", "Озвучка не настроена: владелец проекта добавляет ключ ElevenLabs и голос в настройках агента.");
  let speech;
  try {
    speech = await synthesizeSpeech({ ...config, outputFormat: VOICE_FORMAT, maxRetries: 1, timeoutMs: 30_000 }, text, "reply_voice");
  } catch (error) {
    if (error instanceof SpeechError) throw SERVICE_ERRORS[error.kind];
    throw error;
  }
  if (!isOggOpus(speech.audio)) throw new DomainError("BAD_REQUEST", "voice.badAudio", "ElevenLabs вернул звук не в формате голосового сообщения. Попробуйте ещё раз.");
  const storageKey = `${uploadPrefix(member.projectId)}${randomUUID()}`;
  await deps.storage.put(storageKey, speech.audio);
  const { usage } = speech;
  await inTenant(async (tx) => {
    await recordUpload(tx, member.projectId, storageKey);
    await tx.insert(usageRecords).values({
      projectId: member.projectId,
      conversationId: input.conversationId,
      provider: usage.provider,
      feature: usage.feature,
      model: usage.model,
      inputUnits: usage.characters,
      costUsd: usage.costUsd.toFixed(6),
    });
  });
  return {
    storageKey,
    fileName: "voice.ogg",
    mime: "audio/ogg",
    size: speech.audio.length,
    durationSec: Math.round(oggOpusSeconds(speech.audio) * 10) / 10,
    characters: usage.characters,
    costUsd: usage.costUsd,
    audio: speech.audio,
  };
}
