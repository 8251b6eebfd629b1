import { eq, sql } from "drizzle-orm";
import { LRUCache } from "lru-cache";
import { channels, withTenant, type Db } from "@threadline/db";
import type { ChannelAdapter } from "@threadline/channels";
import { decryptSecret, type SecretKeyring } from "@threadline/domain/crypto.ts";
import { PUBLIC_ENDPOINTS, telegramAdapter, vkAdapter, type Endpoints } from "@threadline/domain/endpoints.ts";

export type ChannelConfig = {
  id: string;
  projectId: string;
  kind: "vk" | "telegram";
  externalId: string;
  webhookSecret: string;
  confirmation: string | null;
  state: "active" | "paused" | "error";
  token: string;
};

/** How long a channel's settings are used before they are read again. */
export const CHANNEL_TTL_MS = 10_000;
/** Past this age, settings are not served while they are read again: the caller waits. */
export const CHANNEL_MAX_STALE_MS = 60_000;
/** How many ids that are no channel's are remembered at most (least recently asked for go first). */
export const MAX_UNKNOWN_CHANNEL_IDS = 10_000;

type Entry = { at: number; config: ChannelConfig | null; adapter?: ChannelAdapter; loading?: Promise<ChannelConfig | null> };

/**
 * Channel settings and adapters by channel id, cached so a webhook ack needs no query: settings
 * older than the TTL are still served while one read refreshes them in the background, so acks
 * never queue for a database connection behind the workers. A cold channel is read once however
 * many requests ask at the same time. The platform token is decrypted here and never leaves the
 * worker.
 */
export class ChannelDirectory {
  // Real channels: as many as the projects have. Ids that are no channel's come from anyone who
  // can reach the webhook URL, so they are kept apart, bounded and only for the TTL: a flood of
  // forged ids neither grows the memory nor pushes the real channels out.
  private readonly known = new Map<string, Entry>();
  private readonly unknown: LRUCache<string, Entry>;
  private readonly now: () => number;
  private readonly endpoints: Readonly<Endpoints>;

  constructor(
    private readonly db: Db,
    private readonly secretKey: SecretKeyring,
    options: { now?: () => number; maxUnknown?: number; endpoints?: Readonly<Endpoints> } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.endpoints = options.endpoints ?? PUBLIC_ENDPOINTS;
    this.unknown = new LRUCache({ max: options.maxUnknown ?? MAX_UNKNOWN_CHANNEL_IDS, ttl: CHANNEL_TTL_MS, ttlResolution: 0, perf: { now: this.now } });
  }

  /** How many channel ids are remembered: the known ones and the unknown ones. */
  get size(): { known: number; unknown: number } {
    this.unknown.purgeStale();
    return { known: this.known.size, unknown: this.unknown.size };
  }

  private entry(channelId: string): Entry | undefined {
    return this.known.get(channelId) ?? this.unknown.get(channelId);
  }

  private store(channelId: string, entry: Entry) {
    if (entry.config) {
      this.known.set(channelId, entry);
      this.unknown.delete(channelId);
    } else {
      this.unknown.set(channelId, entry);
      this.known.delete(channelId);
    }
  }

  async get(channelId: string): Promise<ChannelConfig | null> {
    const hit = this.entry(channelId);
    const age = hit ? this.now() - hit.at : Infinity;
    if (hit && age < CHANNEL_TTL_MS) return hit.config;
    const loading = this.refresh(channelId);
    if (hit && age < CHANNEL_MAX_STALE_MS) return hit.config;
    return loading;
  }

  async adapter(channelId: string): Promise<{ config: ChannelConfig; adapter: ChannelAdapter } | null> {
    const config = await this.get(channelId);
    if (!config) return null;
    const entry = this.known.get(channelId);
    if (!entry) return { config, adapter: createAdapter(config, this.endpoints) };
    entry.adapter ??= createAdapter(config, this.endpoints);
    return { config, adapter: entry.adapter };
  }

  forget(channelId: string) {
    this.known.delete(channelId);
    this.unknown.delete(channelId);
  }

  /** One read per channel at a time; the adapter is kept while what it was made of is unchanged. */
  private refresh(channelId: string): Promise<ChannelConfig | null> {
    const entry = this.entry(channelId);
    if (entry?.loading) return entry.loading;
    const loading = this.load(channelId).then(
      (config) => {
        const previous = this.entry(channelId);
        const sameAdapter = previous?.config && config && sameConnection(previous.config, config);
        this.store(channelId, { at: this.now(), config, adapter: sameAdapter ? previous.adapter : undefined });
        return config;
      },
      (err: unknown) => {
        const current = this.entry(channelId);
        if (current) delete current.loading;
        throw err;
      },
    );
    if (entry) entry.loading = loading;
    else this.store(channelId, { at: -Infinity, config: null, loading });
    // A background refresh that fails leaves the old settings in place until the next try.
    loading.catch(() => undefined);
    return loading;
  }

  protected async load(channelId: string): Promise<ChannelConfig | null> {
    if (!/^[0-9a-f-]{36}$/i.test(channelId)) return null;
    const [{ projectId } = { projectId: null }] = await this.db.execute<{ projectId: string | null }>(sql`select channel_project(${channelId}) as "projectId"`);
    if (!projectId) return null;
    const [row] = await withTenant(this.db, projectId, (tx) => tx.select().from(channels).where(eq(channels.id, channelId)));
    if (!row) return null;
    return {
      id: row.id,
      projectId: row.projectId,
      kind: row.kind,
      externalId: row.externalId,
      webhookSecret: row.webhookSecret,
      confirmation: row.confirmation,
      state: row.state,
      token: decryptSecret(row.tokenEnc, this.secretKey),
    };
  }
}

const sameConnection = (a: ChannelConfig, b: ChannelConfig) => a.kind === b.kind && a.token === b.token && a.externalId === b.externalId;

export function createAdapter(config: Pick<ChannelConfig, "kind" | "token" | "externalId">, endpoints: Readonly<Endpoints> = PUBLIC_ENDPOINTS): ChannelAdapter {
  if (config.kind === "vk") return vkAdapter(endpoints, Number(config.externalId), config.token);
  return telegramAdapter(endpoints, config.token);
}
