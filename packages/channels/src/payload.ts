import { ChannelError, malformedPayload } from "./errors.ts";
import type { ChannelKind } from "./types.ts";

// Readers for untrusted platform payloads: each failure names the field so a 400 says what was wrong.

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Webhook bodies of VK and Telegram are a few kilobytes; anything near this is not theirs.
 * Ingress should stop reading at this size; parsing refuses it too.
 */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** Accepts the raw body (string or bytes) or an already parsed object. */
export function parseJsonBody(channel: ChannelKind, body: unknown): JsonObject {
  let value = body;
  if (typeof body === "string" || body instanceof Uint8Array) {
    const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    if (size > MAX_WEBHOOK_BODY_BYTES) {
      throw new ChannelError({
        channel,
        kind: "invalid_request",
        message: `webhook body of ${size} bytes exceeds ${MAX_WEBHOOK_BODY_BYTES}`,
        reason: { code: "channel.payloadTooLarge" }, reasonRu: "слишком большой запрос для уведомления платформы",
        httpStatus: 413,
      });
    }
    const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw malformedPayload(channel, "body is not valid JSON", error);
    }
  }
  if (!isObject(value)) throw malformedPayload(channel, "body must be a JSON object");
  return value;
}

export class PayloadReader {
  constructor(
    private readonly channel: ChannelKind,
    readonly value: JsonObject,
    private readonly path: string,
  ) {}

  private fail(key: string, expected: string): never {
    throw malformedPayload(this.channel, `${this.path}.${key} must be ${expected}`);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  int(key: string): number {
    const v = this.value[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v)) this.fail(key, "an integer");
    return v;
  }

  optInt(key: string): number | undefined {
    return this.has(key) ? this.int(key) : undefined;
  }

  str(key: string): string {
    const v = this.value[key];
    if (typeof v !== "string") this.fail(key, "a string");
    return v;
  }

  optStr(key: string): string | undefined {
    return this.has(key) ? this.str(key) : undefined;
  }

  bool(key: string): boolean {
    const v = this.value[key];
    if (typeof v !== "boolean") this.fail(key, "a boolean");
    return v;
  }

  optBool(key: string): boolean | undefined {
    return this.has(key) ? this.bool(key) : undefined;
  }

  obj(key: string): PayloadReader {
    const v = this.value[key];
    if (!isObject(v)) this.fail(key, "an object");
    return new PayloadReader(this.channel, v, `${this.path}.${key}`);
  }

  optObj(key: string): PayloadReader | undefined {
    return this.has(key) ? this.obj(key) : undefined;
  }

  objects(key: string): PayloadReader[] {
    if (!this.has(key)) return [];
    const v = this.value[key];
    if (!Array.isArray(v)) this.fail(key, "an array");
    return v.map((item, i) => {
      if (!isObject(item)) this.fail(`${key}[${i}]`, "an object");
      return new PayloadReader(this.channel, item, `${this.path}.${key}[${i}]`);
    });
  }
}

export function unixToIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Drops keys whose value is undefined, so events stay compact and compare cleanly. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
