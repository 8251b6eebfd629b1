import { forgedSecret, malformedPayload } from "../errors.ts";
import { parseJsonBody } from "../payload.ts";
import { secretsMatch } from "../secret.ts";
import type { ChannelEvent } from "../types.ts";
import { normaliseVkEvent } from "./events.ts";

export interface VkCallbackChannel {
  groupId: number;
  /** The secret key set for the Callback API server; VK sends it in every event. */
  secret: string;
  /** The string VK expects back from the confirmation handshake. */
  confirmation: string;
}

/**
 * What the webhook endpoint answers: the confirmation text for the handshake, "ok" for events
 * and for ignored ones (VK redelivers anything not answered with "ok").
 */
export type VkCallbackResult =
  | { kind: "confirmation"; text: string }
  | { kind: "events"; events: ChannelEvent[] }
  | { kind: "ignored"; reason: string };

/**
 * Verifies a Callback API request (group_id and secret) and normalises its event.
 * Throws ChannelError: kind "auth" for a forged secret or another community's event,
 * "invalid_request" for a body that is not a VK event.
 */
export function verifyAndParseVkCallback(input: {
  body: unknown;
  channel: VkCallbackChannel;
  now?: () => Date;
}): VkCallbackResult {
  const event = parseJsonBody("vk", input.body);
  const { channel } = input;
  if (typeof event.type !== "string") throw malformedPayload("vk", "event.type must be a string");
  if (typeof event.group_id !== "number") throw malformedPayload("vk", "event.group_id must be an integer");
  if (event.group_id !== channel.groupId) {
    throw forgedSecret("vk", `event for community ${event.group_id} reached the endpoint of ${channel.groupId}`);
  }
  const secret = typeof event.secret === "string" ? event.secret : undefined;
  if (event.type === "confirmation") {
    // The handshake carries the secret only when one is already set; a wrong one is still forged.
    if (secret !== undefined && !secretsMatch(secret, channel.secret)) {
      throw forgedSecret("vk", "confirmation request with a wrong secret");
    }
    return { kind: "confirmation", text: channel.confirmation };
  }
  if (secret === undefined || !secretsMatch(secret, channel.secret)) {
    throw forgedSecret("vk", "Callback API event with a missing or wrong secret");
  }
  return normaliseVkEvent(event, input.now);
}
