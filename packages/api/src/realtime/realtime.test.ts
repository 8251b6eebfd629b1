import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { and, eq } from "drizzle-orm";
import { createLogger } from "@threadline/config";
import { memberships, sessions, withTenant } from "@threadline/db";
import { createSession, SESSION_COOKIE } from "@threadline/domain/auth/sessions.ts";
import type { ImportProgressEvent, RealtimeEvent } from "@threadline/domain/events.ts";
import { createCaller, createContextFactory } from "../trpc/index.ts";
import { clientMessage, createTestEnv, type TestEnv } from "@threadline/testing";
import { attachRealtime } from "./index.ts";

let env: TestEnv;
let url: string;
let realtime: ReturnType<typeof attachRealtime>;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
const sockets: Socket[] = [];

beforeAll(async () => {
  env = await createTestEnv();
  A = await env.createTenant("RtA");
  B = await env.createTenant("RtB");
  const server = createServer();
  realtime = attachRealtime(server, { db: env.db, redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", logger: createLogger("test", "silent") });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await realtime?.close();
  await env?.close();
});

function open(token: string | null, origin?: string): Promise<Socket> {
  const headers: Record<string, string> = { ...(token ? { cookie: `tl_session=${token}` } : {}), ...(origin ? { origin } : {}) };
  const socket = connect(url, { path: "/socket.io", transports: ["websocket"], extraHeaders: headers, reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", reject);
  });
}

const join = (s: Socket, projectId: string) => s.emitWithAck("join", { projectId }) as Promise<{ ok: boolean; error?: string }>;

const progress = (projectId: string, runId: string): ImportProgressEvent => ({
  type: "import.progress",
  projectId,
  runId,
  channelId: "c",
  state: "running",
  totalDialogs: 10,
  doneDialogs: 5,
  percent: 50,
  importedMessages: 0,
  apiRequests: 0,
  messagesPerSecond: 0,
  etaSeconds: null,
});

/** The rooms the server holds a client's socket in. */
const roomsOf = (s: Socket) => [...(realtime.io.of("/").sockets.get(s.id!)?.rooms ?? [])];

/** A second session of the person, so that ending it leaves the tenant's tokens working. */
const newSession = async (userId: string) => (await createSession(env.db, userId)).token;

function collect(s: Socket) {
  const got: { type: string; conversationId?: string }[] = [];
  s.on("event", (e) => got.push(e));
  return got;
}

describe("realtime", () => {
  it("refuses a handshake without a valid session", async () => {
    await expect(open(null)).rejects.toThrow(/unauthorized/);
    await expect(open("forged-token-value-xxxxxxxxxxxx")).rejects.toThrow(/unauthorized/);
  });

  it("delivers a project's events to its members only, and never lets a socket join another project", async () => {
    const a = await open(A.owner.token);
    const b = await open(B.owner.token);
    expect(await join(a, A.project.id)).toEqual({ ok: true });
    expect(await join(b, B.project.id)).toEqual({ ok: true });
    expect((await join(b, A.project.id)).ok).toBe(false);
    const gotA = collect(a);
    const gotB = collect(b);
    await env.deps.publish({ type: "conversation.message", projectId: A.project.id, conversationId: A.conversationId, messageId: 1, assigneeId: null });
    await expect.poll(() => gotA.length, { timeout: 3000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(gotB).toHaveLength(0);
  });

  it("a manager without 'see all' gets unassigned and own conversations, not a colleague's", async () => {
    const m = await open(A.manager.token);
    expect(await join(m, A.project.id)).toEqual({ ok: true });
    const got = collect(m);
    await env.deps.publish({ type: "conversation.message", projectId: A.project.id, conversationId: "c-colleague", assigneeId: A.admin.membershipId });
    await env.deps.publish({ type: "conversation.message", projectId: A.project.id, conversationId: "c-mine", assigneeId: A.manager.membershipId });
    await env.deps.publish({ type: "conversation.message", projectId: A.project.id, conversationId: "c-new", assigneeId: null });
    await expect.poll(() => got.map((e) => e.conversationId).sort(), { timeout: 3000 }).toEqual(["c-mine", "c-new"]);
  });

  it("payment events reach members who see the conversation and payments, not a role with payments hidden", async () => {
    const m = await open(A.manager.token);
    expect(await join(m, A.project.id)).toEqual({ ok: true });
    const got = collect(m);
    await env.deps.publish({ type: "payment.updated", projectId: A.project.id, paymentId: "p1", conversationId: "c-mine-paid", assigneeId: A.manager.membershipId });
    await env.deps.publish({ type: "payment.updated", projectId: A.project.id, paymentId: "p2", conversationId: "c-colleague-paid", assigneeId: A.admin.membershipId });
    await expect.poll(() => got.map((e) => e.conversationId), { timeout: 3000 }).toEqual(["c-mine-paid"]);
    await env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.manager.roleId, hiddenFields: ["payments"] });
    try {
      await expect.poll(() => roomsOf(m).some((r) => r.endsWith(":pay")), { timeout: 3000 }).toBe(false);
      await env.deps.publish({ type: "payment.updated", projectId: A.project.id, paymentId: "p3", conversationId: "c-mine-hidden", assigneeId: A.manager.membershipId });
      await env.deps.publish({ type: "conversation.updated", projectId: A.project.id, conversationId: "c-mine-after", assigneeId: A.manager.membershipId });
      await expect.poll(() => got.map((e) => e.conversationId), { timeout: 3000 }).toEqual(["c-mine-paid", "c-mine-after"]);
    } finally {
      await env.caller(A.owner.token).roles.update({ projectId: A.project.id, roleId: A.manager.roleId, hiddenFields: ["contact.profileUrl", "conversation.attribution"] });
    }
  });

  it("order events follow their conversation's visibility; the orders board needs orders.manage", async () => {
    const m = await open(A.manager.token);
    expect(await join(m, A.project.id)).toEqual({ ok: true });
    const board = await open(A.owner.token);
    expect(await board.emitWithAck("join", { projectId: A.project.id, scope: "orders" })).toEqual({ ok: true });
    const refused = await open(A.manager.token);
    expect((await refused.emitWithAck("join", { projectId: A.project.id, scope: "orders" })).ok).toBe(false);
    const got = collect(m);
    const onBoard = collect(board);
    const order = (conversationId: string, assigneeId: string | null) => ({ type: "order.created" as const, projectId: A.project.id, orderId: `o-${conversationId}`, conversationId, status: "new" as const, assigneeId });
    await env.deps.publish(order("c-colleague", A.admin.membershipId));
    await env.deps.publish(order("c-new", null));
    await expect.poll(() => onBoard.filter((e) => e.type === "order.created").length, { timeout: 3000 }).toBe(2);
    await expect.poll(() => got.filter((e) => e.type === "order.created").map((e) => e.conversationId), { timeout: 3000 }).toEqual(["c-new"]);
  });

  it("import progress reaches members who manage imports, on the import page only", async () => {
    const tech = await open(A.tech.token);
    const owner = await open(A.owner.token);
    const manager = await open(A.manager.token);
    const inbox = await open(A.owner.token);
    expect(await tech.emitWithAck("join", { projectId: A.project.id, scope: "imports" })).toEqual({ ok: true });
    expect(await owner.emitWithAck("join", { projectId: A.project.id, scope: "imports" })).toEqual({ ok: true });
    expect(await manager.emitWithAck("join", { projectId: A.project.id, scope: "imports" })).toMatchObject({ ok: false });
    expect(await join(inbox, A.project.id)).toEqual({ ok: true });
    const [gotTech, gotOwner, gotManager, gotInbox] = [collect(tech), collect(owner), collect(manager), collect(inbox)];
    await env.deps.publish(progress(A.project.id, "r1"));
    await env.deps.publish(progress(B.project.id, "r2"));
    await expect.poll(() => gotTech.length, { timeout: 3000 }).toBe(1);
    await expect.poll(() => gotOwner.length, { timeout: 3000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(gotManager).toHaveLength(0);
    expect(gotInbox).toHaveLength(0);
  });

  it("refuses a handshake from another site's page; the app's own origin connects", async () => {
    await expect(open(A.owner.token, "https://evil.example")).rejects.toThrow();
    await expect(open(A.owner.token, "null")).rejects.toThrow();
    const own = await open(A.owner.token, url);
    expect(own.connected).toBe(true);
  });

  it("a manager hears nothing of a colleague's conversation changed through the API", async () => {
    const owner = env.caller(A.owner.token);
    const m = await open(A.manager.token);
    expect(await join(m, A.project.id)).toEqual({ ok: true });
    const colleague = (await env.ingest(A.channel, clientMessage({ chatId: "rt-colleague", text: "Вопрос" }))).conversationId;
    const open2 = (await env.ingest(A.channel, clientMessage({ chatId: "rt-open", text: "Вопрос" }))).conversationId;
    const got = collect(m);
    // Taken by a colleague: the manager hears it left the unassigned ones, and nothing after.
    await owner.conversations.assign({ projectId: A.project.id, conversationId: colleague, assigneeId: A.admin.membershipId });
    await owner.conversations.setAi({ projectId: A.project.id, conversationId: colleague, enabled: false });
    await owner.leads.setStage({ projectId: A.project.id, conversationId: colleague, stage: "lost" });
    await owner.conversations.setAi({ projectId: A.project.id, conversationId: open2, enabled: false });
    await expect.poll(() => got.some((e) => e.conversationId === open2), { timeout: 3000 }).toBe(true);
    expect(got.filter((e) => e.conversationId === colleague)).toHaveLength(1);
    expect(got.every((e) => Object.keys(e).every((k) => ["type", "projectId", "conversationId", "assigneeId", "previousAssigneeId", "messageId", "direction", "cursor"].includes(k)))).toBe(true);
  });

  it("a role change moves the socket's rooms without reconnecting it", async () => {
    const token = await newSession(A.finance.user.id);
    const s = await open(token);
    const owner = env.caller(A.owner.token);
    const manager = (await owner.roles.list({ projectId: A.project.id })).find((r) => r.key === "manager")!;
    const admin = (await owner.roles.list({ projectId: A.project.id })).find((r) => r.key === "admin")!;
    expect((await join(s, A.project.id)).ok).toBe(false);
    await owner.staff.changeRole({ projectId: A.project.id, membershipId: A.finance.membershipId, roleId: manager.id });
    expect(await join(s, A.project.id)).toEqual({ ok: true });
    expect(roomsOf(s)).toContain(`p:${A.project.id}:unassigned`);
    let dropped = false;
    s.on("disconnect", () => (dropped = true));
    await owner.staff.changeRole({ projectId: A.project.id, membershipId: A.finance.membershipId, roleId: admin.id });
    await expect.poll(() => roomsOf(s), { timeout: 3000 }).toContain(`p:${A.project.id}:all`);
    expect(roomsOf(s)).not.toContain(`p:${A.project.id}:unassigned`);
    // The role template itself loses the inbox: the socket leaves the project's rooms.
    await owner.roles.update({ projectId: A.project.id, roleId: admin.id, permissions: ["audit.view"] });
    await expect.poll(() => roomsOf(s).filter((r) => r.startsWith(`p:${A.project.id}:`)), { timeout: 3000 }).toEqual([]);
    const got = collect(s);
    await env.deps.publish({ type: "conversation.message", projectId: A.project.id, conversationId: "c-after", assigneeId: null });
    await owner.roles.update({ projectId: A.project.id, roleId: admin.id, permissions: ["inbox.use", "conversations.viewAll"] });
    await expect.poll(() => roomsOf(s), { timeout: 3000 }).toContain(`p:${A.project.id}:all`);
    expect(got).toEqual([]);
    expect(dropped).toBe(false);
    expect(s.connected).toBe(true);
  });

  it("signing out closes that session's sockets, and an expired session's sockets close too", async () => {
    const [first, second, third] = [await newSession(A.admin.user.id), await newSession(A.admin.user.id), await newSession(A.admin.user.id)];
    const a = await open(first);
    const b = await open(second);
    const c = await open(third);
    const closed = new Promise<string>((r) => a.on("disconnect", r));
    await env.caller(first).auth.signOut();
    expect(await closed).toBe("io server disconnect");
    expect(b.connected).toBe(true);
    const expired = new Promise<string>((r) => b.on("disconnect", r));
    const secondId = realtime.io.of("/").sockets.get(b.id!)!.data.sessionId as string;
    await env.owner.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, secondId));
    await realtime.closeExpiredSessions();
    expect(await expired).toBe("io server disconnect");
    expect(c.connected).toBe(true);
  });

  it("a deactivated member's sockets are disconnected at once, and only once the deactivation is committed", async () => {
    const s = await open(A.tech.token);
    expect(await s.emitWithAck("join", { projectId: A.project.id, scope: "imports" })).toEqual({ ok: true });
    const reason = new Promise<string>((r) => s.on("disconnect", r));
    // What a listener of the event finds in the database at the moment it is published.
    const seen: boolean[] = [];
    const publish = async (e: RealtimeEvent) => {
      if (e.type === "member.deactivated") {
        const [row] = await env.owner.select({ active: memberships.active }).from(memberships).where(and(eq(memberships.id, A.tech.membershipId)));
        seen.push(row!.active);
      }
      await env.deps.publish(e);
    };
    const ctx = createContextFactory({ ...env.deps, publish });
    const owner = createCaller(() => ctx({ cookies: { [SESSION_COOKIE]: A.owner.token }, ip: "10.0.0.1", setCookie: () => {} }));
    await owner.staff.deactivate({ projectId: A.project.id, membershipId: A.tech.membershipId });
    expect(seen).toEqual([false]);
    expect(await reason).toBe("io server disconnect");
  });

  it("a member fired from one project loses that project's sockets at once and keeps the others", async () => {
    // A's manager also works in B.
    await withTenant(env.db, B.project.id, (tx) => tx.insert(memberships).values({ projectId: B.project.id, userId: A.manager.user.id, roleId: B.manager.roleId }));
    const inA = await open(A.manager.token);
    const inB = await open(A.manager.token);
    expect(await join(inA, A.project.id)).toEqual({ ok: true });
    expect(await join(inB, B.project.id)).toEqual({ ok: true });
    let bDropped = false;
    inB.on("disconnect", () => (bDropped = true));
    const reason = new Promise<string>((r) => inA.on("disconnect", r));
    await env.caller(A.owner.token).staff.deactivate({ projectId: A.project.id, membershipId: A.manager.membershipId });
    expect(await reason).toBe("io server disconnect");
    // B's socket still gets B's events after A's was closed.
    const got = collect(inB);
    await env.deps.publish({ type: "conversation.message", projectId: B.project.id, conversationId: B.conversationId, messageId: 1, assigneeId: null });
    await expect.poll(() => got.length).toBeGreaterThan(0);
    expect(bDropped).toBe(false);
    expect(inB.connected).toBe(true);
  });
});
