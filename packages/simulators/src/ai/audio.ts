// Small valid audio files of silence: MP3 (MPEG audio Layer III frames), WAV, raw PCM and Ogg/Opus,
// sized to a given duration, so players and uploaders downstream handle the simulator's audio like real.
import { opusHead, writeOggOpus } from "@threadline/ai";

const MPEG1_RATES = [44100, 48000, 32000];
const MPEG2_RATES = [22050, 24000, 16000];
const MPEG25_RATES = [11025, 12000, 8000];
const MPEG1_BITRATES = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const MPEG2_BITRATES = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

export class AudioFormatError extends Error {}

/**
 * MP3 of `seconds` of mono silence. Each frame is a header and zeroed side information (no
 * Huffman data), which decoders play as silence.
 */
export function silentMp3(seconds: number, sampleRate = 44100, kbps = 128): Uint8Array {
  const layouts = [
    { version: 0b11, rates: MPEG1_RATES, bitrates: MPEG1_BITRATES },
    { version: 0b10, rates: MPEG2_RATES, bitrates: MPEG2_BITRATES },
    { version: 0b00, rates: MPEG25_RATES, bitrates: MPEG2_BITRATES },
  ];
  const layout = layouts.find((l) => l.rates.includes(sampleRate));
  if (!layout) throw new AudioFormatError(`No MP3 sample rate ${sampleRate}`);
  const { version, bitrates } = layout;
  const rateIndex = layout.rates.indexOf(sampleRate);
  const bitrateIndex = bitrates.indexOf(kbps);
  if (bitrateIndex <= 0) throw new AudioFormatError(`No MP3 bitrate ${kbps} kbps at ${sampleRate} Hz`);

  const mpeg1 = version === 0b11;
  const samplesPerFrame = mpeg1 ? 1152 : 576;
  const frameBytes = Math.floor(((mpeg1 ? 144 : 72) * kbps * 1000) / sampleRate);
  const frames = Math.max(1, Math.ceil((seconds * sampleRate) / samplesPerFrame));
  const out = new Uint8Array(frames * frameBytes);
  for (let f = 0; f < frames; f++) {
    const at = f * frameBytes;
    out[at] = 0xff;
    out[at + 1] = 0xe0 | (version << 3) | (0b01 << 1) | 1; // sync, version, Layer III, no CRC
    out[at + 2] = (bitrateIndex << 4) | (rateIndex << 2); // no padding
    out[at + 3] = 0b11_00_0_1_00; // mono, original
  }
  return out;
}

/** WAV (16-bit PCM, mono) of `seconds` of silence. */
export function silentWav(seconds: number, sampleRate = 44100): Uint8Array {
  const samples = Math.max(1, Math.round(seconds * sampleRate));
  const dataBytes = samples * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  return out;
}

/** Raw 16-bit little-endian PCM of silence. */
export function silentPcm(seconds: number, sampleRate = 16000): Uint8Array {
  return new Uint8Array(Math.max(1, Math.round(seconds * sampleRate)) * 2);
}

// An Opus packet of 20 ms CELT fullband silence (TOC 0xF8), the frame encoders emit for digital silence.
const SILENT_OPUS_FRAME = Uint8Array.of(0xf8, 0xff, 0xfe);

/** Ogg/Opus (mono, 48 kHz) of `seconds` of silence, as ElevenLabs' opus_48000_* formats answer. */
export function silentOggOpus(seconds: number): Uint8Array {
  const frames = Math.max(1, Math.ceil((seconds * 1000) / 20));
  return writeOggOpus(opusHead({ channels: 1, preSkip: 312 }), Array.from({ length: frames }, () => SILENT_OPUS_FRAME));
}
