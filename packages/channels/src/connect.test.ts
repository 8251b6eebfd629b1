import { describe, expect, it } from "vitest";
import { createChannelAdapter } from "./connect.ts";
import { TelegramAdapter } from "./telegram/adapter.ts";
import { VkAdapter } from "./vk/adapter.ts";

describe("createChannelAdapter", () => {
  it("builds the adapter of the channel's kind with its settings", () => {
    const vk = createChannelAdapter({ kind: "vk", groupId: 5, token: "t", apiBaseUrl: "http://127.0.0.1:1/method" });
    expect(vk).toBeInstanceOf(VkAdapter);
    expect((vk as VkAdapter).config).toEqual({ groupId: 5, token: "t", apiBaseUrl: "http://127.0.0.1:1/method" });
    const telegram = createChannelAdapter({ kind: "telegram", token: "1:x" });
    expect(telegram).toBeInstanceOf(TelegramAdapter);
    expect(telegram.kind).toBe("telegram");
  });
});
