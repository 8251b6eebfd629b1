import { describe, expect, it } from "vitest";
import { AudioFormatError, silentMp3, silentPcm, silentWav } from "./audio.ts";

describe("silent audio", () => {
  it("builds MP3 frames of the right size for MPEG-1 and MPEG-2", () => {
    const mp3 = silentMp3(1);
    expect(mp3.length % 417).toBe(0);
    expect(mp3.length / 417).toBe(Math.ceil(44100 / 1152));
    expect([...mp3.slice(0, 4)]).toEqual([0xff, 0xfb, 0x90, 0xc4]);
    const low = silentMp3(1, 22050, 32);
    expect([...low.slice(0, 2)]).toEqual([0xff, 0xf3]);
    expect(low.length % Math.floor((72 * 32000) / 22050)).toBe(0);
    expect(() => silentMp3(1, 44100, 33)).toThrow(AudioFormatError);
  });

  it("builds a WAV header that states its own length", () => {
    const wav = silentWav(0.5, 16000);
    const view = new DataView(wav.buffer);
    expect(view.getUint32(4, true)).toBe(wav.length - 8);
    expect(view.getUint32(24, true)).toBe(16000);
    expect(view.getUint32(40, true)).toBe(16000);
    expect(silentPcm(1, 8000).length).toBe(16000);
  });
});
