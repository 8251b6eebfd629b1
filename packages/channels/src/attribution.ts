import { ChannelError } from "./errors.ts";
import type { FirstTouchAttribution, UtmTags } from "./types.ts";

/**
 * Threadline's link scheme for first-touch attribution.
 *
 * A Telegram deep link https://t.me/<bot>?start=<payload> and a VK link
 * https://vk.me/<community>?ref=<payload> carry one payload of at most 64 characters from the
 * alphabet A–Z a–z 0–9 _ - (Telegram's rule for start parameters). The four UTM tags are packed in
 * the order source, medium, campaign, content:
 *
 *   u-<source>-<medium>-<campaign>-<content>
 *       Readable form, used when every value consists of A–Z a–z 0–9 and _ only.
 *       Trailing empty tags are dropped: "u-vk_ads-cpc" is source=vk_ads, medium=cpc.
 *       Example: u-vk_ads-cpc-spring_sale-banner_2
 *
 *   x-<base64url>
 *       Any other values (dots, spaces, Cyrillic): the UTF-8 bytes of
 *       source "\n" medium "\n" campaign "\n" content, in base64url without padding.
 *       Example: x-eWFuZGV4LmRpcmVjdApjcGMK0LLQtdGB0L3QsA (yandex.direct / cpc / весна)
 *
 * Anything else is a foreign payload: kept raw, with no UTM tags.
 * encodeStartPayload picks the readable form when it can, and throws when the tags do not fit.
 */
export const START_PAYLOAD_MAX_LENGTH = 64;

const UTM_ORDER = ["source", "medium", "campaign", "content"] as const;
const READABLE_VALUE = /^[A-Za-z0-9_]*$/;
const PAYLOAD_ALPHABET = /^[A-Za-z0-9_-]*$/;

function tagValues(tags: UtmTags): string[] {
  const values = UTM_ORDER.map((key) => tags[key] ?? "");
  while (values.length > 0 && values[values.length - 1] === "") values.pop();
  return values;
}

function tagsFrom(values: string[]): UtmTags | undefined {
  const tags: UtmTags = {};
  UTM_ORDER.forEach((key, i) => {
    const value = values[i];
    if (value) tags[key] = value;
  });
  return Object.keys(tags).length > 0 ? tags : undefined;
}

export function encodeStartPayload(tags: UtmTags): string {
  const values = tagValues(tags);
  if (values.some((value) => value.includes("\n"))) {
    throw tooLong("UTM values cannot contain line breaks");
  }
  const payload = values.every((value) => READABLE_VALUE.test(value))
    ? ["u", ...values].join("-")
    : `x-${Buffer.from(values.join("\n"), "utf8").toString("base64url")}`;
  if (payload.length > START_PAYLOAD_MAX_LENGTH) {
    throw tooLong(`start payload is ${payload.length} characters, at most ${START_PAYLOAD_MAX_LENGTH} fit`);
  }
  return payload;
}

/** UTM tags from a payload in Threadline's scheme, or undefined for a foreign payload. */
export function decodeStartPayload(payload: string): UtmTags | undefined {
  if (payload.length > START_PAYLOAD_MAX_LENGTH || !PAYLOAD_ALPHABET.test(payload)) return undefined;
  if (payload.startsWith("u-")) {
    const values = payload.slice(2).split("-");
    if (values.length > UTM_ORDER.length) return undefined;
    return tagsFrom(values);
  }
  if (payload.startsWith("x-")) {
    const bytes = Buffer.from(payload.slice(2), "base64url");
    const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
    if (text.includes("\uFFFD")) return undefined;
    const values = text.split("\n");
    if (values.length > UTM_ORDER.length) return undefined;
    return tagsFrom(values);
  }
  return undefined;
}

export function telegramStartAttribution(payload: string): FirstTouchAttribution {
  const utm = decodeStartPayload(payload);
  return { via: "telegram_start", raw: payload, ...(utm ? { utm } : {}) };
}

export function vkRefAttribution(ref: string | undefined, refSource: string | undefined): FirstTouchAttribution | undefined {
  if (!ref && !refSource) return undefined;
  const raw = ref ?? "";
  const utm = decodeStartPayload(raw);
  return { via: "vk_ref", raw, ...(refSource ? { refSource } : {}), ...(utm ? { utm } : {}) };
}

function tooLong(message: string): ChannelError {
  return new ChannelError({
    channel: "telegram",
    kind: "invalid_request",
    message,
    reason: { code: "channel.utmTooLong" }, reasonRu: "метки не помещаются в ссылку (до 64 символов) — сократите значения UTM",
  });
}
