import type { ChannelFailure } from "./failures.ts";
import type { ChannelKind } from "./types.ts";

/**
 * rate_limited  – the platform asked us to slow down; retry after retryAfterMs.
 * client_denied – the client blocked the bot or forbade messages; retrying will not help.
 * invalid_request – the request or the incoming payload is wrong; retrying will not help.
 * auth          – bad token, forged webhook secret, or another channel's payload.
 * unavailable   – the platform or the network failed; retry after retryAfterMs.
 */
export type ChannelErrorKind = "rate_limited" | "client_denied" | "invalid_request" | "auth" | "unavailable";

export interface ChannelErrorOptions {
  channel: ChannelKind;
  kind: ChannelErrorKind;
  message: string;
  /** Why, as a code the UI words; stored next to a failed message or import. */
  reason: ChannelFailure;
  /** The same in Russian, for logs and readers that do not know the code. */
  reasonRu: string;
  retryAfterMs?: number;
  /** VK error_code or Telegram error_code, when the platform gave one. */
  platformCode?: number;
  /** Overrides the status derived from kind (e.g. 413 for an oversized webhook body). */
  httpStatus?: number;
  /**
   * No answer came back (connection lost, timeout): the platform may have carried the request
   * out. A send repeated after this may deliver the message twice.
   */
  outcomeUnknown?: boolean;
  cause?: unknown;
}

export class ChannelError extends Error {
  override name = "ChannelError";
  readonly channel: ChannelKind;
  readonly kind: ChannelErrorKind;
  readonly reason: ChannelFailure;
  readonly reasonRu: string;
  readonly retryAfterMs?: number;
  readonly platformCode?: number;
  readonly outcomeUnknown: boolean;
  private readonly statusOverride?: number;

  constructor(options: ChannelErrorOptions) {
    super(options.message, { cause: options.cause });
    this.channel = options.channel;
    this.kind = options.kind;
    this.reason = options.reason;
    this.reasonRu = options.reasonRu;
    this.retryAfterMs = options.retryAfterMs;
    this.platformCode = options.platformCode;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
    this.statusOverride = options.httpStatus;
  }

  /** Whether sending again later can succeed. */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "unavailable";
  }

  /** The status a webhook endpoint answers with when parsing failed with this error. */
  get httpStatus(): number {
    if (this.statusOverride !== undefined) return this.statusOverride;
    if (this.kind === "auth") return 403;
    if (this.kind === "unavailable" || this.kind === "rate_limited") return 503;
    return 400;
  }
}

export function isChannelError(error: unknown): error is ChannelError {
  return error instanceof ChannelError;
}

export function malformedPayload(channel: ChannelKind, message: string, cause?: unknown): ChannelError {
  return new ChannelError({
    channel,
    kind: "invalid_request",
    message,
    reason: { code: "channel.badPayload" }, reasonRu: "платформа прислала данные в непонятном формате",
    cause,
  });
}

export function forgedSecret(channel: ChannelKind, message: string): ChannelError {
  return new ChannelError({
    channel,
    kind: "auth",
    message,
    reason: { code: "channel.unsigned" }, reasonRu: "запрос не подписан секретом канала",
  });
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "ENOTFOUND",
  "EPIPE",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
]);

/** Network failures and timeouts, as thrown by node-fetch, undici or an AbortSignal. */
export function isNetworkFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "AbortError" || error.name === "FetchError" || error.name === "TimeoutError") return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  return error.cause !== undefined && error.cause !== error && isNetworkFailure(error.cause);
}

// Failures before a connection exists: the request never reached the platform.
const NOT_CONNECTED_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"]);

function neverConnected(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && NOT_CONNECTED_CODES.has(code)) return true;
  return error.cause !== undefined && error.cause !== error && neverConnected(error.cause);
}

/**
 * The platform failed or could not be reached. With `answered`, it replied with an error (it did
 * not carry the request out); without, the outcome is unknown unless no connection was made.
 */
export function platformUnavailable(channel: ChannelKind, cause: unknown, options: { answered?: boolean } = {}): ChannelError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ChannelError({
    channel,
    kind: "unavailable",
    message: `${channel} is unreachable: ${detail}`,
    reason: { code: "channel.unavailable", params: { platform: channel === "vk" ? "VK" : "Telegram" } },
    reasonRu: channel === "vk" ? "VK не отвечает, повторим отправку" : "Telegram не отвечает, повторим отправку",
    retryAfterMs: 2000,
    outcomeUnknown: !options.answered && !neverConnected(cause),
    cause,
  });
}
