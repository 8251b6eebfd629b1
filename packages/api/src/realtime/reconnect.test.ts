import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connect, type Socket } from "socket.io-client";
import { createLogger } from "@threadline/config";
import type { ConversationEvent } from "@threadline/domain/events.ts";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { attachRealtime, type JoinAck } from "./index.ts";

// A manager's Wi-Fi drops for 30 s (REALTIME_GAP_MS shortens it while working on this file).
// Back on the same server, Socket.IO restores the socket and replays what it missed; on another
// server (the first one died, a proxy sent it elsewhere) the inbox joins with the last cursor it
// saw and the server answers with the missed events of the socket's rooms from the project's log.
const GAP_MS = Number(process.env.REALTIME_GAP_MS ?? 30_000);

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
const servers: { url: string; realtime: ReturnType<typeof attachRealtime> }[] = [];
const sockets: Socket[] = [];

async function startServer() {
  const server = createServer();
  const realtime = attachRealtime(server, { db: env.db, redis: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", logger: createLogger("test", "silent") });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const started = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, realtime };
  servers.push(started);
  return started;
}

beforeAll(async () => {
  env = await createTestEnv();
  A = await env.createTenant("Reconnects");
});
afterAll(async () => {
  sockets.forEach((s) => s.disconnect());
  await Promise.all(servers.map((s) => s.realtime.close()));
  await env?.close();
});

function open(url: string, token: string): Promise<Socket> {
  const socket = connect(url, { path: "/socket.io", transports: ["websocket"], extraHeaders: { cookie: `tl_session=${token}` }, reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

type Got = ConversationEvent & { cursor?: string };
function collect(s: Socket, into: Got[] = []) {
  s.on("event", (e: Got) => into.push(e));
  return into;
}

/** The network goes away under the socket (no goodbye): the server keeps its state for a while. */
async function dropNetwork(s: Socket) {
  const gone = new Promise<string>((resolve) => s.once("disconnect", resolve));
  s.io.engine.close();
  // Not "io client disconnect": the client keeps its session id and last offset for the way back.
  expect(await gone).toBe("forced close");
}

const message = (conversationId: string, assigneeId: string | null = null): ConversationEvent => ({ type: "conversation.message", projectId: A.project.id, conversationId, messageId: 1, direction: "in", assigneeId });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (got: Got[]) => [...new Set(got.map((e) => e.conversationId))].sort();

describe("reconnects catch up exactly", () => {
  it(`a socket away for ${GAP_MS / 1000} s gets every event of its rooms: restored on its server, caught up from its cursor on another`, async () => {
    const first = await startServer();
    const second = await startServer();
    // The owner sees everything; the manager unassigned and own conversations only.
    const owner = await open(first.url, A.owner.token);
    const manager = await open(first.url, A.manager.token);
    expect(await owner.emitWithAck("join", { projectId: A.project.id })).toEqual({ ok: true });
    expect(await manager.emitWithAck("join", { projectId: A.project.id })).toEqual({ ok: true });
    const ownerGot = collect(owner);
    const managerGot = collect(manager);
    await env.deps.publish(message("before"));
    await expect.poll(() => managerGot.length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => ownerGot.length, { timeout: 10_000 }).toBe(1);
    const cursor = managerGot[0]!.cursor!;
    const ownerCursor = ownerGot[0]!.cursor!;
    expect(cursor).toMatch(/^\d+-\d+$/);

    await dropNetwork(owner);
    await dropNetwork(manager);
    // Events keep coming while they are away, spread over the gap.
    const expected = ["before"];
    for (let i = 0; i < 6; i++) {
      await env.deps.publish(message(`away-${i}`));
      expected.push(`away-${i}`);
      await sleep(GAP_MS / 6);
    }
    await env.deps.publish(message("colleague", A.admin.membershipId));

    // The owner's socket comes back to its server: Socket.IO restores it and replays the events.
    // An event published while the server still checks the returning session's cookie reaches
    // neither the replay nor the socket, so the inbox also joins with its cursor (apps/inbox
    // realtime.ts) and the log answers with what came after it.
    owner.connect();
    await new Promise<void>((resolve) => owner.once("connect", () => resolve()));
    expect(owner.recovered).toBe(true);
    const rejoin = (await owner.emitWithAck("join", { projectId: A.project.id, since: ownerCursor })) as JoinAck;
    expect(rejoin.ok).toBe(true);
    ownerGot.push(...(rejoin.missed as Got[]));
    await expect.poll(() => ids(ownerGot), { timeout: 10_000 }).toEqual([...expected, "colleague"].sort());

    // The manager's comes back on the other server, which never knew it: it joins with its cursor.
    const again = await open(second.url, A.manager.token);
    expect(again.recovered).toBe(false);
    const catchUpGot = collect(again, managerGot);
    const ack = (await again.emitWithAck("join", { projectId: A.project.id, since: cursor })) as JoinAck;
    expect(ack.ok).toBe(true);
    expect(ack.resync).toBeUndefined();
    // Only what its rooms allow: a colleague's conversation is not the manager's business.
    expect((ack.missed as Got[]).map((e) => e.conversationId)).toEqual(expected.slice(1));
    catchUpGot.push(...(ack.missed as Got[]));
    await env.deps.publish(message("after"));
    await expect.poll(() => ids(catchUpGot), { timeout: 10_000 }).toEqual([...expected, "after"].sort());
    await expect.poll(() => ids(ownerGot), { timeout: 10_000 }).toContain("after");
  }, GAP_MS + 30_000);

  it("asks for a refetch when the log no longer reaches the cursor, and takes no malformed cursor", async () => {
    const { url } = servers[0] ?? (await startServer());
    const s = await open(url, A.owner.token);
    expect(await s.emitWithAck("join", { projectId: A.project.id, since: "1-0" })).toEqual({ ok: true, resync: true });
    expect(await s.emitWithAck("join", { projectId: A.project.id, since: "(0 + COUNT" })).toEqual({ ok: true });
  });
});
