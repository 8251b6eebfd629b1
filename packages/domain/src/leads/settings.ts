import { eq } from "drizzle-orm";
import { defaultScript, DEFAULT_EMBEDDING_MODEL, DEFAULT_TEXTS, DEFAULT_TRANSCRIPTION_MODEL, DEFAULT_MAX_PHONE_ASKS, DEFAULT_TIMEOUT_MINUTES, type AgentScript } from "@threadline/ai";
import { agentSettings, channels, projects, type AgentScriptOverrides, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { decryptSecret, encryptSecret, type SecretKeyring } from "../crypto.ts";
import { sameBaseUrl } from "../endpoints.ts";
import { notFound } from "../errors.ts";

/** The agent of one project as the pipeline uses it. */
export type AgentConfig = {
  /** The project's default; a channel may override it. */
  enabled: boolean;
  channels: Record<string, boolean>;
  overrides: AgentScriptOverrides;
  script: AgentScript;
  /** keyBaseUrl: the model API the key was saved for; it is sent nowhere else. */
  llm: { model: string | null; keyEnc: string | null; keyBaseUrl: string | null };
  /** Speech-to-text model for clients' voice notes, with the same key; null: voice notes are not transcribed. */
  transcriptionModel: string | null;
  /** Who transcribes voice notes: the OpenAI-compatible API (transcriptionModel) or ElevenLabs (its key for voicing). */
  transcriptionProvider: "openai" | "elevenlabs";
  /** The knowledge base's embedding model, with the model key (null: the default). */
  embeddingModel: string | null;
};

/** Speech-to-text as the admin page chooses it. */
export type TranscriptionChoice = "off" | "openai" | "elevenlabs";

function transcriptionChoice(config: Pick<AgentConfig, "transcriptionModel" | "transcriptionProvider">): TranscriptionChoice {
  if (config.transcriptionProvider === "elevenlabs") return "elevenlabs";
  return config.transcriptionModel ? "openai" : "off";
}

/** The project's model key, only if it was saved for the operator's model API (OPENAI_BASE_URL). */
export function llmKeyFor(config: Pick<AgentConfig, "llm">, openaiBaseUrl: string): string | null {
  return config.llm.keyEnc && sameBaseUrl(config.llm.keyBaseUrl, openaiBaseUrl) ? config.llm.keyEnc : null;
}

/** A channel's agent: its own switch if it has one, else the project's. */
export function agentOnFor(config: Pick<AgentConfig, "enabled" | "channels">, channelId: string): boolean {
  return config.channels[channelId] ?? config.enabled;
}

/** The Russian default script with the project's changes on top. */
export function scriptFrom(projectName: string, overrides: AgentScriptOverrides): AgentScript {
  return defaultScript(projectName, overrides);
}

/** The project's agent settings; a project that never saved them gets the defaults (agent on). */
export async function loadAgentConfig(tx: Tx, projectId: string): Promise<AgentConfig> {
  const [row] = await tx
    .select({ name: projects.name, openaiKeyEnc: projects.openaiKeyEnc, openaiKeyBaseUrl: projects.openaiKeyBaseUrl, settings: agentSettings })
    .from(projects)
    .leftJoin(agentSettings, eq(agentSettings.projectId, projects.id))
    .where(eq(projects.id, projectId));
  if (!row) throw notFound("project");
  const s = row.settings;
  const overrides = s?.script ?? {};
  return {
    enabled: s?.enabled ?? true,
    channels: s?.channels ?? {},
    overrides,
    script: scriptFrom(row.name, overrides),
    llm: { model: s?.llmModel ?? null, keyEnc: row.openaiKeyEnc, keyBaseUrl: row.openaiKeyBaseUrl },
    transcriptionModel: s?.transcriptionModel ?? null,
    transcriptionProvider: s?.transcriptionProvider ?? "openai",
    embeddingModel: s?.embeddingModel ?? null,
  };
}

/**
 * What the admin page shows: the effective script, the defaults, every channel with its switch.
 * A key saved for another model API than the operator's now counts as absent (keyStale: enter it again).
 */
export async function getAgentSettings(tx: Tx, projectId: string, opts: { openaiBaseUrl: string }) {
  const config = await loadAgentConfig(tx, projectId);
  const list = await tx.select({ id: channels.id, kind: channels.kind, name: channels.name, state: channels.state }).from(channels).orderBy(channels.createdAt);
  const { projectName: _name, ...script } = config.script;
  return {
    enabled: config.enabled,
    script,
    defaults: { ...DEFAULT_TEXTS, maxPhoneAsks: DEFAULT_MAX_PHONE_ASKS, timeoutMinutes: DEFAULT_TIMEOUT_MINUTES },
    channels: list.map((c) => ({ ...c, override: config.channels[c.id] ?? null, agentOn: agentOnFor(config, c.id) })),
    llm: { model: config.llm.model, hasKey: !!llmKeyFor(config, opts.openaiBaseUrl), keyStale: !!config.llm.keyEnc && !llmKeyFor(config, opts.openaiBaseUrl), embeddingModel: config.embeddingModel, embeddingDefault: DEFAULT_EMBEDDING_MODEL },
    transcription: transcriptionChoice(config),
  };
}

export type AgentSettingsPatch = {
  enabled?: boolean;
  /** channel id → on / off, or null to follow the project's switch. */
  channels?: Record<string, boolean | null>;
  script?: AgentScriptOverrides;
  /** embeddingModel: the knowledge base's search by meaning (null: the default); a change embeds the passages anew. */
  llm?: { model?: string | null; apiKey?: string | null; embeddingModel?: string | null };
  /** ElevenLabs uses the project's key saved for voicing; the OpenAI-compatible API the model's key. */
  transcription?: TranscriptionChoice;
};

const TEXT_FIELDS = ["greeting", "askPhone", "askPhoneAgain", "reAskPhone", "unknownQuestion", "invalidPhone", "confirmPhone", "handoff", "decline"] as const;

/** Drops what equals the default or is empty, so a later change of a default reaches the project. */
function normaliseScript(script: AgentScriptOverrides): AgentScriptOverrides {
  const out: AgentScriptOverrides = {};
  for (const key of TEXT_FIELDS) {
    const value = script[key]?.trim();
    if (value && value !== DEFAULT_TEXTS[key]) out[key] = value;
  }
  if (script.facts) {
    const facts = Object.fromEntries(
      Object.entries(script.facts)
        .map(([k, v]) => [k.trim(), v.trim()] as const)
        .filter(([k, v]) => k && v),
    );
    out.facts = facts;
  }
  if (script.faq) {
    out.faq = script.faq
      .map((f) => ({ q: f.q.map((q) => q.trim()).filter(Boolean), a: f.a.trim() }))
      .filter((f) => f.q.length > 0 && f.a);
  }
  if (script.handoffTopics) out.handoffTopics = [...new Set(script.handoffTopics.map((t) => t.trim().toLowerCase()).filter(Boolean))];
  if (script.maxPhoneAsks !== undefined) out.maxPhoneAsks = script.maxPhoneAsks;
  if (script.timeoutMinutes !== undefined) out.timeoutMinutes = script.timeoutMinutes;
  // The sales script: objection answers, fields to collect and their questions, the owner's instructions.
  if (script.objections) {
    out.objections = script.objections.map((o) => ({ q: o.q.map((q) => q.trim()).filter(Boolean), a: o.a.trim() })).filter((o) => o.q.length > 0 && o.a);
  }
  if (script.collect) out.collect = [...new Set(["phone" as const, ...script.collect])];
  if (script.fieldAsks) out.fieldAsks = Object.fromEntries(Object.entries(script.fieldAsks).filter(([, v]) => v?.trim()).map(([k, v]) => [k, v!.trim()]));
  if (script.instructions?.trim()) out.instructions = script.instructions.trim();
  return out;
}

/** The stored columns for a speech-to-text choice; the OpenAI model kept, or Whisper when first chosen. */
function transcriptionValues(choice: TranscriptionChoice | undefined, current: AgentConfig) {
  if (choice === undefined || choice === transcriptionChoice(current)) return { transcriptionProvider: current.transcriptionProvider, transcriptionModel: current.transcriptionModel };
  if (choice === "elevenlabs") return { transcriptionProvider: "elevenlabs" as const, transcriptionModel: current.transcriptionModel };
  if (choice === "openai") return { transcriptionProvider: "openai" as const, transcriptionModel: current.transcriptionModel ?? DEFAULT_TRANSCRIPTION_MODEL };
  return { transcriptionProvider: "openai" as const, transcriptionModel: null };
}

/**
 * The key and model the agent will call once this change is saved, when the change is to them (a
 * new key, or another model with a key in place); null when there is nothing new to check.
 */
export function modelToVerify(current: AgentConfig, llm: AgentSettingsPatch["llm"], opts: { secretKey: SecretKeyring; openaiBaseUrl: string }): { apiKey: string; model: string | null } | null {
  if (!llm) return null;
  const newKey = llm.apiKey?.trim() || null;
  const model = "model" in llm ? llm.model?.trim() || null : current.llm.model;
  if (!newKey && (model === current.llm.model || !model)) return null;
  // A key being removed leaves nothing to check.
  if (llm.apiKey !== undefined && !newKey) return null;
  const savedKey = llmKeyFor(current, opts.openaiBaseUrl);
  const apiKey = newKey ?? (savedKey ? decryptSecret(savedKey, opts.secretKey) : null);
  return apiKey ? { apiKey, model } : null;
}

/** Whether this change chooses another embedding model than the saved one: the passages are then embedded anew. */
export function embeddingModelChanges(config: Pick<AgentConfig, "embeddingModel">, llm: AgentSettingsPatch["llm"]): boolean {
  return !!llm && "embeddingModel" in llm && llm.embeddingModel !== undefined && (llm.embeddingModel?.trim() || null) !== config.embeddingModel;
}

/**
 * Saves the project's agent settings. The script given replaces the saved one field by field
 * (a field left out keeps its value); the change is written to the audit log.
 */
export async function updateAgentSettings(tx: Tx, member: Member, patch: AgentSettingsPatch, opts: { secretKey: SecretKeyring; openaiBaseUrl: string }) {
  const projectId = member.projectId;
  const current = await loadAgentConfig(tx, projectId);
  const known = new Set((await tx.select({ id: channels.id }).from(channels)).map((c) => c.id));
  const channelSwitches = { ...current.channels };
  for (const [id, value] of Object.entries(patch.channels ?? {})) {
    if (!known.has(id)) throw notFound("channel");
    if (value === null) delete channelSwitches[id];
    else channelSwitches[id] = value;
  }
  const script = patch.script ? normaliseScript({ ...current.overrides, ...patch.script }) : current.overrides;
  const values = {
    enabled: patch.enabled ?? current.enabled,
    channels: channelSwitches,
    script,
    llmModel: patch.llm && "model" in patch.llm ? patch.llm.model?.trim() || null : current.llm.model,
    embeddingModel: patch.llm && "embeddingModel" in patch.llm ? patch.llm.embeddingModel?.trim() || null : current.embeddingModel,
    ...transcriptionValues(patch.transcription, current),
    updatedBy: member.membershipId,
    updatedAt: new Date(),
  };
  await tx.insert(agentSettings).values({ projectId, ...values }).onConflictDoUpdate({ target: agentSettings.projectId, set: values });
  if (patch.llm && "apiKey" in patch.llm && patch.llm.apiKey !== undefined) {
    const key = patch.llm.apiKey?.trim();
    await tx
      .update(projects)
      .set({ openaiKeyEnc: key ? encryptSecret(key, opts.secretKey) : null, openaiKeyBaseUrl: key ? opts.openaiBaseUrl : null })
      .where(eq(projects.id, projectId));
  }
  const changed: Record<string, unknown> = {};
  if (patch.enabled !== undefined) changed.enabled = patch.enabled;
  if (patch.channels) changed.channels = patch.channels;
  if (patch.script) changed.script = Object.keys(patch.script);
  if (patch.llm) changed.llm = { model: values.llmModel, keyChanged: patch.llm.apiKey !== undefined, ...(values.embeddingModel !== current.embeddingModel ? { embeddingModel: values.embeddingModel } : {}) };
  if (patch.transcription !== undefined) changed.transcription = patch.transcription;
  await recordAudit(tx, { projectId, actorUserId: member.userId, action: "agent.updated", targetType: "project", targetId: projectId, details: changed });
  return getAgentSettings(tx, projectId, opts);
}
