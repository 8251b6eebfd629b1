import { TelegramAdapter, type TelegramChannelConfig } from "./telegram/adapter.ts";
import { VkAdapter, type VkChannelConfig } from "./vk/adapter.ts";

/** A channel's connection settings as stored (token decrypted by the caller). */
export type ChannelConfig = ({ kind: "vk" } & VkChannelConfig) | ({ kind: "telegram" } & TelegramChannelConfig);

export function createChannelAdapter(config: ChannelConfig): VkAdapter | TelegramAdapter {
  if (config.kind === "vk") {
    const { kind: _kind, ...vk } = config;
    return new VkAdapter(vk);
  }
  const { kind: _kind, ...telegram } = config;
  return new TelegramAdapter(telegram);
}
