// Platform simulators for tests, benchmarks and the demo: real HTTP servers on loopback that
// the production adapters reach through their SDKs' base-URL options.
export { VkApiSimulator, type VkClientAttachment, type VkSentMessage, type VkSimulatorOptions, type VkUploadRecord } from "./vk/simulator.ts";
export { VK_METHODS } from "./vk/methods.ts";
export type { VkFaultKind, VkFaultSchedule } from "./vk/faults.ts";
export { SeededCommunityHistory, realisticMessageCount, seededRandom, type SeedOptions } from "./vk/seeded.ts";
export { VK_ERRORS } from "./vk/params.ts";
export type { VkSimMessage } from "./vk/records.ts";
export {
  TelegramBotApiSimulator,
  type TelegramSimulatorOptions,
  type TgClient,
  type TgClientMessageInput,
} from "./telegram/simulator.ts";
export { TG_METHODS } from "./telegram/methods.ts";
export type { TgSentMessage, TgUser } from "./telegram/world.ts";
export type { DeliveryAttempt } from "./delivery.ts";
export { solidPng } from "./images.ts";
export { RUSSIAN_CONVERSATIONS, type ConversationScript, type ScriptStep } from "./conversations.ts";
export {
  startScriptedClients,
  telegramScriptedTarget,
  vkScriptedTarget,
  type ScriptedClientsOptions,
  type ScriptedClientsRun,
  type ScriptedClientTarget,
} from "./scripted-clients.ts";
export { TelegramMenuClient, VkMenuClient, startMenuShoppers, startVkMenuShoppers, type MenuCheckout, type MenuOrderLine } from "./menu-client.ts";
