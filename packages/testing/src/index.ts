import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { createLogger } from "@threadline/config";
import { channels, memberships, roles, users, withTenant } from "@threadline/db";
import { createTestDatabase, type TestDatabase } from "@threadline/db/testing";
import { PUBLIC_ENDPOINTS, type Endpoints } from "@threadline/domain/endpoints.ts";
import { and, eq } from "drizzle-orm";
import { AiLimiter } from "@threadline/domain/leads/ai-limits.ts";
import { DEFAULT_TIMEZONE } from "@threadline/domain/leads/rotation.ts";
import { AgentHealth } from "@threadline/domain/leads/agent-health.ts";
import { EditLimiter } from "@threadline/domain/conversations/edit-limits.ts";
import { DEFAULT_LOGIN_LIMITS, LoginLimiter, type LoginLimits } from "@threadline/domain/auth/rate-limit.ts";
import { hashPassword } from "@threadline/domain/auth/password.ts";
import { createSession, SESSION_COOKIE } from "@threadline/domain/auth/sessions.ts";
import { redisPublisher, type RealtimeEvent } from "@threadline/domain/events.ts";
import { createQueues } from "@threadline/pipeline/jobs/index.ts";
import { LocalDiskStorage } from "@threadline/domain/storage.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProject } from "@threadline/domain/projects/service.ts";
import { ingestEvent, type ChannelRef } from "@threadline/domain/conversations/ingest.ts";
import type { ChannelEvent, MessageEvent } from "@threadline/channels";
import type { RoleKey } from "@threadline/domain/access/catalog.ts";
import { leadDepsOn } from "@threadline/pipeline/pipeline/lead-deps.ts";
import { listenLocally } from "./http.ts";
import { createCaller, createContextFactory, fetchHandler, type ServerDeps } from "@threadline/api/trpc";

export const TEST_PASSWORD = "correct horse battery";

/** Today as a project with the default time zone reckons it (reports take days in the project's zone). */
export const projectToday = (at = new Date()) => at.toLocaleDateString("sv-SE", { timeZone: DEFAULT_TIMEZONE });

// The product's free tries, with waits long enough that no test depends on how fast it runs.
const TEST_LOGIN_LIMITS: LoginLimits = {
  ...DEFAULT_LOGIN_LIMITS,
  account: { ...DEFAULT_LOGIN_LIMITS.account, baseSeconds: 600 },
  accountIp: { ...DEFAULT_LOGIN_LIMITS.accountIp, baseSeconds: 600 },
};
let passwordHash: Promise<string> | undefined;

/**
 * A whole test environment: its own database (dropped afterwards), real Redis with a key prefix
 * of its own, the server dependencies, and factories that build whole tenants.
 */
export async function createTestEnv() {
  const database: TestDatabase = await createTestDatabase();
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: false, maxRetriesPerRequest: 2 });
  const prefix = `tl:test:${randomBytes(4).toString("hex")}`;
  const published: RealtimeEvent[] = [];
  const queues = createQueues(new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null }), prefix);
  const publishToRedis = redisPublisher(redis);
  const deps: ServerDeps = {
    db: database.app,
    redis,
    publish: async (e) => {
      published.push(e);
      await publishToRedis(e);
    },
    logger: createLogger("test", "silent"),
    secretKey: "test-secret-key-test-secret-key-0000",
    cookieSecure: false,
    urls: { inbox: "http://inbox.test", admin: "http://admin.test", worker: "http://worker.test" },
    // The platforms' own until a test points them at its simulators (useEndpoints), as an operator's env would.
    endpoints: { ...PUBLIC_ENDPOINTS, mediaExtraOrigins: [] },
    limiter: new LoginLimiter(redis, TEST_LOGIN_LIMITS, `${prefix}:login`),
    aiLimiter: new AiLimiter(redis, undefined, `${prefix}:ai`),
    agentHealth: new AgentHealth(redis, prefix),
    editLimiter: new EditLimiter(redis, undefined, `${prefix}:edits`),
    jobs: queues,
    storage: new LocalDiskStorage(join(tmpdir(), `tl-test-storage-${randomBytes(4).toString("hex")}`)),
  };
  // The lead pipeline's dependencies as the worker builds them, on this environment's queues.
  const leadDeps = leadDepsOn(queues, { db: database.app, publish: deps.publish, secretKey: deps.secretKey, endpoints: deps.endpoints, health: deps.agentHealth });
  const handle = fetchHandler(deps);
  const makeContext = createContextFactory(deps);

  async function createUser(name: string, email = `${name}-${randomBytes(3).toString("hex")}@example.test`) {
    passwordHash ??= hashPassword(TEST_PASSWORD);
    const [user] = await database.app.insert(users).values({ email, name, passwordHash: await passwordHash }).returning();
    const { token } = await createSession(database.app, user!.id);
    return { user: user!, token };
  }

  /** A project with its owner and one member for every other default role, each signed in. */
  async function createTenant(name: string) {
    const owner = await createUser(`${name}-owner`);
    const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomBytes(3).toString("hex")}`;
    const { project } = await createProject(database.app, owner.user.id, { name, slug });
    const members: Record<RoleKey, { user: typeof owner.user; token: string; membershipId: string; roleId: string }> = {} as never;
    for (const key of ["owner", "admin", "manager", "finance", "traffic", "tech"] as RoleKey[]) {
      const person = key === "owner" ? owner : await createUser(`${name}-${key}`);
      const m = await withTenant(database.app, project.id, async (tx) => {
        const [role] = await tx.select().from(roles).where(eq(roles.key, key));
        if (key !== "owner") await tx.insert(memberships).values({ projectId: project.id, userId: person.user.id, roleId: role!.id });
        const [membership] = await tx.select().from(memberships).where(and(eq(memberships.userId, person.user.id)));
        return { membershipId: membership!.id, roleId: role!.id };
      });
      members[key] = { ...person, ...m };
    }
    const channel = await createChannel(project.id, "telegram");
    const first = await ingest(channel, clientMessage({ chatId: "1001", text: "Здравствуйте! Сколько стоит доставка?" }));
    return { project, ...members, members, channel, conversationId: first.conversationId };
  }

  async function createChannel(projectId: string, kind: "vk" | "telegram") {
    const externalId = `${kind}-${randomBytes(4).toString("hex")}`;
    const [row] = await withTenant(database.app, projectId, (tx) =>
      tx.insert(channels).values({ projectId, kind, name: kind === "vk" ? "Сообщество VK" : "Telegram-бот", externalId, tokenEnc: "sealed", webhookSecret: "secret" }).returning(),
    );
    return { id: row!.id, projectId, kind } satisfies ChannelRef;
  }

  async function ingest(channel: ChannelRef, event: ChannelEvent) {
    const result = await ingestEvent(database.app, channel, event);
    if (result.kind !== "message") throw new Error(`expected a message, got ${result.kind}`);
    return result;
  }

  /**
   * Points the platforms and providers at a test's simulators, as the operator's environment does
   * (the tRPC context and startTestPipeline read the same object). Simulator origins become
   * allowed media origins (MEDIA_FETCH_EXTRA_ORIGINS).
   */
  function useEndpoints(endpoints: Partial<Endpoints>) {
    const origins = [endpoints.telegramApiRoot, endpoints.vkApiBaseUrl].filter((u): u is string => !!u).map((u) => new URL(u).origin);
    Object.assign(deps.endpoints, endpoints, { mediaExtraOrigins: [...new Set([...deps.endpoints.mediaExtraOrigins, ...origins, ...(endpoints.mediaExtraOrigins ?? [])])] });
  }

  function caller(token: string | null, ip = "10.0.0.1") {
    return createCaller(() => makeContext({ cookies: token ? { [SESSION_COOKIE]: token } : {}, ip, setCookie: () => {} }));
  }

  /** A tRPC call over HTTP semantics (status codes, cookies), as a browser makes it. */
  async function http(path: string, opts: { token?: string | null; input?: unknown; method?: "GET" | "POST"; ip?: string; headers?: Record<string, string> } = {}) {
    const method = opts.method ?? "POST";
    const body = opts.input === undefined ? undefined : JSON.stringify({ json: opts.input });
    const url = new URL(`http://inbox.test/trpc/${path}`);
    if (method === "GET" && body) url.searchParams.set("input", body);
    const res = await handle(
      new Request(url, {
        method,
        headers: { "content-type": "application/json", ...(opts.token ? { cookie: `${SESSION_COOKIE}=${opts.token}` } : {}), ...opts.headers },
        body: method === "POST" ? body : undefined,
      }),
      opts.ip ?? "10.0.0.1",
    );
    return { status: res.status, headers: res.headers, body: (await res.json()) as { result?: { data?: { json?: unknown } }; error?: { json?: { message?: string; data?: { code?: string } } } } };
  }

  return {
    database,
    queues,
    db: database.app,
    owner: database.owner,
    redis,
    deps,
    leadDeps,
    published,
    createUser,
    createTenant,
    createChannel,
    ingest,
    caller,
    http,
    /** The tRPC fetch handler itself: (Request, socket address) → Response. */
    fetch: handle,
    prefix,
    useEndpoints,
    async close() {
      await queues.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await database.drop();
    },
  };
}

let messageCounter = 0;

/** A client's message as a channel adapter normalises it. */
export function clientMessage(input: { chatId: string; text?: string; name?: string; id?: string; at?: Date; direction?: "inbound" | "outbound"; attachments?: MessageEvent["attachments"]; attribution?: MessageEvent["attribution"] }): MessageEvent {
  const id = input.id ?? `m${Date.now()}${++messageCounter}`;
  const at = (input.at ?? new Date()).toISOString();
  return {
    type: "message",
    channel: "telegram",
    dedupeId: `message:${input.chatId}:${id}`,
    chatId: input.chatId,
    client: { externalUserId: input.chatId, name: input.name ?? "Анна Петрова", username: "anna_p", profileUrl: "https://t.me/anna_p" },
    occurredAt: at,
    externalMessageId: id,
    direction: input.direction ?? "inbound",
    text: input.text ?? "Здравствуйте",
    attachments: input.attachments ?? [],
    sentAt: at,
    attribution: input.attribution,
  };
}

export type TestEnv = Awaited<ReturnType<typeof createTestEnv>>;

/** A fresh test environment with one tenant in it, for a test file that needs no second project. */
export async function createTenantEnv(name: string) {
  const env = await createTestEnv();
  return { env, T: await env.createTenant(name) };
}

/** A fresh test environment with two tenants, to show that one project never reaches the other. */
export async function createTwoTenantEnv(a: string, b: string) {
  const env = await createTestEnv();
  return { env, A: await env.createTenant(a), B: await env.createTenant(b) };
}

/**
 * The worker side of the product in-process, composed as apps/worker composes it: webhook
 * ingress on a free port (no polling loops), the BullMQ workers and the import worker, on the
 * test environment's own queues and a temporary storage folder.
 */
export async function startTestPipeline(env: TestEnv, opts: { projectKeys?: boolean } = {}) {
  const { mkdtemp } = await import("node:fs/promises");
  const express = (await import("express")).default;
  const { composeWorker } = await import("@threadline/pipeline/worker");
  const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const storage = new LocalDiskStorage(await mkdtemp(join(tmpdir(), "tl-storage-")));
  const worker = composeWorker({
    roles: ["ingress", "jobs"],
    deps: {
      db: env.db,
      redis: connection,
      prefix: env.queues.prefix,
      queues: env.queues,
      secretKey: env.deps.secretKey,
      // Projects' own model keys opened (speech-to-text, the model when one is set), as apps/worker does.
      ...(opts.projectKeys ? { agentSecretKey: env.deps.secretKey } : {}),
      endpoints: env.deps.endpoints,
      logger: env.deps.logger,
      polling: false,
      publish: env.deps.publish,
      storage,
    },
  });
  const app = express();
  app.use(worker.router!);
  const server = await listenLocally(app);
  return {
    url: server.url,
    channels: worker.channels,
    storage,
    workers: worker.workers!,
    imports: worker.imports!,
    async close() {
      server.close();
      await worker.close();
      connection.disconnect();
    },
  };
}

export { listenLocally, type LocalServer } from "./http.ts";

// The VK import's child process and simulated community, shared by its tests and the import benchmark.
export { startImportChild, type ImportChild, type ImportChildEnv } from "@threadline/pipeline/import/testing/child.ts";
export { communityMessages, historyMismatch, messageFingerprint, minimalCalls, seedVkCommunity, seededRandom, simulatedFingerprint } from "@threadline/pipeline/import/testing/community.ts";
