export { voiceText, MAX_VOICED_TEXT, type VoicedText } from "./speech.ts";
export { voiceFromRecording, type VoiceUpload } from "./recording.ts";
export { getVoiceSettings, updateVoiceSettings, type VoiceSettingsView, type VoiceSettingsPatch } from "./settings.ts";
export { webmOpusToOgg, isWebm, RecordingFormatError } from "./webm.ts";
