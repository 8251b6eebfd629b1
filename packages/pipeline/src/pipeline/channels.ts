import { eq, sql } from "drizzle-orm";
import { channels, withTenant, type Db } from "@threadline/db";
import { TelegramAdapter, VkAdapter, type ChannelAdapter } from "@threadline/channels";
import { decryptSecret } from "@threadline/domain/crypto.ts";

export type ChannelConfig = {
  id: string;
  projectId: string;
  kind: "vk" | "telegram";
  externalId: string;
  webhookSecret: string;
  confirmation: string | null;
  apiBaseUrl: string | null;
  state: "active" | "paused" | "error";
  token: string;
};

/** How long a channel's settings are used before they are read again. */
export const CHANNEL_TTL_MS = 10_000;
/** Past this age, settings are not served while they are read again: the caller waits. */
export const CHANNEL_MAX_STALE_MS = 60_000;

type Entry = { at: number; config: ChannelConfig | null; adapter?: ChannelAdapter; loading?: Promise<ChannelConfig | null> };

/**
 * Channel settings and adapters by channel id, cached so a webhook ack needs no query: settings
 * older than the TTL are still served while one read refreshes them in the background, so acks
 * never queue for a database connection behind the workers. A cold channel is read once however
 * many requests ask at the same time. The platform token is decrypted here and never leaves the
 * worker.
 */
export class ChannelDirectory {
  private readonly cache = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly secretKey: string,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async get(channelId: string): Promise<ChannelConfig | null> {
    const hit = this.cache.get(channelId);
    const age = hit ? this.now() - hit.at : Infinity;
    if (hit && age < CHANNEL_TTL_MS) return hit.config;
    const loading = this.refresh(channelId);
    if (hit && age < CHANNEL_MAX_STALE_MS) return hit.config;
    return loading;
  }

  async adapter(channelId: string): Promise<{ config: ChannelConfig; adapter: ChannelAdapter } | null> {
    const config = await this.get(channelId);
    if (!config) return null;
    const entry = this.cache.get(channelId)!;
    entry.adapter ??= createAdapter(config);
    return { config, adapter: entry.adapter };
  }

  forget(channelId: string) {
    this.cache.delete(channelId);
  }

  /** One read per channel at a time; the adapter is kept while what it was made of is unchanged. */
  private refresh(channelId: string): Promise<ChannelConfig | null> {
    const entry = this.cache.get(channelId);
    if (entry?.loading) return entry.loading;
    const loading = this.load(channelId).then(
      (config) => {
        const previous = this.cache.get(channelId);
        const sameAdapter = previous?.config && config && sameConnection(previous.config, config);
        this.cache.set(channelId, { at: this.now(), config, adapter: sameAdapter ? previous.adapter : undefined });
        return config;
      },
      (err: unknown) => {
        const current = this.cache.get(channelId);
        if (current) delete current.loading;
        throw err;
      },
    );
    if (entry) entry.loading = loading;
    else this.cache.set(channelId, { at: -Infinity, config: null, loading });
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
      apiBaseUrl: row.apiBaseUrl,
      state: row.state,
      token: decryptSecret(row.tokenEnc, this.secretKey),
    };
  }
}

const sameConnection = (a: ChannelConfig, b: ChannelConfig) => a.kind === b.kind && a.token === b.token && a.externalId === b.externalId && a.apiBaseUrl === b.apiBaseUrl;

export function createAdapter(config: Pick<ChannelConfig, "kind" | "token" | "externalId" | "apiBaseUrl">): ChannelAdapter {
  if (config.kind === "vk") return new VkAdapter({ groupId: Number(config.externalId), token: config.token, apiBaseUrl: config.apiBaseUrl ?? undefined });
  return new TelegramAdapter({ token: config.token, apiRoot: config.apiBaseUrl ?? undefined });
}
