import { describe, expect, it } from "vitest";
import { isOggOpus, oggCrc, oggOpusSeconds, opusHead, opusPacketSamples, writeOggOpus } from "./ogg-opus.ts";
import { silentOggOpus } from "@threadline/simulators/ai";

type Page = { flags: number; granule: bigint; serial: number; sequence: number; packets: Uint8Array[]; crcOk: boolean };

/** Reads Ogg pages back, joining lacing values into packets, and checks each page's CRC. */
function readPages(bytes: Uint8Array): Page[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pages: Page[] = [];
  let at = 0;
  while (at < bytes.length) {
    expect(new TextDecoder().decode(bytes.subarray(at, at + 4))).toBe("OggS");
    const count = bytes[at + 26]!;
    const lacing = [...bytes.subarray(at + 27, at + 27 + count)];
    const size = lacing.reduce((n, v) => n + v, 0);
    const end = at + 27 + count + size;
    const copy = bytes.slice(at, end);
    new DataView(copy.buffer).setUint32(22, 0, true);
    const packets: Uint8Array[] = [];
    let body = at + 27 + count;
    let current = 0;
    for (const v of lacing) {
      current += v;
      if (v < 255) {
        packets.push(bytes.slice(body, body + current));
        body += current;
        current = 0;
      }
    }
    pages.push({ flags: bytes[at + 5]!, granule: view.getBigUint64(at + 6, true), serial: view.getUint32(at + 14, true), sequence: view.getUint32(at + 18, true), packets, crcOk: oggCrc(copy) === view.getUint32(at + 22, true) });
    at = end;
  }
  return pages;
}

describe("Ogg/Opus writer", () => {
  it("computes the Ogg CRC (CRC-32/CKSUM without the final inversion)", () => {
    expect(oggCrc(new TextEncoder().encode("123456789"))).toBe((0x765e7680 ^ 0xffffffff) >>> 0);
  });

  it("reads packet durations from the TOC byte", () => {
    expect(opusPacketSamples(Uint8Array.of(0xf8))).toBe(960); // CELT 20 ms
    expect(opusPacketSamples(Uint8Array.of(0x19))).toBe(2 * 2880); // SILK 60 ms, code 1: two frames
    expect(opusPacketSamples(Uint8Array.of(0x7b, 0x03))).toBe(3 * 960); // hybrid 20 ms, code 3, three frames
  });

  it("writes header pages, then audio pages with growing granule positions and valid checksums", () => {
    const packets = Array.from({ length: 120 }, (_, i) => Uint8Array.of(0xf8, i, ...new Array(300).fill(7)));
    const ogg = writeOggOpus(opusHead({ channels: 1, preSkip: 312 }), packets, { serial: 42 });
    const pages = readPages(ogg);
    expect(pages.every((p) => p.crcOk && p.serial === 42)).toBe(true);
    expect(pages.map((p) => p.sequence)).toEqual(pages.map((_, i) => i));
    expect(pages[0]!.flags).toBe(0x02);
    expect(new TextDecoder().decode(pages[0]!.packets[0]!.subarray(0, 8))).toBe("OpusHead");
    expect(new TextDecoder().decode(pages[1]!.packets[0]!.subarray(0, 8))).toBe("OpusTags");
    expect(pages.at(-1)!.flags).toBe(0x04);
    // Packets of 301 bytes take two lacing values each: no page holds more than 255.
    const audio = pages.slice(2);
    expect(audio.flatMap((p) => p.packets)).toEqual(packets);
    expect(audio.length).toBeGreaterThan(1);
    let seen = 0;
    for (const p of audio) {
      seen += p.packets.length;
      expect(p.granule).toBe(BigInt(seen * 960));
    }
    expect(isOggOpus(ogg)).toBe(true);
    expect(oggOpusSeconds(ogg)).toBeCloseTo((120 * 960 - 312) / 48000, 6);
  });

  it("the simulator's silence is a valid stream as long as asked", () => {
    const ogg = silentOggOpus(2.5);
    expect(readPages(ogg).every((p) => p.crcOk)).toBe(true);
    expect(oggOpusSeconds(ogg)).toBeCloseTo(2.5 - 312 / 48000, 3);
    expect(isOggOpus(Uint8Array.of(0x1a, 0x45, 0xdf, 0xa3))).toBe(false);
  });
});
