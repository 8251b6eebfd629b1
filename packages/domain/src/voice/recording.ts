import { randomUUID } from "node:crypto";
import { isOggOpus, oggOpusSeconds } from "@threadline/ai";
import { assertCan, type Member } from "../access/member.ts";
import { badRequest, DomainError } from "../errors.ts";
import type { FileStorage } from "../storage.ts";
import { isWebm, RecordingFormatError, webmOpusToOgg } from "./webm.ts";
import type { Tx } from "@threadline/db";
import { claimUpload, isUploadKey, recordUpload, uploadPrefix } from "../conversations/uploads.ts";

/** A stored voice message a reply can attach (`conversations.reply` with this as its file). */
export type VoiceUpload = { storageKey: string; fileName: string; mime: "audio/ogg"; size: number; durationSec: number };

async function readStored(storage: FileStorage, key: string): Promise<Uint8Array | null> {
  const opened = await storage.open(key);
  if (!opened) return null;
  const chunks: Buffer[] = [];
  for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The length of a stored Ogg/Opus voice message in whole seconds (at least 1), or null when the
 * file is not Ogg/Opus: what a reply records, so the thread shows it without reading the audio.
 */
export async function storedVoiceSeconds(storage: FileStorage, key: string): Promise<number | null> {
  const bytes = await readStored(storage, key);
  return bytes && isOggOpus(bytes) ? Math.max(1, Math.round(oggOpusSeconds(bytes))) : null;
}

/**
 * Turns a recording the browser uploaded into a voice message: Ogg/Opus stays as it is, WebM/Opus
 * (Chromium's only choice) is rewrapped as Ogg/Opus. Anything else is refused with a reason.
 */
export async function voiceFromRecording(tx: Tx, member: Member, storage: FileStorage, storageKey: string): Promise<VoiceUpload> {
  assertCan(member, "conversations.reply");
  // Only an upload of this project still waiting, taken through its uploads row as a reply takes
  // its file (RLS confines the row to the member's project); a key that climbs out of the
  // project's uploads is no upload at all.
  const waiting = isUploadKey(member.projectId, storageKey) && (await claimUpload(tx, storageKey));
  const bytes = waiting ? await readStored(storage, storageKey) : null;
  if (!bytes) throw new DomainError("NOT_FOUND", "voice.recordingMissing", "Запись не найдена: запишите сообщение ещё раз");
  // It waits again: the Ogg one for the reply, the WebM one for the sweeper.
  await recordUpload(tx, member.projectId, storageKey);
  let ogg: Uint8Array;
  if (isOggOpus(bytes)) ogg = bytes;
  else if (isWebm(bytes)) {
    try {
      ogg = webmOpusToOgg(bytes);
    } catch (error) {
      if (error instanceof RecordingFormatError) throw badRequest("voice.recordingBroken", `Не удалось подготовить голосовое: ${error.message}`);
      throw error;
    }
  } else throw badRequest("voice.recordingFormat", "Браузер записал звук в формате, который мессенджеры не принимают как голосовое. Запишите в Chrome, Edge, Firefox или Яндекс Браузере.");
  const target = ogg === bytes ? storageKey : `${uploadPrefix(member.projectId)}${randomUUID()}`;
  if (target !== storageKey) {
    await storage.put(target, ogg);
    await recordUpload(tx, member.projectId, target);
  }
  return { storageKey: target, fileName: "voice.ogg", mime: "audio/ogg", size: ogg.length, durationSec: Math.round(oggOpusSeconds(ogg) * 10) / 10 };
}
