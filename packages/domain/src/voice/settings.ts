import { eq } from "drizzle-orm";
import { DEFAULT_SPEECH_MODEL } from "@threadline/ai";
import { projects, type ProjectSettings, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { decryptSecret, encryptSecret } from "../crypto.ts";
import { badRequest, notFound } from "../errors.ts";

type StoredVoice = NonNullable<ProjectSettings["voice"]>;

/** The project's ElevenLabs voice as the admin page shows it: never the key itself. */
export type VoiceSettingsView = { hasKey: boolean; voiceId: string | null; modelId: string; baseUrl: string | null };

async function loadProject(tx: Tx, projectId: string) {
  const [row] = await tx.select({ settings: projects.settings, keyEnc: projects.elevenlabsKeyEnc }).from(projects).where(eq(projects.id, projectId));
  if (!row) throw notFound("Проект");
  return row;
}

export async function getVoiceSettings(tx: Tx, member: Member): Promise<VoiceSettingsView> {
  assertCan(member, "agent.manage");
  const row = await loadProject(tx, member.projectId);
  const voice = row.settings.voice;
  return { hasKey: !!row.keyEnc, voiceId: voice?.voiceId ?? null, modelId: voice?.modelId ?? DEFAULT_SPEECH_MODEL, baseUrl: voice?.baseUrl ?? null };
}

export type VoiceSettingsPatch = { apiKey?: string | null; voiceId?: string | null; modelId?: string | null; baseUrl?: string | null };

/** Saves the key (encrypted; null removes it) and the voice; written to the audit log. */
export async function updateVoiceSettings(tx: Tx, member: Member, patch: VoiceSettingsPatch, opts: { secretKey: string }): Promise<VoiceSettingsView> {
  assertCan(member, "agent.manage");
  const row = await loadProject(tx, member.projectId);
  const current = row.settings.voice;
  const pick = (key: "voiceId" | "modelId" | "baseUrl") => (key in patch ? patch[key]?.trim() || undefined : current?.[key]);
  const next = { voiceId: pick("voiceId"), modelId: pick("modelId"), baseUrl: pick("baseUrl") };
  if (next.baseUrl && !/^https?:\/\//.test(next.baseUrl)) throw badRequest("Адрес ElevenLabs должен начинаться с http:// или https://");
  const { voice: _old, ...rest } = row.settings;
  const settings: ProjectSettings = next.voiceId ? { ...rest, voice: next as StoredVoice } : rest;
  const keyChanged = patch.apiKey !== undefined;
  const apiKey = patch.apiKey?.trim();
  await tx
    .update(projects)
    .set({ settings, ...(keyChanged ? { elevenlabsKeyEnc: apiKey ? encryptSecret(apiKey, opts.secretKey) : null } : {}) })
    .where(eq(projects.id, member.projectId));
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "voice.updated", targetType: "project", targetId: member.projectId, details: { voiceId: next.voiceId ?? null, modelId: next.modelId ?? null, baseUrl: next.baseUrl ?? null, keyChanged } });
  return getVoiceSettings(tx, member);
}

/** What synthesis needs, with the key opened; null when the project has no key or no voice. */
export async function loadSpeechConfig(tx: Tx, projectId: string, secretKey: string) {
  const row = await loadProject(tx, projectId);
  const voice = row.settings.voice;
  if (!row.keyEnc || !voice?.voiceId) return null;
  return { apiKey: decryptSecret(row.keyEnc, secretKey), voiceId: voice.voiceId, modelId: voice.modelId ?? DEFAULT_SPEECH_MODEL, ...(voice.baseUrl ? { baseUrl: voice.baseUrl } : {}) };
}
