import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { createLogger } from "@threadline/config";
import { createTestEnv, type TestEnv } from "@threadline/testing";
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
  realtime = attachRealtime(server, { db: env.db, redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", logger: createLogger("test", "silent") });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await realtime?.close();
  await env?.close();
});

function open(token: string | null): Promise<Socket> {
  const socket = connect(url, { path: "/socket.io", transports: ["websocket"], extraHeaders: token ? { cookie: `tl_session=${token}` } : {}, reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.on("connect", () => resolve(socket));
    socket.on("connect_error", reject);
  });
}

const join = (s: Socket, projectId: string) => s.emitWithAck("join", { projectId }) as Promise<{ ok: boolean; error?: string }>;

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
    await env.deps.publish({ type: "import.progress", projectId: A.project.id, runId: "r1", doneDialogs: 5, totalDialogs: 10 });
    await env.deps.publish({ type: "import.progress", projectId: B.project.id, runId: "r2", doneDialogs: 1, totalDialogs: 10 });
    await expect.poll(() => gotTech.length, { timeout: 3000 }).toBe(1);
    await expect.poll(() => gotOwner.length, { timeout: 3000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(gotManager).toHaveLength(0);
    expect(gotInbox).toHaveLength(0);
  });

  it("a deactivated member's sockets are disconnected at once", async () => {
    const s = await open(A.tech.token);
    const reason = new Promise<string>((r) => s.on("disconnect", r));
    await env.caller(A.owner.token).staff.deactivate({ projectId: A.project.id, membershipId: A.tech.membershipId });
    expect(await reason).toBe("io server disconnect");
  });
});
