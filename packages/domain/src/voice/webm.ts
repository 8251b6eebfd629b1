// Chromium's MediaRecorder gives voice as WebM/Opus; Telegram (sendVoice) and VK (audio_message)
// take Ogg/Opus. The Opus packets move from one container to the other as they are: no decoding.
import { opusHead, writeOggOpus } from "@threadline/ai";

export class RecordingFormatError extends Error {
  override name = "RecordingFormatError";
}

const ID = {
  ebml: 0x1a45dfa3,
  segment: 0x18538067,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  codecId: 0x86,
  codecPrivate: 0x63a2,
  audio: 0xe1,
  channels: 0x9f,
  cluster: 0x1f43b675,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
} as const;

// Containers are read into (their children follow as if they were siblings), so a live
// recording's Segment and Clusters of unknown size need no special handling.
const CONTAINERS = new Set<number>([ID.segment, ID.tracks, ID.trackEntry, ID.audio, ID.cluster, ID.blockGroup]);

/** An EBML variable-length integer at `at`: its value (marker bit kept for ids) and length. */
function vint(bytes: Uint8Array, at: number, keepMarker: boolean): { value: number; length: number; unknown: boolean } {
  const first = bytes[at];
  if (first === undefined || first === 0) throw new RecordingFormatError("Повреждённая запись: неверный заголовок WebM");
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) throw new RecordingFormatError("Запись оборвана");
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const b = bytes[at + i]!;
    value = value * 256 + b;
    allOnes &&= b === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

type Track = { number: number; codec: string; head?: Uint8Array; channels: number };

/** The frames of one Matroska Block (RFC 9559, 10.1), lacing included. */
function blockFrames(body: Uint8Array): { track: number; frames: Uint8Array[] } {
  const track = vint(body, 0, false);
  const flags = body[track.length + 2] ?? 0;
  let at = track.length + 3;
  const lacing = (flags >> 1) & 3;
  if (lacing === 0) return { track: track.value, frames: [body.subarray(at)] };
  const count = body[at++]! + 1;
  const sizes: number[] = [];
  if (lacing === 1) {
    for (let i = 0; i < count - 1; i++) {
      let size = 0;
      for (let b = 255; b === 255; size += b) b = body[at++]!;
      sizes.push(size);
    }
  } else if (lacing === 2) {
    sizes.push(...new Array<number>(count - 1).fill((body.length - at) / count));
  } else {
    throw new RecordingFormatError("Запись в WebM с EBML-укладкой кадров не поддерживается");
  }
  sizes.push(body.length - at - sizes.reduce((n, s) => n + s, 0));
  const frames = sizes.map((size) => body.subarray(at, (at += size)));
  return { track: track.value, frames };
}

/** Whether bytes start an EBML document (WebM, Matroska). */
export function isWebm(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0 === ID.ebml;
}

/** Rewraps the Opus track of a WebM recording as an Ogg/Opus voice message. */
export function webmOpusToOgg(bytes: Uint8Array): Uint8Array {
  if (!isWebm(bytes)) throw new RecordingFormatError("Это не запись WebM");
  const tracks: Track[] = [];
  const blocks: { track: number; frames: Uint8Array[] }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const id = vint(bytes, at, true);
    const size = vint(bytes, at + id.length, false);
    const start = at + id.length + size.length;
    if (CONTAINERS.has(id.value)) {
      if (id.value === ID.trackEntry) tracks.push({ number: 0, codec: "", channels: 1 });
      at = start;
      continue;
    }
    if (size.unknown) throw new RecordingFormatError("Повреждённая запись: элемент WebM без длины");
    // MediaRecorder stopped mid-write: keep what is whole.
    if (start + size.value > bytes.length) break;
    const body = bytes.subarray(start, start + size.value);
    const track = tracks.at(-1);
    if (id.value === ID.simpleBlock || id.value === ID.block) blocks.push(blockFrames(body));
    else if (track && id.value === ID.trackNumber) track.number = readUint(body);
    else if (track && id.value === ID.codecId) track.codec = new TextDecoder().decode(body);
    else if (track && id.value === ID.codecPrivate) track.head = body;
    else if (track && id.value === ID.channels) track.channels = readUint(body);
    at = start + size.value;
  }
  const opus = tracks.find((t) => t.codec === "A_OPUS");
  if (!opus) throw new RecordingFormatError("В записи нет звука в формате Opus");
  const packets = blocks.filter((b) => b.track === opus.number).flatMap((b) => b.frames);
  if (packets.length === 0) throw new RecordingFormatError("Запись пустая");
  return writeOggOpus(opus.head ?? opusHead({ channels: opus.channels }), packets);
}

function readUint(body: Uint8Array): number {
  return body.reduce((n, b) => n * 256 + b, 0);
}
