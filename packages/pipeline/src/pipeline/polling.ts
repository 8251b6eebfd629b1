import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Redis } from "ioredis";
import { channels, withTenant, type Db } from "@threadline/db";
import type { Logger } from "@threadline/config";
import type { InboundJob } from "../jobs/index.ts";
import type { ChannelDirectory } from "./channels.ts";

// Channels without a public webhook URL receive through the platform's long polling (VK Bots
// Long Poll, Telegram getUpdates). Each such channel gets one loop in one worker process: a lease
// in Redis keeps two workers from polling the same bot (Telegram answers the second with 409).
// Events go to the same inbound queue as webhooks, and the cursor is saved
// after they are queued: a crash in between gives a redelivery, which ingest makes harmless.

export type PollingDeps = {
  db: Db;
  channels: ChannelDirectory;
  redis: Redis;
  enqueueInbound: (job: InboundJob) => Promise<unknown>;
  logger: Logger;
  prefix?: string;
  /** How often the list of polling channels is read again (connected, switched, paused). */
  rescanMs?: number;
  /** How long one long-poll request may wait for updates. */
  waitSeconds?: number;
};

const LEASE_MS = 90_000;
const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

// Extends the lease only while it is still ours: another worker may have taken it after a stall.
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

type Loop = { stop: AbortController; done: Promise<void> };

/** Starts polling every channel set to receive by polling; returns a handle that stops them all. */
export function startPollers(deps: PollingDeps) {
  const owner = randomUUID();
  const loops = new Map<string, Loop>();
  const leaseKey = (channelId: string) => `${deps.prefix ?? "tl"}:poll-lease:${channelId}`;

  async function scan() {
    const rows = await deps.db.execute<{ id: string; projectId: string }>(sql`select id, project_id as "projectId" from polling_channels()`);
    const wanted = new Map(rows.map((r) => [r.id, r.projectId]));
    for (const [id, loop] of loops) {
      if (wanted.has(id)) continue;
      loop.stop.abort();
      loops.delete(id);
    }
    for (const [id, projectId] of wanted) {
      if (loops.has(id)) continue;
      if ((await deps.redis.set(leaseKey(id), owner, "PX", LEASE_MS, "NX")) !== "OK") continue;
      const stop = new AbortController();
      const done = pollChannel(deps, { id, projectId }, stop.signal, () => renew(id)).finally(() => {
        void deps.redis.eval(RELEASE, 1, leaseKey(id), owner).catch(() => undefined);
        if (loops.get(id)?.stop === stop) loops.delete(id);
      });
      loops.set(id, { stop, done });
    }
  }

  async function renew(channelId: string): Promise<boolean> {
    return (await deps.redis.eval(RENEW, 1, leaseKey(channelId), owner, LEASE_MS)) === 1;
  }

  const rescan = async () => {
    try {
      await scan();
    } catch (err) {
      deps.logger.warn({ err: (err as Error).message }, "polling channels could not be listed");
    }
  };
  void rescan();
  const timer = setInterval(() => void rescan(), deps.rescanMs ?? 15_000);

  return {
    /** Channel ids this process is polling now. */
    active: () => [...loops.keys()],
    rescan,
    close: async () => {
      clearInterval(timer);
      for (const loop of loops.values()) loop.stop.abort();
      await Promise.all([...loops.values()].map((l) => l.done));
    },
  };
}

async function pollChannel(deps: PollingDeps, channel: { id: string; projectId: string }, signal: AbortSignal, renew: () => Promise<boolean>) {
  let cursor = await loadCursor(deps.db, channel);
  let backoff = MIN_BACKOFF_MS;
  while (!signal.aborted) {
    try {
      if (!(await renew())) return;
      const found = await deps.channels.adapter(channel.id);
      if (!found || found.config.state !== "active") return;
      const round = await found.adapter.pollUpdates(cursor, { waitSeconds: deps.waitSeconds ?? 25, signal });
      await Promise.all(round.events.map((event) => deps.enqueueInbound({ channelId: channel.id, projectId: channel.projectId, kind: found.config.kind, event })));
      if (round.cursor && round.cursor !== cursor) {
        cursor = round.cursor;
        await saveCursor(deps.db, channel, cursor);
      }
      backoff = MIN_BACKOFF_MS;
    } catch (err) {
      if (signal.aborted) return;
      deps.logger.warn({ channelId: channel.id, err: (err as Error).message, retryInMs: backoff }, "long poll failed");
      await sleep(backoff, signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }
}

async function loadCursor(db: Db, channel: { id: string; projectId: string }): Promise<string | null> {
  const [row] = await withTenant(db, channel.projectId, (tx) => tx.select({ settings: channels.settings }).from(channels).where(eq(channels.id, channel.id)));
  const cursor = row?.settings.pollCursor;
  return typeof cursor === "string" ? cursor : null;
}

function saveCursor(db: Db, channel: { id: string; projectId: string }, cursor: string) {
  return withTenant(db, channel.projectId, (tx) =>
    tx
      .update(channels)
      .set({ settings: sql`${channels.settings} || jsonb_build_object('pollCursor', ${cursor}::text)` })
      .where(eq(channels.id, channel.id)),
  );
}

function sleep(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}
