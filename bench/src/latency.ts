// latency: a Telegram webhook POST to the real ingress → the `event` pushed by Socket.IO to a
// manager's logged-in socket in the project's room, while other webhook traffic keeps a steady
// background load on the same ingress, jobs and realtime server.
import os from "node:os";
import { eq } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import { conversations } from "@threadline/db";
import { queueBacklog } from "@threadline/pipeline/jobs";
import { createBenchEnv, createTelegramChannel, ingressClient, knowChats, processCpuReport, setAgent, telegramUpdate } from "./stack.ts";
import { describeHost, formatSummary, numberArg, parseArgs, recordResult, sleep, stringArg, summarize } from "./stats.ts";

type ConversationEvent = { type: string; conversationId?: string; messageId?: number; direction?: string };

// Probe texts: questions without a phone number, so probe conversations stay with the agent and
// unassigned (visible to the manager) for the whole run.
const probeTexts = ["Здравствуйте, а доставка сегодня будет?", "Сколько стоит букет из 15 роз?", "Вы до скольки работаете?", "А самовывоз есть?", "Подскажите адрес, пожалуйста"];

export async function runLatency(argv: string[]) {
  const args = parseArgs(argv);
  const samples = numberArg(args, "samples", 1200);
  const probeRate = numberArg(args, "probe-rate", 25);
  const backgroundRate = numberArg(args, "background-rate", 200);
  const probeChats = numberArg(args, "probe-chats", 50);
  const backgroundChats = numberArg(args, "background-chats", 3000);
  const warmupSeconds = numberArg(args, "warmup", 5);
  const timeoutMs = numberArg(args, "timeout-ms", 5000);
  const inboundConcurrency = numberArg(args, "inbound-concurrency", 0);
  const maxSeconds = numberArg(args, "max-seconds", Math.ceil(samples / probeRate) + 60);
  const agent = stringArg(args, "agent", "on");
  const backgroundBots = numberArg(args, "background-bots", 8);
  // split: apps/worker's layout (one process per job role); jobs: every job in one process.
  const layout = stringArg(args, "layout", "split");
  if (layout !== "split" && layout !== "jobs") throw new Error("--layout is split or jobs");
  // Who watches: the owner sees every conversation; a manager only unassigned and own ones, and
  // the lead pipeline hands conversations to people by rotation (then a manager stops seeing them).
  const as = stringArg(args, "as", "owner");
  if (as !== "owner" && as !== "manager") throw new Error("--as is owner or manager");

  console.log("latency: webhook POST → Socket.IO `event` at a logged-in member's socket, under background webhook load");
  console.log(describeHost());
  console.log(
    `params: samples=${samples} probe-rate=${probeRate}/s probe-chats=${probeChats} background-rate=${backgroundRate}/s background-chats=${backgroundChats} background-bots=${backgroundBots} warmup=${warmupSeconds}s timeout=${timeoutMs}ms agent=${agent} as=${as} layout=${layout} inbound-concurrency=${inboundConcurrency || "default"} max-seconds=${maxSeconds}`,
  );
  console.log(
    layout === "split"
      ? "layout: apps/worker's processes (ingress | inbound jobs | delivery jobs | agent jobs, each at its role's CPU priority) | inbox process (Socket.IO via attachRealtime) | this process (load, socket client, Telegram Bot API simulator)"
      : "layout: ingress | every BullMQ job incl. the agent in one process (at WORKER_JOBS_NICE) | inbox process (Socket.IO via attachRealtime) | this process (load, socket client, Telegram Bot API simulator)",
  );

  const bench = await createBenchEnv();
  const sockets: Socket[] = [];
  try {
    const { env } = bench;
    const T = await env.createTenant("Latency");
    if (agent === "off") await setAgent(env, T.project.id, false);
    const probe = await createTelegramChannel(env, bench.telegram, T.project.id, "Бот для замеров");
    const background = [];
    for (let i = 0; i < backgroundBots; i++) background.push(await createTelegramChannel(env, bench.telegram, T.project.id, `Бот магазина ${i + 1}`));
    knowChats(bench.telegram, probe, Array.from({ length: probeChats }, (_, i) => 900_000 + i));
    for (const ch of background) knowChats(bench.telegram, ch, Array.from({ length: backgroundChats }, (_, i) => 1_000_000 + i));
    const ingress = await bench.start(["ingress"], { dbPool: 4 });
    const jobs = layout === "split" ? [await bench.start(["inbound"], { inboundConcurrency }), await bench.start(["delivery"]), await bench.start(["agent"])] : [await bench.start(["jobs"], { inboundConcurrency })];
    const inbox = await bench.start(["realtime"]);
    const probeClient = ingressClient(ingress.port!, 8);
    const backgroundClient = ingressClient(ingress.port!, 32);

    // The member's browser: logged in by the session cookie, joined to the project's rooms.
    const socket = connect(`http://127.0.0.1:${inbox.port}`, { path: "/socket.io", transports: ["websocket"], extraHeaders: { cookie: `tl_session=${T[as].token}` }, reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const joined = (await socket.emitWithAck("join", { projectId: T.project.id })) as { ok: boolean; error?: string };
    if (!joined.ok) throw new Error(`socket could not join the project: ${joined.error}`);

    // Each probe chat has at most one probe in flight, so an event for its conversation is that probe's.
    const pending = new Map<string, { started: number }>();
    const conversationChat = new Map<string, number>();
    const latencies: number[] = [];
    let backgroundEvents = 0;
    let warmupEvents = 0;
    socket.on("event", (e: ConversationEvent) => {
      // The client's message itself; the agent's replies (direction "out") come after it.
      if (e.type !== "conversation.message" || e.direction !== "in" || !e.conversationId) return;
      const chat = conversationChat.get(e.conversationId);
      if (chat === undefined) {
        backgroundEvents++;
        return;
      }
      const p = pending.get(e.conversationId);
      if (!p) {
        warmupEvents++;
        return;
      }
      pending.delete(e.conversationId);
      latencies.push(performance.now() - p.started);
    });

    // Warm-up: one message in every probe chat creates its conversation, then learn the ids.
    for (let i = 0; i < probeChats; i++) await probeClient.postTelegram(probe, telegramUpdate(probe, 900_000 + i, probeTexts[i % probeTexts.length]));
    for (let t = 0; t < 100; t++) {
      const rows = await env.owner.select({ id: conversations.id, chat: conversations.externalChatId }).from(conversations).where(eq(conversations.channelId, probe.id));
      if (rows.length === probeChats) {
        for (const r of rows) conversationChat.set(r.id, Number(r.chat));
        break;
      }
      await sleep(100);
    }
    if (conversationChat.size !== probeChats) throw new Error("probe conversations were not created in 10 s");
    const chatConversation = new Map([...conversationChat].map(([conv, chat]) => [chat, conv]));

    // Background: open loop at a fixed rate, spread over many chats (new conversations first).
    const backgroundAcks: number[] = [];
    let backgroundSent = 0;
    let backgroundErrors = 0;
    let backgroundInFlight = 0;
    let backgroundSkipped = 0;
    let stopBackground = false;
    const backgroundStarted = performance.now();
    const backgroundLoop = (async () => {
      while (!stopBackground) {
        const due = Math.floor(((performance.now() - backgroundStarted) / 1000) * backgroundRate) - backgroundSent - backgroundSkipped;
        for (let i = 0; i < due; i++) {
          if (backgroundInFlight >= 1000) {
            backgroundSkipped++;
            continue;
          }
          const n = backgroundSent++;
          const channel = background[n % background.length]!;
          backgroundInFlight++;
          void backgroundClient
            .postTelegram(channel, telegramUpdate(channel, 1_000_000 + (n % backgroundChats)))
            .then((r) => {
              if (r.status !== 200) backgroundErrors++;
              backgroundAcks.push(r.ms);
            })
            .catch(() => backgroundErrors++)
            .finally(() => backgroundInFlight--);
        }
        await sleep(2);
      }
    })();

    await sleep(warmupSeconds * 1000);
    for (const p of [ingress, ...jobs, inbox]) p.resetStats();
    inbox.resetStats();
    const backgroundSentAtStart = backgroundSent;
    const measureStarted = performance.now();

    // Probes: open loop at probeRate, round robin over the probe chats.
    const probeAcks: number[] = [];
    let probesSent = 0;
    let probesLost = 0;
    let probesBusy = 0;
    let probeErrors = 0;
    const deadline = measureStarted + maxSeconds * 1000;
    while (probesSent < samples && performance.now() < deadline) {
      const due = Math.floor(((performance.now() - measureStarted) / 1000) * probeRate) - probesSent - probesBusy;
      for (let i = 0; i < due && probesSent < samples; i++) {
        const chat = 900_000 + ((probesSent + probesBusy) % probeChats);
        const conversationId = chatConversation.get(chat)!;
        const open = pending.get(conversationId);
        if (open) {
          if (performance.now() - open.started < timeoutMs) {
            probesBusy++;
            continue;
          }
          pending.delete(conversationId);
          probesLost++;
        }
        probesSent++;
        pending.set(conversationId, { started: performance.now() });
        void probeClient
          .postTelegram(probe, telegramUpdate(probe, chat, probeTexts[probesSent % probeTexts.length]))
          .then((r) => {
            probeAcks.push(r.ms);
            if (r.status !== 200) probeErrors++;
          })
          .catch(() => probeErrors++);
      }
      await sleep(2);
    }
    // Let the last probes arrive, then stop the background.
    const drainUntil = performance.now() + timeoutMs;
    while (pending.size > 0 && performance.now() < drainUntil) await sleep(10);
    probesLost += pending.size;
    const measuredSeconds = (performance.now() - measureStarted) / 1000;
    const cpu = await processCpuReport([ingress, ...jobs, inbox]);
    stopBackground = true;
    await backgroundLoop;
    const backgroundRateAchieved = (backgroundSent - backgroundSentAtStart) / measuredSeconds;
    const agentBacklog = await queueBacklog(env.queues.ai);
    // Where an inbound job's time went: waiting in the queue to be taken, then being stored and
    // published (the job's own run), for the jobs queued during the measurement.
    const inboundJobs = (await env.queues.inbound.getJobs(["completed"], 0, 9_999)).filter((j) => j && j.timestamp >= Date.now() - measuredSeconds * 1000 && j.processedOn && j.finishedOn);
    const inboundWait = summarize(inboundJobs.map((j) => j.processedOn! - j.timestamp));
    const inboundRun = summarize(inboundJobs.map((j) => j.finishedOn! - j.processedOn!));
    const inboundBatch = summarize(inboundJobs.map((j) => ("items" in j.data ? j.data.items.length : 1)));
    const counts = {
      inbound: await env.queues.inbound.getJobCounts("waiting", "active", "completed", "failed"),
      ai: await env.queues.ai.getJobCounts("waiting", "active", "completed", "failed"),
      outbound: await env.queues.outbound.getJobCounts("waiting", "active", "delayed", "completed", "failed"),
    };
    await probeClient.close();
    await backgroundClient.close();

    const lat = summarize(latencies);
    const probeAck = summarize(probeAcks);
    const bgAck = summarize(backgroundAcks);
    console.log("");
    console.log(`measured: ${measuredSeconds.toFixed(1)} s; probes sent ${probesSent}, received ${latencies.length}, lost (no event within ${timeoutMs} ms) ${probesLost}, http errors ${probeErrors}, skipped while busy ${probesBusy}`);
    console.log(`background: ${backgroundRateAchieved.toFixed(1)} msgs/s achieved during the measurement (target ${backgroundRate}), ${backgroundSent} sent in all, ${backgroundErrors} errors, ${backgroundSkipped} skipped at the in-flight cap; background events at the socket: ${backgroundEvents}`);
    console.log(`queues after the run: ${JSON.stringify(counts)}; agent replies sent through the Telegram simulator: ${[probe, ...background].reduce((n, ch) => n + (bench.telegram.bots.get(ch.token)?.sent.length ?? 0), 0)}`);
    console.log(`agent backlog: ${agentBacklog.waiting} turns waiting (oldest due ${agentBacklog.oldestWaitingMs === null ? "-" : `${(agentBacklog.oldestWaitingMs / 1000).toFixed(1)} s`} ago), ${agentBacklog.active} running, ${agentBacklog.delayed} not yet due`);
    console.log(formatSummary("webhook → socket event", lat));
    console.log(formatSummary("inbound job: wait to be taken", inboundWait));
    console.log(formatSummary("inbound job: store + publish", inboundRun));
    console.log(formatSummary("inbound job: events per job", inboundBatch, ""));
    console.log(formatSummary("probe webhook ack", probeAck));
    console.log(formatSummary("background webhook ack", bgAck));
    for (const c of cpu) console.log(`process ${c.roles.padEnd(16)} cpu ${c.cpuPct}%  event-loop delay p99 ${c.loopP99Ms} ms max ${c.loopMaxMs} ms  rss ${c.rssMb} MB`);
    console.log(`load avg at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    console.log(`ratio p95/goal(300 ms): ${(lat.p95 / 300).toFixed(2)}; p99/p50: ${(lat.p99 / lat.p50).toFixed(2)}`);
    const file = recordResult("latency", {
      params: { as, samples, probeRate, backgroundRate, probeChats, backgroundChats, backgroundBots, warmupSeconds, timeoutMs, agent, inboundConcurrency },
      latency: lat,
      probeAck,
      backgroundAck: bgAck,
      probesLost,
      probeErrors,
      backgroundRateAchieved,
      backgroundErrors,
      warmupEvents,
      queue: counts,
      agentBacklog,
      inboundJobs: { wait: inboundWait, run: inboundRun, events: inboundBatch },
      loadAverage: os.loadavg(),
      layout,
      cpu,
    });
    console.log(`results appended to ${file}`);
    console.log(`latency_p95_ms: ${Math.round(lat.p95)}`);
  } finally {
    sockets.forEach((s) => s.disconnect());
    await bench.close();
  }
}
