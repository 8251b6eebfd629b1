// scale: the product as several processes on one Postgres and Redis — 2 inbox servers (Socket.IO),
// 1 ingress, 2 job processes — under the latency workload (Telegram webhooks from many chats, the
// agent on). Mid-run one inbox server and one job process are killed with SIGKILL and started
// again. Then: every acknowledged webhook must be exactly one message row, and every socket client
// must have received the event of every stored client message (its rooms: the owner sees all),
// across its reconnect (restored by Socket.IO, or caught up from its cursor on the other server).
import { sql } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import { messages } from "@threadline/db";
import { queueBacklog } from "@threadline/pipeline/jobs";
import { createBenchEnv, createTelegramChannel, ingressClient, knowChats, setAgent, telegramUpdate, type ProductProcess } from "./stack.ts";
import { describeHost, formatSummary, numberArg, parseArgs, recordResult, sleep, stringArg, summarize } from "./stats.ts";

type Event = { type: string; conversationId?: string; messageId?: number; direction?: string; cursor?: string };

/** A manager's browser: follows the project on one server, and on another when that one dies (a load balancer's failover). */
function browser(name: string, token: string, projectId: string, servers: () => ProductProcess[], startOn: number) {
  const received = new Map<number, number>(); // messageId → first arrival
  let cursor: string | undefined;
  let reconnects = 0;
  let recovered = 0;
  let caughtUp = 0;
  let resyncs = 0;
  let socket: Socket | undefined;
  let closed = false;
  const onEvent = (e: Event) => {
    if (e.cursor && (!cursor || later(e.cursor, cursor))) cursor = e.cursor;
    if (e.type === "conversation.message" && e.direction === "in" && e.messageId !== undefined && !received.has(e.messageId)) received.set(e.messageId, performance.now());
  };
  const open = (serverIndex: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const server = servers()[serverIndex]!;
      const s = connect(`http://127.0.0.1:${server.port}`, { path: "/socket.io", transports: ["websocket"], extraHeaders: { cookie: `tl_session=${token}` }, reconnectionDelay: 200, reconnectionDelayMax: 1000 });
      socket = s;
      s.on("event", onEvent);
      s.on("connect", () => {
        if (s.recovered) {
          recovered++;
          return resolve();
        }
        const since = cursor;
        void (s.emitWithAck("join", { projectId, ...(since ? { since } : {}) }) as Promise<{ ok: boolean; error?: string; missed?: Event[]; resync?: boolean }>).then((ack) => {
          if (!ack.ok) return reject(new Error(`${name}: join refused: ${ack.error}`));
          if (since) {
            if (ack.resync) resyncs++;
            else caughtUp++;
            for (const e of ack.missed ?? []) onEvent(e);
          }
          resolve();
        });
      });
      s.on("disconnect", (reason) => {
        if (closed || reason === "io client disconnect") return;
        reconnects++;
        // Socket.IO retries the same address; when the server there is gone (killed, or started
        // again elsewhere), the load balancer sends the browser to the other one.
        const check = setInterval(() => {
          if (s.connected || closed) return clearInterval(check);
          if (servers()[serverIndex] === server && server.child.exitCode === null && server.child.signalCode === null) return;
          clearInterval(check);
          s.removeAllListeners();
          s.disconnect();
          void open(1 - serverIndex);
        }, 200);
      });
    });
  return {
    name,
    received,
    start: () => open(startOn),
    stats: () => ({ reconnects, recovered, caughtUp, resyncs }),
    close: () => {
      closed = true;
      socket?.disconnect();
    },
  };
}

function later(a: string, b: string) {
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am > bm || (am === bm && as > bs);
}

export async function runScale(argv: string[]) {
  const args = parseArgs(argv);
  const rate = numberArg(args, "rate", 100);
  const seconds = numberArg(args, "seconds", 40);
  const killAt = numberArg(args, "kill-at", Math.round(seconds * 0.4));
  const downSeconds = numberArg(args, "down", 3);
  const bots = numberArg(args, "bots", 8);
  const chats = numberArg(args, "chats", 2000);
  const clients = numberArg(args, "clients", 4);
  const agent = stringArg(args, "agent", "on");

  console.log("scale: 2 inbox servers, 1 ingress, 2 job processes on one Postgres and Redis; one inbox server and one job process killed (SIGKILL) and restarted mid-run");
  console.log(describeHost());
  console.log(`params: rate=${rate}/s seconds=${seconds} kill-at=${killAt}s down=${downSeconds}s bots=${bots} chats=${chats} clients=${clients} agent=${agent}`);

  const bench = await createBenchEnv();
  const browsers: ReturnType<typeof browser>[] = [];
  try {
    const { env } = bench;
    const T = await env.createTenant("Scale");
    if (agent === "off") await setAgent(env, T.project.id, false);
    const channels = [];
    for (let i = 0; i < bots; i++) channels.push(await createTelegramChannel(env, bench.telegram, T.project.id, `Бот ${i + 1}`));
    for (const ch of channels) knowChats(bench.telegram, ch, Array.from({ length: chats }, (_, i) => 2_000_000 + i));
    const ingress = await bench.start(["ingress"], { dbPool: 4 });
    const jobs = [await bench.start(["jobs"]), await bench.start(["jobs"])];
    const inboxes = [await bench.start(["realtime"]), await bench.start(["realtime"])];
    for (let i = 0; i < clients; i++) browsers.push(browser(`client${i + 1}`, T.owner.token, T.project.id, () => inboxes, i % 2));
    await Promise.all(browsers.map((b) => b.start()));
    const client = ingressClient(ingress.port!, 32);

    // Open loop: each webhook has a unique text, found again in its row afterwards.
    const sentAt = new Map<string, number>();
    const acked = new Set<string>();
    let errors = 0;
    let sent = 0;
    const started = performance.now();
    let killedAt = 0;
    let restartedAt = 0;
    const chaos = (async () => {
      await sleep(killAt * 1000);
      killedAt = performance.now();
      inboxes[0]!.child.kill("SIGKILL");
      jobs[0]!.child.kill("SIGKILL");
      console.log(`killed at ${killAt} s: inbox server 1 and job process 1 (SIGKILL)`);
      await sleep(downSeconds * 1000);
      inboxes[0] = await bench.start(["realtime"]);
      jobs[0] = await bench.start(["jobs"]);
      restartedAt = performance.now();
      console.log(`restarted after ${((restartedAt - killedAt) / 1000).toFixed(1)} s`);
    })();
    const inFlight = new Set<Promise<unknown>>();
    while (performance.now() - started < seconds * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate) - sent;
      for (let i = 0; i < due; i++) {
        const n = sent++;
        const channel = channels[n % channels.length]!;
        const text = `scale-${n} Здравствуйте, есть доставка?`;
        sentAt.set(text, performance.now());
        const p = client
          .postTelegram(channel, telegramUpdate(channel, 2_000_000 + ((n * 7) % chats), text))
          .then((r) => (r.status === 200 ? acked.add(text) : errors++))
          .catch(() => errors++);
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      await sleep(2);
    }
    await Promise.all(inFlight);
    await chaos;

    // Let the inbound queue drain and the last events arrive.
    const texts = [...sentAt.keys()];
    const deadline = performance.now() + 120_000;
    const stored = async () =>
      env.owner
        .select({ id: messages.id, text: messages.text })
        .from(messages)
        .where(sql`${messages.direction} = 'in' and ${messages.text} like 'scale-%'`);
    let rows = await stored();
    while (performance.now() < deadline) {
      const counts = await env.queues.inbound.getJobCounts("wait", "active", "delayed", "prioritized");
      rows = await stored();
      if (new Set(rows.map((r) => r.text)).size >= acked.size && Object.values(counts).every((n) => n === 0)) break;
      await sleep(500);
    }
    const ids = rows.map((r) => r.id);
    const eventsDeadline = performance.now() + 15_000;
    while (performance.now() < eventsDeadline && browsers.some((b) => ids.some((id) => !b.received.has(id)))) await sleep(200);

    const byText = new Map<string, number[]>();
    for (const r of rows) byText.set(r.text ?? "", [...(byText.get(r.text ?? "") ?? []), r.id]);
    const lost = [...acked].filter((t) => !byText.has(t)).length;
    const duplicated = [...byText.values()].reduce((n, list) => n + list.length - 1, 0);
    const missed = browsers.map((b) => ids.filter((id) => !b.received.has(id)).length);
    const eventsMissed = missed.reduce((a, b) => a + b, 0);

    // Latency: POST → the first browser's event, by when the webhook was sent.
    const idText = new Map(rows.map((r) => [r.id, r.text ?? ""]));
    const phases: Record<"before" | "during" | "after", number[]> = { before: [], during: [], after: [] };
    for (const id of ids) {
      const arrivals = browsers.map((b) => b.received.get(id)).filter((t): t is number => t !== undefined);
      const postedAt = sentAt.get(idText.get(id)!);
      if (!arrivals.length || postedAt === undefined) continue;
      const phase = postedAt < killedAt ? "before" : postedAt < restartedAt + 5000 ? "during" : "after";
      phases[phase].push(Math.min(...arrivals) - postedAt);
    }
    const agentBacklog = await queueBacklog(env.queues.ai);

    console.log("");
    console.log(`webhooks: sent ${texts.length}, acknowledged ${acked.size}, http errors ${errors}; message rows ${rows.length} (distinct ${byText.size})`);
    console.log(`browsers: ${browsers.map((b) => `${b.name} ${JSON.stringify(b.stats())} missed ${ids.filter((id) => !b.received.has(id)).length}`).join("; ")}`);
    console.log(`agent backlog: ${agentBacklog.waiting} turns waiting (oldest due ${agentBacklog.oldestWaitingMs === null ? "-" : `${(agentBacklog.oldestWaitingMs / 1000).toFixed(1)} s`} ago), ${agentBacklog.active} running`);
    for (const phase of ["before", "during", "after"] as const) console.log(formatSummary(`webhook → socket event, ${phase} the kill`, summarize(phases[phase])));
    console.log(`messages lost: ${lost}`);
    console.log(`messages duplicated: ${duplicated}`);
    console.log(`events missed: ${eventsMissed}`);
    const file = recordResult("scale", {
      params: { rate, seconds, killAt, downSeconds, bots, chats, clients, agent },
      sent: texts.length,
      acked: acked.size,
      rows: rows.length,
      lost,
      duplicated,
      eventsMissed,
      browsers: browsers.map((b) => ({ name: b.name, ...b.stats() })),
      latency: { before: summarize(phases.before), during: summarize(phases.during), after: summarize(phases.after) },
      agentBacklog,
    });
    console.log(`results appended to ${file}`);
    await client.close();
    console.log(`scale_lost: ${lost + duplicated + eventsMissed}`);
  } finally {
    browsers.forEach((b) => b.close());
    await bench.close();
  }
}
