import type { Redis } from "ioredis";

// Realtime events travel through Redis pub/sub so that any number of inbox servers and workers
// can run side by side; the Socket.IO server forwards them to the rooms allowed to see them.
export const EVENTS_CHANNEL = "tl:events";

export type RealtimeEvent =
  | { type: "member.deactivated"; projectId: string; userId: string }
  | { type: "sessions.revoked"; userId: string }
  | { type: string; projectId?: string; [key: string]: unknown };

export type Publish = (event: RealtimeEvent) => Promise<void>;

export function redisPublisher(redis: Redis): Publish {
  return async (event) => {
    await redis.publish(EVENTS_CHANNEL, JSON.stringify(event));
  };
}
