// Client silence while the agent waits for an answer. The worker schedules a delayed job at
// `silenceDeadline` and, when it fires, asks `timeoutTransition` whether the lead is now low quality;
// any client message moves the deadline on.
import type { AgentScript } from "./script.ts";
import type { KnownContact, LeadStage, LeadTransition, ThreadMessage } from "./types.ts";

const MINUTE_MS = 60_000;

function time(value: Date | string): number {
  return value instanceof Date ? value.getTime() : Date.parse(value);
}

/**
 * When the client's silence runs out: the time of the thread's last message plus the timeout,
 * counted only once the agent has asked for the phone (before that it is not waiting for anything).
 */
export function silenceDeadline(thread: readonly ThreadMessage[], timeoutMinutes: number): Date | null {
  if (!thread.some((m) => m.author === "agent" && (m.action === "ask_phone" || m.action === "ask_field"))) return null;
  const last = thread.at(-1);
  if (!last) return null;
  return new Date(time(last.sentAt) + timeoutMinutes * MINUTE_MS);
}

/** Whether the client has been silent for the whole timeout since the last message. */
export function isSilenceExpired(thread: readonly ThreadMessage[], timeoutMinutes: number, now: Date): boolean {
  const deadline = silenceDeadline(thread, timeoutMinutes);
  return deadline !== null && now.getTime() >= deadline.getTime();
}

export interface TimeoutInput {
  script: Pick<AgentScript, "timeoutMinutes">;
  thread: readonly ThreadMessage[];
  stage: LeadStage;
  known?: KnownContact;
  now: Date;
}

/**
 * The transition a silence timeout causes: `bot` without a phone → `low_quality`; with the phone
 * (the agent was still collecting the script's other fields) → `assigned`, a person takes it as it is.
 */
export function timeoutTransition(input: TimeoutInput): LeadTransition | null {
  if (input.stage !== "bot") return null;
  if (!isSilenceExpired(input.thread, input.script.timeoutMinutes, input.now)) return null;
  if (!input.known?.phone) return { to: "low_quality", reason: "silence_timeout" };
  const lastAsk = [...input.thread].reverse().find((m) => m.author === "agent" && (m.action === "ask_phone" || m.action === "ask_field"));
  return lastAsk?.action === "ask_field" ? { to: "assigned", reason: "phone_known" } : null;
}
