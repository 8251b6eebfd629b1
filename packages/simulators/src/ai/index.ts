export { OpenAiSimulator, simulatedVoice, SPEECH_MARKER, type OpenAiSimulatorOptions } from "./openai.ts";
export { ElevenLabsSimulator, type ElevenLabsSimulatorOptions } from "./elevenlabs.ts";
export { silentMp3, silentWav, silentPcm, silentOggOpus, AudioFormatError } from "./audio.ts";
export type { Fault, RecordedRequest } from "./http.ts";
