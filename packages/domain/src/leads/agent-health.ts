// The agent's model health per project, for the owner: when the model last answered and its last
// failure (the agent then answered by its rules). Kept in Redis, written on every model call by
// the job processes and read by admin; one small hash per project, no row lock on a busy project.
import type { Redis } from "ioredis";
import type { Logger } from "@threadline/config";
import { checkLlmKey, type LlmErrorKind } from "@threadline/ai";
import { badRequest } from "../errors.ts";

export type ModelOutcome = { ok: true } | { ok: false; kind: LlmErrorKind; message: string };

export type AgentHealthView = {
  /** `ok`: the last call answered; `failing`: the last call failed, the rules answer; `unknown`: no call yet. */
  state: "ok" | "failing" | "unknown";
  lastOkAt: string | null;
  lastError: { at: string; kind: LlmErrorKind; message: string } | null;
};

/** Health lives a month past the last call: a project whose key was removed forgets it. */
const TTL_SECONDS = 30 * 24 * 3600;

export class AgentHealth {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = "tl",
    private readonly now: () => Date = () => new Date(),
  ) {}

  private key(projectId: string) {
    return `${this.prefix}:agent-health:${projectId}`;
  }

  async record(projectId: string, outcome: ModelOutcome): Promise<void> {
    const at = this.now().toISOString();
    const fields = outcome.ok ? { okAt: at } : { errorAt: at, errorKind: outcome.kind, errorMessage: outcome.message.slice(0, 500) };
    await this.redis.multi().hset(this.key(projectId), fields).expire(this.key(projectId), TTL_SECONDS).exec();
  }

  async read(projectId: string): Promise<AgentHealthView> {
    const h = await this.redis.hgetall(this.key(projectId));
    const lastError = h.errorAt ? { at: h.errorAt, kind: (h.errorKind ?? "request") as LlmErrorKind, message: h.errorMessage ?? "" } : null;
    const lastOkAt = h.okAt ?? null;
    const state = !lastOkAt && !lastError ? "unknown" : lastError && (!lastOkAt || lastError.at > lastOkAt) ? "failing" : "ok";
    return { state, lastOkAt, lastError };
  }

  /** A new key starts with a clean record: old failures were another key's. */
  async forget(projectId: string): Promise<void> {
    await this.redis.del(this.key(projectId));
  }
}

/** A model call's outcome onto the project's agent health; a health store that fails never fails the turn. */
export async function noteModelOutcome(
  deps: { health?: AgentHealth; logger?: Logger },
  projectId: string,
  error: { kind: LlmErrorKind; message: string } | null,
): Promise<void> {
  try {
    await deps.health?.record(projectId, error ? { ok: false, ...error } : { ok: true });
  } catch (err) {
    deps.logger?.warn({ err }, "agent health not recorded");
  }
}

/**
 * Checks a model key (and the model, when named) against the operator's model API before it is
 * saved; throws the owner's error when the key does not work. Runs outside any transaction.
 */
export async function verifyLlmKey(input: { apiKey: string; model: string | null; baseURL: string; timeoutMs?: number }): Promise<void> {
  const check = await checkLlmKey({ apiKey: input.apiKey, baseURL: input.baseURL, model: input.model, timeoutMs: input.timeoutMs });
  if (check.ok) return;
  if (check.kind === "auth") throw badRequest("agent.llmKeyRejected", "Сервис модели не принял ключ: проверьте его и сохраните снова");
  if (check.kind === "model") throw badRequest("agent.llmModelMissing", `Модель ${input.model} недоступна с этим ключом: укажите другую`, { model: input.model ?? "" });
  if (check.kind === "rate_limit") throw badRequest("agent.llmKeyRateLimited", "Сервис модели ограничил запросы этого ключа: попробуйте сохранить позже");
  throw badRequest("agent.llmUnreachable", "Не удалось проверить ключ: сервис модели не ответил. Ключ не сохранён, попробуйте позже");
}
