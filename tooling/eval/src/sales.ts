// The sales eval through the real pipeline: each case gets a fresh project as first-contact does,
// plus its catalog (written by the catalog service), its documents (added to the knowledge base
// and cut into passages), its objection answers and fields to collect, and speech-to-text on the
// OpenAI simulator with no language model. A `voice` turn is a real voice message through the
// platform simulator; its transcription is the case's text. What the agent retrieved per turn is
// read from its traces.
import { and, asc, eq, isNotNull } from "drizzle-orm";
import { catalogForCase, checkSalesCase, type SalesCase, type SalesResult, type SalesOutcome, type LeadStage } from "@threadline/ai";
import { agentSettings, agentTraces, contacts, conversations, projects, withTenant } from "@threadline/db";
import { encryptSecret } from "@threadline/domain";
import { upsertCatalog } from "@threadline/domain/catalog/index.ts";
import { addDocument } from "@threadline/domain/knowledge/index.ts";
import { OpenAiSimulator, simulatedVoice } from "@threadline/simulators/ai";
import { agentOutcome, buildProject, connectChannel, playTurns, type EvalWorld } from "./first-contact.ts";

let nextClientId = 900_000;

export type SalesWorld = EvalWorld & { openai: OpenAiSimulator };

/** The first-contact world with the OpenAI simulator as the operator's model API (speech-to-text only). */
export async function withSpeechToText(world: EvalWorld): Promise<SalesWorld> {
  const openai = new OpenAiSimulator();
  await openai.start();
  world.env.useEndpoints({ openaiBaseUrl: openai.baseURL });
  const close = world.close;
  return {
    ...world,
    openai,
    async close() {
      await close();
      await openai.stop();
    },
  };
}

async function buildSalesProject(world: SalesWorld, c: SalesCase) {
  const built = await buildProject(world, { project: { ...c.project, timeoutMinutes: c.project.timeoutMinutes ?? NaN, maxPhoneAsks: c.project.maxPhoneAsks ?? NaN } });
  const { projectId } = built;
  const db = world.env.db;
  await withTenant(db, projectId, async (tx) => {
    await tx
      .update(projects)
      .set({ currency: c.project.currency, openaiKeyEnc: encryptSecret(world.openai.apiKey, world.env.deps.secretKey), openaiKeyBaseUrl: world.openai.baseURL })
      .where(eq(projects.id, projectId));
    const [settings] = await tx.select({ script: agentSettings.script }).from(agentSettings).where(eq(agentSettings.projectId, projectId));
    await tx
      .update(agentSettings)
      .set({
        script: { ...settings!.script, objections: c.project.objections, ...(c.project.collect ? { collect: c.project.collect } : {}) },
        transcriptionModel: "whisper-1",
        llmModel: null,
      })
      .where(eq(agentSettings.projectId, projectId));
    const catalog = catalogForCase(c);
    if (catalog.products.length) {
      await upsertCatalog(
        tx,
        projectId,
        catalog.products.map((p) => ({
          name: p.name,
          category: p.category ?? undefined,
          description: p.description,
          priceMinor: p.priceMinor,
          available: p.available,
          options: p.options.map((o) => ({ group: o.group, name: o.name, priceDeltaMinor: o.priceDeltaMinor })),
          upsell: p.upsell,
        })),
      );
    }
    for (const d of c.project.documents) await addDocument(tx, projectId, null, { title: d.title, text: d.text });
  });
  return built;
}

async function retrievedTitles(world: EvalWorld, projectId: string, conversationId: string): Promise<string[][]> {
  const rows = await withTenant(world.env.db, projectId, (tx) =>
    tx.select({ retrieved: agentTraces.retrieved }).from(agentTraces).where(eq(agentTraces.conversationId, conversationId)).orderBy(asc(agentTraces.id)),
  );
  return rows.map((r) => r.retrieved.map((p) => p.title));
}

/** Plays one case through the pipeline and checks it. */
export async function runSalesCase(world: SalesWorld, c: SalesCase): Promise<SalesResult> {
  const { projectId, managerIds } = await buildSalesProject(world, c);
  const client = await connectChannel(world, projectId, c.channel, nextClientId++);
  const { reasks, extra } = await playTurns(world, projectId, client, c.client, (turn) => {
    if ("voice" in turn) {
      const audio = simulatedVoice(turn.voice);
      client.voice(audio, Math.max(1, Math.round(audio.length / 2000)));
      return turn.voice;
    }
    client.say(turn.say);
    return turn.say;
  });
  const { conversation, stored } = await agentOutcome(world, projectId, client, extra);
  const [contact] = conversation
    ? await withTenant(world.env.db, projectId, (tx) =>
        tx.select({ name: contacts.name }).from(contacts).innerJoin(conversations, eq(conversations.contactId, contacts.id)).where(and(eq(conversations.id, conversation.id), isNotNull(contacts.name))),
      )
    : [];
  const outcome: SalesOutcome = {
    stage: (conversation?.stage ?? "bot") as LeadStage,
    phone: conversation?.phone ?? null,
    assignedTo: conversation?.assigneeId ? (managerIds.get(conversation.assigneeId) ?? `member ${conversation.assigneeId}`) : null,
    contactName: contact?.name ?? null,
    agentMessages: stored.map((m) => ({ text: m.text, action: (m.action as SalesOutcome["agentMessages"][number]["action"]) ?? null })),
    reasks,
    retrieved: conversation ? await retrievedTitles(world, projectId, conversation.id) : [],
  };
  const result = checkSalesCase(c, outcome);
  if (extra.length) return { ...result, passed: false, failures: [...result.failures, ...extra] };
  return result;
}
