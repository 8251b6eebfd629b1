import { eq } from "drizzle-orm";
import { DEFAULT_SPEECH_MODEL } from "@threadline/ai";
import { projects, type ProjectSettings, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { decryptSecret, encryptSecret, type SecretKeyring } from "../crypto.ts";
import { sameBaseUrl } from "../endpoints.ts";
import { notFound } from "../errors.ts";

type StoredVoice = NonNullable<ProjectSettings["voice"]>;

/**
 * The project's ElevenLabs voice as the admin page shows it: never the key itself. A key saved for
 * another ElevenLabs address than the operator's counts as absent (keyStale: enter it again).
 */
export type VoiceSettingsView = { hasKey: boolean; keyStale: boolean; voiceId: string | null; modelId: string };

/** Where ElevenLabs is reached: the operator's ELEVENLABS_BASE_URL. */
export type VoiceEndpoint = { elevenlabsBaseUrl: string };

async function loadProject(tx: Tx, projectId: string, endpoint: VoiceEndpoint) {
  const [row] = await tx
    .select({ settings: projects.settings, storedKeyEnc: projects.elevenlabsKeyEnc, keyBaseUrl: projects.elevenlabsKeyBaseUrl })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!row) throw notFound("project");
  // The key goes only to the address it was saved for.
  const keyEnc = row.storedKeyEnc && sameBaseUrl(row.keyBaseUrl, endpoint.elevenlabsBaseUrl) ? row.storedKeyEnc : null;
  return { settings: row.settings, keyEnc, keyStale: !!row.storedKeyEnc && !keyEnc };
}

export async function getVoiceSettings(tx: Tx, member: Member, endpoint: VoiceEndpoint): Promise<VoiceSettingsView> {
  assertCan(member, "agent.manage");
  const row = await loadProject(tx, member.projectId, endpoint);
  const voice = row.settings.voice;
  return { hasKey: !!row.keyEnc, keyStale: row.keyStale, voiceId: voice?.voiceId ?? null, modelId: voice?.modelId ?? DEFAULT_SPEECH_MODEL };
}

export type VoiceSettingsPatch = { apiKey?: string | null; voiceId?: string | null; modelId?: string | null };

/** Saves the key (encrypted; null removes it) and the voice; written to the audit log. */
export async function updateVoiceSettings(tx: Tx, member: Member, patch: VoiceSettingsPatch, opts: { secretKey: SecretKeyring } & VoiceEndpoint): Promise<VoiceSettingsView> {
  assertCan(member, "agent.manage");
  const row = await loadProject(tx, member.projectId, opts);
  const current = row.settings.voice;
  const pick = (key: "voiceId" | "modelId") => (key in patch ? patch[key]?.trim() || undefined : current?.[key]);
  const next = { voiceId: pick("voiceId"), modelId: pick("modelId") };
  const { voice: _old, ...rest } = row.settings;
  const settings: ProjectSettings = next.voiceId ? { ...rest, voice: next as StoredVoice } : rest;
  const keyChanged = patch.apiKey !== undefined;
  const apiKey = patch.apiKey?.trim();
  await tx
    .update(projects)
    .set({
      settings,
      ...(keyChanged ? { elevenlabsKeyEnc: apiKey ? encryptSecret(apiKey, opts.secretKey) : null, elevenlabsKeyBaseUrl: apiKey ? opts.elevenlabsBaseUrl : null } : {}),
    })
    .where(eq(projects.id, member.projectId));
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "voice.updated", targetType: "project", targetId: member.projectId, details: { voiceId: next.voiceId ?? null, modelId: next.modelId ?? null, keyChanged } });
  return getVoiceSettings(tx, member, opts);
}

/** What synthesis needs, with the key opened; null when the project has no key or no voice. */
export async function loadSpeechConfig(tx: Tx, projectId: string, secretKey: SecretKeyring, endpoint: VoiceEndpoint) {
  const row = await loadProject(tx, projectId, endpoint);
  const voice = row.settings.voice;
  if (!row.keyEnc || !voice?.voiceId) return null;
  return { apiKey: decryptSecret(row.keyEnc, secretKey), voiceId: voice.voiceId, modelId: voice.modelId ?? DEFAULT_SPEECH_MODEL, baseUrl: endpoint.elevenlabsBaseUrl };
}

/** The project's own ElevenLabs key for speech-to-text (no voice needed); null without one. */
export async function loadElevenLabsKey(tx: Tx, projectId: string, secretKey: SecretKeyring, endpoint: VoiceEndpoint) {
  const row = await loadProject(tx, projectId, endpoint);
  return row.keyEnc ? { apiKey: decryptSecret(row.keyEnc, secretKey), baseUrl: endpoint.elevenlabsBaseUrl } : null;
}
