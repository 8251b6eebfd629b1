import { z } from "zod";
import { assigneeOf } from "@threadline/domain/conversations/thread.ts";
import { listWonExamples, removeWonExample } from "@threadline/domain/leads/examples.ts";
import { countUnreadNotifications, listNotifications, markNotificationsRead } from "@threadline/domain/leads/notifications.ts";
import { verifyLlmKey } from "@threadline/domain/leads/agent-health.ts";
import { embeddingModelChanges, getAgentSettings, loadAgentConfig, modelToVerify, updateAgentSettings } from "@threadline/domain/leads/settings.ts";
import { listLeadEvents, manualStages, setLeadStage } from "@threadline/domain/leads/stage-change.ts";
import { AGENT_ACTIONS, sandboxTurn } from "@threadline/domain/leads/sandbox.ts";
import { embedPendingPassages } from "@threadline/domain/knowledge/embeddings.ts";
import { projectProcedure, projectProcedureWithoutTx, router } from "../init.ts";
import { embeddingDeps } from "./knowledge.ts";

const conversationId = z.string().uuid();
const text = (max: number) => z.string().trim().max(max, `Не длиннее ${max} символов`);

const faqEntry = z.object({
  q: z.array(text(300)).min(1, "Добавьте хотя бы один вариант вопроса").max(30),
  a: text(2000).min(1, "Напишите ответ"),
});

// Every field is optional: a field left out keeps its saved value; an empty text restores the default.
const script = z
  .object({
    greeting: text(1000),
    facts: z.record(text(60).min(1, "Укажите название факта"), text(1000)).refine((f) => Object.keys(f).length <= 50, "Не больше 50 фактов"),
    faq: z.array(faqEntry).max(200, "Не больше 200 вопросов"),
    handoffTopics: z.array(text(60)).max(100),
    askPhone: text(1000),
    askPhoneAgain: text(1000),
    reAskPhone: text(1000),
    unknownQuestion: text(1000),
    invalidPhone: text(1000),
    confirmPhone: text(1000),
    handoff: text(1000),
    decline: text(1000),
    maxPhoneAsks: z.number().int().min(1, "Хотя бы одна просьба").max(10, "Не больше 10 просьб"),
    timeoutMinutes: z.number().int().min(1, "Не меньше минуты").max(7 * 24 * 60, "Не больше недели"),
    // The sales script: objection answers, fields collected before the handoff, the owner's instructions.
    objections: z.array(faqEntry).max(100, "Не больше 100 возражений"),
    collect: z.array(z.enum(["phone", "name", "date", "address", "budget"])).max(5),
    fieldAsks: z.object({ name: text(500), date: text(500), address: text(500), budget: text(500) }).partial(),
    instructions: text(4000),
  })
  .partial();

const manage = projectProcedure("agent.manage");

/** The project's first-contact agent: its switch per channel, script and model. */
export const agentRouter = router({
  get: manage.query(({ ctx }) => getAgentSettings(ctx.tx, ctx.member.projectId, { openaiBaseUrl: ctx.endpoints.openaiBaseUrl })),

  // A new key or model is checked with the provider before it is saved, with no transaction open.
  update: projectProcedureWithoutTx("agent.manage")
    .input(
      z.object({
        enabled: z.boolean().optional(),
        channels: z.record(z.string().uuid(), z.boolean().nullable()).optional(),
        script: script.optional(),
        // Strict: the model API's address is the operator's setting (OPENAI_BASE_URL), not the project's.
        llm: z
          .strictObject({
            model: text(100).nullable().optional(),
            apiKey: text(300).nullable().optional(),
            // The knowledge base's embedding model at the same API (empty: the default).
            embeddingModel: text(100).regex(/^[\w.:/-]*$/, "Название модели: латиница, цифры и . _ : / -").nullable().optional(),
          })
          .optional(),
        // Who transcribes clients' voice notes: off, the OpenAI-compatible API, or ElevenLabs.
        transcription: z.enum(["off", "openai", "elevenlabs"]).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const opts = { secretKey: ctx.secretKey, openaiBaseUrl: ctx.endpoints.openaiBaseUrl };
      const projectId = ctx.member.projectId;
      const current = await ctx.inTenant((tx) => loadAgentConfig(tx, projectId));
      const check = modelToVerify(current, input.llm, opts);
      const reembed = embeddingModelChanges(current, input.llm);
      // Counted before the provider is asked: saving in a loop cannot make the server call out.
      if (check || reembed) await ctx.aiLimiter.take("keyCheck", ctx.member);
      if (check) await verifyLlmKey({ ...check, baseURL: opts.openaiBaseUrl });
      const saved = await ctx.inTenant((tx) => updateAgentSettings(tx, ctx.member, input, opts));
      if (input.llm?.apiKey !== undefined) await ctx.agentHealth.forget(projectId);
      // A new key or another embedding model embeds the passages the project already has; a
      // failure shows on the model's health and the knowledge base is searched by text meanwhile.
      if (input.llm?.apiKey || reembed) await embedPendingPassages(embeddingDeps(ctx), projectId);
      return saved;
    }),

  /** The model's health as the agent met it: when it last answered, its last failure. */
  health: manage.query(({ ctx }) => ctx.agentHealth.read(ctx.member.projectId)),

  /** Won conversations the agent learns from. */
  examples: manage
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => listWonExamples(ctx.tx, ctx.member, input)),

  removeExample: manage.input(z.object({ exampleId: z.string().uuid() })).mutation(({ ctx, input }) => removeWonExample(ctx.tx, ctx.member, input.exampleId)),

  /**
   * How far behind the agent is: turns due and waiting, running, not yet due, and how long the
   * oldest has waited. Client messages reach the inbox at once either way; this is when the agent
   * answers them.
   */
  backlog: manage.query(({ ctx }) => ctx.jobs.agentBacklog()),
  /** «Проверить агента»: one turn on a conversation held by the page, stored nowhere but the model's usage. */
  sandbox: projectProcedureWithoutTx("agent.manage")
    .input(
      z.object({
        messages: z
          .array(z.object({ author: z.enum(["client", "agent"]), text: z.string().trim().min(1).max(2000), action: z.enum(AGENT_ACTIONS).nullable().optional() }))
          .min(1)
          .max(40, "Начните проверку заново: не больше 40 сообщений")
          .refine((m) => m.at(-1)?.author === "client", "Последнее сообщение — от клиента"),
        known: z.object({ phone: z.string().max(30).nullable(), name: z.string().max(200).nullable(), email: z.string().max(200).nullable() }).partial().optional(),
      }),
    )
    .output(
      z.object({
        replies: z.array(z.object({ text: z.string(), action: z.enum(AGENT_ACTIONS) })),
        passages: z.array(z.object({ id: z.string(), title: z.string(), text: z.string() })),
        rules: z.array(z.string()),
        known: z.object({ phone: z.string().nullable().optional(), name: z.string().nullable().optional(), email: z.string().nullable().optional() }),
        stage: z.string(),
        mode: z.enum(["llm", "fallback", "rules"]),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      // Counted before the search and the model: a refused turn costs nothing.
      await ctx.aiLimiter.take("sandbox", ctx.member);
      return sandboxTurn(ctx.inTenant, ctx.member, { secretKey: ctx.secretKey, endpoints: ctx.endpoints, logger: ctx.logger, health: ctx.agentHealth }, input);
    }),
});

const inbox = projectProcedure("inbox.use");

/** Lead stages of conversations, changed by hand and their history. */
export const leadsRouter = router({
  setStage: inbox
    .input(z.object({ conversationId, stage: z.enum(manualStages), reason: text(200).optional() }))
    .mutation(async ({ ctx, input }) => {
      const result = await setLeadStage(ctx.tx, ctx.member, input.conversationId, input.stage, input.reason);
      if (result.changed) {
        const assigneeId = await assigneeOf(ctx.tx, input.conversationId);
        ctx.afterCommit(() => ctx.publish({ type: "conversation.updated", projectId: ctx.member.projectId, conversationId: input.conversationId, assigneeId }));
      }
      return result;
    }),

  events: inbox.input(z.object({ conversationId })).query(({ ctx, input }) => listLeadEvents(ctx.tx, ctx.member, input.conversationId)),
});

/** The signed-in member's own notifications in this project. */
export const notificationsRouter = router({
  list: projectProcedure()
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50), unreadOnly: z.boolean().default(false) }))
    .query(({ ctx, input }) => listNotifications(ctx.tx, ctx.member, input)),

  unreadCount: projectProcedure().query(({ ctx }) => countUnreadNotifications(ctx.tx, ctx.member)),

  /** The ones given, or all of the member's notifications when `ids` is left out. */
  markRead: projectProcedure()
    .input(z.object({ ids: z.array(z.string().uuid()).min(1).max(500).optional() }))
    .mutation(({ ctx, input }) => markNotificationsRead(ctx.tx, ctx.member, input.ids)),
});
