import type { ChannelEvent } from "./types.ts";

/**
 * The queue job id of an event: our channel id plus the event's dedupeId (channel kind and the
 * platform's message or update id), so a redelivered webhook maps to the job already queued.
 * Only dots separate the parts: queue libraries reserve ":" in their keys.
 */
export function eventJobId(channelId: string, event: Pick<ChannelEvent, "dedupeId">): string {
  return `${channelId.replaceAll(":", "_")}.${event.dedupeId.replaceAll(":", "_")}`;
}
