import { describe, expect, it } from "vitest";
import { decodeStartPayload, encodeStartPayload, START_PAYLOAD_MAX_LENGTH, telegramStartAttribution, vkRefAttribution } from "./attribution.ts";
import { ChannelError } from "./errors.ts";

describe("start payload scheme", () => {
  it("packs simple tags in the readable form and reads them back", () => {
    const tags = { source: "vk_ads", medium: "cpc", campaign: "spring_sale", content: "banner_2" };
    expect(encodeStartPayload(tags)).toBe("u-vk_ads-cpc-spring_sale-banner_2");
    expect(decodeStartPayload("u-vk_ads-cpc-spring_sale-banner_2")).toEqual(tags);
  });

  it("drops trailing empty tags and keeps empty ones in the middle", () => {
    expect(encodeStartPayload({ source: "tg", medium: "cpc" })).toBe("u-tg-cpc");
    expect(encodeStartPayload({ source: "tg", campaign: "autumn" })).toBe("u-tg--autumn");
    expect(decodeStartPayload("u-tg--autumn")).toEqual({ source: "tg", campaign: "autumn" });
  });

  it("falls back to base64url for dots, spaces and Cyrillic", () => {
    const tags = { source: "yandex.direct", medium: "cpc", campaign: "весна" };
    const payload = encodeStartPayload(tags);
    expect(payload).toBe("x-eWFuZGV4LmRpcmVjdApjcGMK0LLQtdGB0L3QsA");
    expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeStartPayload(payload)).toEqual(tags);
  });

  it("refuses tags that do not fit 64 characters", () => {
    const long = { source: "a".repeat(30), medium: "b".repeat(30), campaign: "c" };
    expect(() => encodeStartPayload(long)).toThrow(ChannelError);
    expect(encodeStartPayload({ source: "s".repeat(START_PAYLOAD_MAX_LENGTH - 2) })).toHaveLength(START_PAYLOAD_MAX_LENGTH);
  });

  it("treats foreign payloads as raw, without tags", () => {
    expect(decodeStartPayload("promo2025")).toBeUndefined();
    expect(decodeStartPayload("u-a-b-c-d-e")).toBeUndefined();
    expect(decodeStartPayload("x-!!")).toBeUndefined();
    expect(telegramStartAttribution("promo2025")).toEqual({ via: "telegram_start", raw: "promo2025" });
  });

  it("reads VK ref and ref_source with the same scheme", () => {
    expect(vkRefAttribution("u-vk-cpc", "feed")).toEqual({ via: "vk_ref", raw: "u-vk-cpc", refSource: "feed", utm: { source: "vk", medium: "cpc" } });
    expect(vkRefAttribution("summer", undefined)).toEqual({ via: "vk_ref", raw: "summer" });
    expect(vkRefAttribution(undefined, undefined)).toBeUndefined();
  });
});
