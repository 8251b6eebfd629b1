// A library file's type is read from its first bytes, not taken from what the browser claimed: the
// type decides how it goes out (a photo, a voice note, a document), and a platform refuses a
// "photo" that is not one only at send time, in front of a client.
import type { Readable } from "node:stream";

const SIGNATURES: { mime: string; matches: (head: Buffer) => boolean }[] = [
  { mime: "image/jpeg", matches: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff },
  { mime: "image/png", matches: (h) => h.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: "image/webp", matches: (h) => h.subarray(0, 4).toString("latin1") === "RIFF" && h.subarray(8, 12).toString("latin1") === "WEBP" },
  { mime: "application/pdf", matches: (h) => h.subarray(0, 5).toString("latin1") === "%PDF-" },
  { mime: "audio/ogg", matches: (h) => h.subarray(0, 4).toString("latin1") === "OggS" },
];

/** The bytes needed to tell the types apart. */
const HEAD_BYTES = 12;

/** The library's type of these first bytes, or null when the file is none the library takes. */
export function libraryTypeOf(head: Buffer): string | null {
  return SIGNATURES.find((s) => s.matches(head))?.mime ?? null;
}

/** Reads the first bytes of a stored file and lets go of the rest. */
export async function readHead(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(Buffer.from(chunk as Buffer));
      length += (chunk as Buffer).length;
      if (length >= HEAD_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}
