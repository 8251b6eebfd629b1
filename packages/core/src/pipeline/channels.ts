import { eq, sql } from "drizzle-orm";
import { channels, withTenant, type Db } from "@threadline/db";
import { TelegramAdapter, VkAdapter, type ChannelAdapter } from "@threadline/channels";
import { decryptSecret } from "../crypto.ts";

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

const TTL_MS = 10_000;

/**
 * Channel settings and adapters by channel id, cached briefly so a webhook ack needs no query.
 * The platform token is decrypted here and never leaves the worker.
 */
export class ChannelDirectory {
  private readonly cache = new Map<string, { at: number; config: ChannelConfig | null; adapter?: ChannelAdapter }>();

  constructor(
    private readonly db: Db,
    private readonly secretKey: string,
  ) {}

  async get(channelId: string): Promise<ChannelConfig | null> {
    const hit = this.cache.get(channelId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.config;
    const config = await this.load(channelId);
    this.cache.set(channelId, { at: Date.now(), config });
    return config;
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

  private async load(channelId: string): Promise<ChannelConfig | null> {
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

export function createAdapter(config: Pick<ChannelConfig, "kind" | "token" | "externalId" | "apiBaseUrl">): ChannelAdapter {
  if (config.kind === "vk") return new VkAdapter({ groupId: Number(config.externalId), token: config.token, apiBaseUrl: config.apiBaseUrl ?? undefined });
  return new TelegramAdapter({ token: config.token, apiRoot: config.apiBaseUrl ?? undefined });
}
