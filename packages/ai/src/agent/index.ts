export { decideTurn } from "./turn.ts";
export { defaultScript, fillTemplate, DEFAULT_TEXTS, DEFAULT_MAX_PHONE_ASKS, DEFAULT_TIMEOUT_MINUTES, type AgentScript } from "./script.ts";
export { silenceDeadline, isSilenceExpired, timeoutTransition, type TimeoutInput } from "./timeout.ts";
export * from "./types.ts";
