// Ogg/Opus (RFC 7845), the one audio format both Telegram (sendVoice) and VK (audio_message) play
// as a voice message. Writes a stream from Opus packets; re-encodes nothing.

const OGG_CRC = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** The page checksum of Ogg: CRC-32, polynomial 0x04C11DB7, not reflected, initial value 0. */
export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) & 0xff) ^ b]!) >>> 0;
  return crc;
}

const FRAME_MS_SILK = [10, 20, 40, 60];
const FRAME_MS_HYBRID = [10, 20];
const FRAME_MS_CELT = [2.5, 5, 10, 20];

/** How many 48 kHz samples an Opus packet decodes to, from its TOC byte (RFC 6716, 3.1). */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) return 0;
  const config = toc >> 3;
  const frameMs =
    config < 12 ? FRAME_MS_SILK[config % 4]! : config < 16 ? FRAME_MS_HYBRID[config % 2]! : FRAME_MS_CELT[config % 4]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return frames * frameMs * 48;
}

/** The identification header: version 1, channel mapping family 0 (mono or stereo). */
export function opusHead(input: { channels: number; preSkip?: number; inputSampleRate?: number }): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(new TextEncoder().encode("OpusHead"), 0);
  head[8] = 1;
  head[9] = input.channels;
  view.setUint16(10, input.preSkip ?? 312, true);
  view.setUint32(12, input.inputSampleRate ?? 48000, true);
  return head;
}

function opusTags(vendor: string): Uint8Array {
  const v = new TextEncoder().encode(vendor);
  const tags = new Uint8Array(8 + 4 + v.length + 4);
  const view = new DataView(tags.buffer);
  tags.set(new TextEncoder().encode("OpusTags"), 0);
  view.setUint32(8, v.length, true);
  tags.set(v, 12);
  return tags;
}

const BOS = 0x02;
const EOS = 0x04;

function page(packets: readonly Uint8Array[], flags: number, granule: bigint, serial: number, sequence: number): Uint8Array {
  const lacing: number[] = [];
  for (const p of packets) {
    for (let left = p.length; ; left -= 255) {
      lacing.push(Math.min(left, 255));
      if (left < 255) break;
    }
  }
  const bodySize = packets.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(27 + lacing.length + bodySize);
  const view = new DataView(out.buffer);
  out.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
  out[5] = flags;
  view.setBigUint64(6, granule, true);
  view.setUint32(14, serial, true);
  view.setUint32(18, sequence, true);
  out[26] = lacing.length;
  out.set(lacing, 27);
  let at = 27 + lacing.length;
  for (const p of packets) {
    out.set(p, at);
    at += p.length;
  }
  view.setUint32(22, oggCrc(out), true);
  return out;
}

const segmentsOf = (packet: Uint8Array) => Math.floor(packet.length / 255) + 1;
// A page holds at most 255 lacing values; about a second of voice per page keeps seeking cheap.
const PAGE_SAMPLES = 48000;

/**
 * One logical Ogg/Opus stream: the OpusHead given (e.g. a WebM track's CodecPrivate), a tags
 * page, then the audio packets grouped into pages with granule positions in 48 kHz samples.
 */
export function writeOggOpus(head: Uint8Array, packets: readonly Uint8Array[], options: { serial?: number; vendor?: string } = {}): Uint8Array {
  const serial = options.serial ?? 0x544c4e45;
  const pages: Uint8Array[] = [page([head], BOS, 0n, serial, 0), page([opusTags(options.vendor ?? "Threadline")], 0, 0n, serial, 1)];
  let granule = 0n;
  let pending: Uint8Array[] = [];
  let segments = 0;
  let pendingSamples = 0;
  const flush = (last: boolean) => {
    pages.push(page(pending, last ? EOS : 0, granule, serial, pages.length));
    pending = [];
    segments = 0;
    pendingSamples = 0;
  };
  for (const packet of packets) {
    if (segmentsOf(packet) > 255) throw new RangeError("An Opus packet larger than one Ogg page");
    if (pending.length > 0 && (segments + segmentsOf(packet) > 255 || pendingSamples >= PAGE_SAMPLES)) flush(false);
    pending.push(packet);
    segments += segmentsOf(packet);
    const samples = opusPacketSamples(packet);
    pendingSamples += samples;
    granule += BigInt(samples);
  }
  flush(true);
  const out = new Uint8Array(pages.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pages) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Whether bytes start an Ogg stream whose first packet is an OpusHead. */
export function isOggOpus(bytes: Uint8Array): boolean {
  const text = new TextDecoder("latin1").decode(bytes.subarray(0, 64));
  return text.startsWith("OggS") && text.includes("OpusHead");
}

/** The length of an Ogg/Opus stream: the last page's granule position less the pre-skip. */
export function oggOpusSeconds(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  let granule = 0n;
  let preSkip = 0;
  while (at + 27 <= bytes.length && view.getUint32(at) === 0x4f676753) {
    const count = bytes[at + 26]!;
    let size = 0;
    for (let i = 0; i < count; i++) size += bytes[at + 27 + i]!;
    const body = at + 27 + count;
    if (view.getUint32(body) === 0x4f707573 && view.getUint32(body + 4) === 0x48656164) preSkip = view.getUint16(body + 10, true);
    granule = view.getBigUint64(at + 6, true);
    at = body + size;
  }
  return Math.max(0, Number(granule) - preSkip) / 48000;
}
