// ingest: sustained inbound messages/s end to end (Telegram webhook POST → stored message row)
// and the webhook ack time, with the ingress and the BullMQ jobs in child processes of their own
// as apps/worker runs them. Phases (all by default):
//   capacity  closed loop, keep-alive connections, a fixed number of messages as fast as it goes;
//             msgs/s = rows stored / (last row stored − first POST), backlog drained included
//   goal      open loop at the goal rate (1,000/s): ack p50/p99 and whether storing keeps up
//   store     storing alone, same concurrency as the inbound worker, one by one (ingestEvent) and
//             in group commit (IngestBatcher, as the worker stores): the database ceiling
//   queue     BullMQ add → no-op worker: the queue's ceiling without the database
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { and, eq, inArray, sql } from "drizzle-orm";
import { messages } from "@threadline/db";
import { ingestEvent, IngestBatcher } from "@threadline/domain";
import { INBOUND_CONCURRENCY } from "@threadline/pipeline";
import { clientMessage } from "@threadline/testing";
import { createBenchEnv, createTelegramChannel, ingressClient, knowChats, processCpuReport, REDIS_URL, setAgent, telegramUpdate, type BenchChannel, type ProductProcess } from "./stack.ts";
import { describeHost, formatSummary, numberArg, parseArgs, recordResult, round, sleep, stringArg, summarize, type Summary } from "./stats.ts";

type PhaseResult = Record<string, unknown>;

/**
 * CPU seconds used so far by each Postgres backend of the product in the benchmark's database
 * (Linux /proc). The benchmark's own connections (the superuser's: row counts, setup) are left out.
 */
async function backendCpu(owner: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> }, database: string): Promise<Map<number, number>> {
  const rows = (await owner.execute(sql`select pid from pg_stat_activity where datname = ${database} and usename <> current_user`)) as { pid: number }[];
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks.
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // A backend that ended meanwhile.
    }
  }
  return out;
}

/** CPU seconds Redis has used so far (INFO cpu: the server's user and system time, main thread and others). */
async function redisCpu(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, "m").exec(info)?.[1] ?? 0);
  return field("used_cpu_user") + field("used_cpu_sys");
}

/** Postgres CPU used between two readings (backends that started meanwhile count whole). */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, s] of after) total += s - (before.get(pid) ?? 0);
  return total;
}

export async function runIngest(argv: string[]) {
  const args = parseArgs(argv);
  const phases = stringArg(args, "phases", "capacity,goal,store,queue").split(",");
  const messagesTotal = numberArg(args, "messages", 30_000);
  const connections = numberArg(args, "connections", 32);
  const goalRate = numberArg(args, "rate", 1000);
  const goalSeconds = numberArg(args, "seconds", 20);
  const chats = numberArg(args, "chats", 6000);
  const layout = stringArg(args, "layout", "split");
  const workerProcesses = numberArg(args, "worker-processes", 1);
  const inboundConcurrency = numberArg(args, "inbound-concurrency", 0);
  const agent = stringArg(args, "agent", "on");
  const bots = numberArg(args, "bots", 20);
  // startWorkers' default inbound concurrency, for the phases that stand in for the worker.
  const concurrency = inboundConcurrency || INBOUND_CONCURRENCY;
  const maxSeconds = numberArg(args, "max-seconds", 180);
  if (layout !== "one" && layout !== "split") throw new Error("--layout is split (the ingress and the jobs in processes of their own, as apps/worker runs them) or one (both in one process)");

  console.log("ingest: Telegram webhook POST → stored message row, sustained msgs/s and webhook ack time");
  console.log(describeHost());
  console.log(
    `params: phases=${phases.join(",")} messages=${messagesTotal} connections=${connections} goal-rate=${goalRate}/s goal-seconds=${goalSeconds} chats=${chats} bots=${bots} agent=${agent} layout=${layout} worker-processes=${layout === "split" ? workerProcesses : 0} inbound-concurrency=${inboundConcurrency || "default"} max-seconds=${maxSeconds}`,
  );
  console.log(
    layout === "one"
      ? "layout: one process with ingress + BullMQ jobs | this process (load generator, undici keep-alive pool)"
      : `layout: ingress process | ${workerProcesses} jobs process(es) at the jobs' lower CPU priority (as apps/worker runs them) | this process (load generator, undici keep-alive pool)`,
  );

  const bench = await createBenchEnv();
  const results: Record<string, PhaseResult> = {};
  let headline: number | null = null;
  let headlineAck: Summary | null = null;
  try {
    const { env } = bench;
    // Several tenants, several bots each: the traffic of a multi-tenant installation.
    const tenants = [];
    for (let i = 0; i < Math.min(5, bots); i++) tenants.push(await env.createTenant(`Ingest${i + 1}`));
    const T = tenants[0]!;
    const channelsList: BenchChannel[] = [];
    for (let i = 0; i < bots; i++) {
      const tenant = tenants[i % tenants.length]!;
      const ch = await createTelegramChannel(env, bench.telegram, tenant.project.id, `Бот ${i + 1}`);
      knowChats(bench.telegram, ch, Array.from({ length: chats }, (_, k) => 2_000_000 + k));
      channelsList.push(ch);
    }
    if (agent === "off") for (const t of tenants) await setAgent(env, t.project.id, false);
    const channelIds = channelsList.map((c) => c.id);
    const processes: ProductProcess[] = [];
    if (layout === "one") processes.push(await bench.start(["ingress", "jobs"], { inboundConcurrency }));
    else {
      processes.push(await bench.start(["ingress"], { dbPool: 4 }));
      for (let i = 0; i < workerProcesses; i++) processes.push(await bench.start(["jobs"], { inboundConcurrency }));
    }
    const port = processes[0]!.port!;
    const client = ingressClient(port, connections);
    let chatCursor = 0;
    const nextChat = () => 2_000_000 + (chatCursor++ % chats);

    // Redis is shared by every queue and the load generator's bookkeeping alike; it is measured whole.
    const redisInfo = new Redis(REDIS_URL);
    const storedCount = async () => {
      const [row] = await env.owner.select({ n: sql<number>`count(*)::int` }).from(messages).where(and(inArray(messages.channelId, channelIds), eq(messages.direction, "in")));
      return row!.n;
    };

    /** Polls the stored row count until `target` rows or the deadline; returns when the last row landed. */
    async function waitStored(target: number, deadline: number, trace: { t: number; n: number }[]) {
      for (;;) {
        const n = await storedCount();
        trace.push({ t: performance.now(), n });
        if (n >= target || performance.now() > deadline) return n;
        await sleep(100);
      }
    }

    /**
     * CPU per stored message of the product process(es), Postgres (the benchmark database's
     * backends) and this process. Two cores give 2 ms of CPU per message at 1,000 msgs/s for
     * everything together: this says who spends it, whatever else runs on the machine.
     */
    async function cpuMeter() {
      const pg = await backendCpu(env.owner, env.database.name);
      const redisBefore = await redisCpu(redisInfo);
      const self = process.cpuUsage();
      const started = performance.now();
      return async (messagesStored: number, cpu: { roles: string; cpuPct: number }[]) => {
        const seconds = (performance.now() - started) / 1000;
        const perMessage = (cpuSeconds: number) => round((cpuSeconds * 1000) / Math.max(1, messagesStored), 3);
        const own = process.cpuUsage(self);
        const out: Record<string, number> = {};
        for (const c of cpu) out[c.roles] = perMessage((c.cpuPct / 100) * seconds);
        out.postgres = perMessage(cpuBetween(pg, await backendCpu(env.owner, env.database.name)));
        out.redis = perMessage((await redisCpu(redisInfo)) - redisBefore);
        out.loadGenerator = perMessage((own.user + own.system) / 1e6);
        console.log(`cpu ms per stored message: ${Object.entries(out).map(([k, v]) => `${k} ${v}`).join(", ")}; total ${round(Object.values(out).reduce((a, b) => a + b, 0), 3)} (2 cores at 1,000 msgs/s: 2 ms)`);
        return out;
      };
    }

    // The lead pipeline's backlog: agent turns and sends queued behind the stored messages.
    const queueReport = async () => ({
      ai: await env.queues.ai.getJobCounts("waiting", "active", "completed", "failed"),
      outbound: await env.queues.outbound.getJobCounts("waiting", "active", "delayed", "completed", "failed"),
    });

    /** A measured phase starts from the rows stored so far, fresh process stats and a CPU reading. */
    async function startPhase(title: string) {
      console.log("");
      console.log(title);
      const before = await storedCount();
      processes.forEach((p) => p.resetStats());
      return { before, meter: await cpuMeter() };
    }

    // Warm-up: JIT, connection pools (every connection of the load generator's opened), channel cache.
    {
      const warm = Math.max(1000, connections * 4);
      const before = await storedCount();
      await Promise.all(Array.from({ length: connections }, async (_, w) => {
        for (let i = w; i < warm; i += connections) {
          const ch = channelsList[i % channelsList.length]!;
          await client.postTelegram(ch, telegramUpdate(ch, nextChat()));
        }
      }));
      await waitStored(before + warm, performance.now() + 60_000, []);
    }

    if (phases.includes("capacity")) {
      const { before, meter } = await startPhase(`capacity: ${messagesTotal} messages, closed loop over ${connections} keep-alive connections`);
      const acks: number[] = [];
      let errors = 0;
      let sent = 0;
      const started = performance.now();
      const deadline = started + maxSeconds * 1000;
      const trace: { t: number; n: number }[] = [];
      let sending = true;
      const poller = (async () => {
        while (sending) {
          trace.push({ t: performance.now(), n: await storedCount() });
          await sleep(250);
        }
      })();
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (sent < messagesTotal && performance.now() < deadline) {
            const n = sent++;
            const ch = channelsList[n % channelsList.length]!;
            try {
              const r = await client.postTelegram(ch, telegramUpdate(ch, nextChat()));
              acks.push(r.ms);
              if (r.status !== 200) errors++;
            } catch {
              errors++;
            }
          }
        }),
      );
      const sendSeconds = (performance.now() - started) / 1000;
      sending = false;
      await poller;
      const stored = (await waitStored(before + sent, deadline + 60_000, trace)) - before;
      const lastRow = trace.find((p) => p.n >= before + sent)?.t ?? performance.now();
      const e2eSeconds = (lastRow - started) / 1000;
      const cpu = await processCpuReport(processes);
      // Storing rate in the steady middle of the run (between 20% and 80% of the rows).
      const a = trace.find((p) => p.n - before >= sent * 0.2);
      const b = trace.find((p) => p.n - before >= sent * 0.8);
      const steady = a && b && b.t > a.t ? (b.n - a.n) / ((b.t - a.t) / 1000) : Number.NaN;
      const ack = summarize(acks);
      const e2e = stored / e2eSeconds;
      console.log(`sent ${sent} in ${sendSeconds.toFixed(1)} s (acks ${(sent / sendSeconds).toFixed(0)}/s), http errors ${errors}; stored ${stored} rows, last one ${e2eSeconds.toFixed(1)} s after the first POST`);
      console.log(`end-to-end: ${e2e.toFixed(0)} msgs/s stored (steady middle 20–80%: ${steady.toFixed(0)} msgs/s); ack rate / store rate = ${(sent / sendSeconds / e2e).toFixed(2)}`);
      console.log(formatSummary("webhook ack at saturation", ack));
      for (const c of cpu) console.log(`process ${c.roles.padEnd(16)} cpu ${c.cpuPct}%  event-loop delay p99 ${c.loopP99Ms} ms max ${c.loopMaxMs} ms  rss ${c.rssMb} MB`);
      const cpuPerMessage = await meter(stored, cpu);
      const queues = await queueReport();
      console.log(`queues when the last row was stored: ${JSON.stringify(queues)}`);
      results.capacity = { sent, stored, errors, sendSeconds: round(sendSeconds), e2eSeconds: round(e2eSeconds), queues, msgsPerSecond: round(e2e, 1), steadyMsgsPerSecond: round(steady, 1), ackRate: round(sent / sendSeconds, 1), ack, cpu, cpuPerMessage };
      headline = e2e;
      headlineAck = ack;
    }

    if (phases.includes("goal")) {
      const { before, meter } = await startPhase(`goal: open loop at ${goalRate}/s for ${goalSeconds} s`);
      const acks: number[] = [];
      let errors = 0;
      let sent = 0;
      let skipped = 0;
      // The same acks timed from when the load generator sent them: what the ingress alone takes.
      const sendAcks: number[] = [];
      let inFlight = 0;
      const target = goalRate * goalSeconds;
      const started = performance.now();
      const trace: { t: number; n: number }[] = [];
      let maxBacklog = 0;
      let sending = true;
      // This process also runs the simulators the agent and the sends talk to: its own delays
      // would count in the ack times, so they are reported.
      const ownLoop = monitorEventLoopDelay({ resolution: 5 });
      ownLoop.enable();
      const poller = (async () => {
        while (sending) {
          const n = await storedCount();
          trace.push({ t: performance.now(), n });
          maxBacklog = Math.max(maxBacklog, sent - (n - before));
          await sleep(250);
        }
      })();
      while (sent + skipped < target) {
        const due = Math.min(target, Math.floor(((performance.now() - started) / 1000) * goalRate)) - sent - skipped;
        for (let i = 0; i < due; i++) {
          // Each POST is timed from when the schedule says it is due, not from when this loop got
          // to it: a stalled sender or a queue in the client pool counts against the ack time.
          const dueAt = started + ((sent + skipped) / goalRate) * 1000;
          if (inFlight >= connections * 8) {
            skipped++;
            continue;
          }
          const n = sent++;
          inFlight++;
          void client
            .postTelegram(channelsList[n % channelsList.length]!, telegramUpdate(channelsList[n % channelsList.length]!, nextChat()))
            .then((r) => {
              acks.push(performance.now() - dueAt);
              sendAcks.push(r.ms);
              if (r.status !== 200) errors++;
            })
            .catch(() => errors++)
            .finally(() => inFlight--);
        }
        await sleep(1);
      }
      while (inFlight > 0) await sleep(5);
      const sendSeconds = (performance.now() - started) / 1000;
      sending = false;
      await poller;
      const storedBySendEnd = (trace[trace.length - 1]?.n ?? before) - before;
      const stored = (await waitStored(before + sent, performance.now() + maxSeconds * 1000, trace)) - before;
      const lastRow = trace.find((p) => p.n >= before + sent)?.t ?? performance.now();
      const e2eSeconds = (lastRow - started) / 1000;
      const cpu = await processCpuReport(processes);
      const ack = summarize(acks);
      console.log(`sent ${sent} (${(sent / sendSeconds).toFixed(0)}/s achieved), skipped at the in-flight cap ${skipped}, http errors ${errors}`);
      if (skipped > 0) console.log(`NOT the goal rate: ${skipped} POSTs were due while ${connections * 8} were unanswered and were not sent; the ack times below leave them out`);
      console.log(`stored ${stored}; ${storedBySendEnd} by the end of sending; all stored ${e2eSeconds.toFixed(1)} s after the first POST (${(stored / e2eSeconds).toFixed(0)} msgs/s); max backlog ${maxBacklog}`);
      console.log(formatSummary(`webhook ack at ${goalRate}/s`, ack));
      const ackFromSend = summarize(sendAcks);
      console.log(formatSummary("  the same, timed from the send", ackFromSend));
      ownLoop.disable();
      console.log(`load generator event-loop delay p99 ${round(ownLoop.percentile(99) / 1e6)} ms max ${round(ownLoop.max / 1e6)} ms`);
      for (const c of cpu) console.log(`process ${c.roles.padEnd(16)} cpu ${c.cpuPct}%  event-loop delay p99 ${c.loopP99Ms} ms max ${c.loopMaxMs} ms  rss ${c.rssMb} MB`);
      const cpuPerMessage = await meter(stored, cpu);
      const queues = await queueReport();
      console.log(`queues when the last row was stored: ${JSON.stringify(queues)}`);
      results.goal = { queues, rate: goalRate, sent, skipped, errors, stored, storedBySendEnd, e2eSeconds: round(e2eSeconds), msgsPerSecond: round(stored / e2eSeconds, 1), maxBacklog, ack, ackFromSend, cpu, cpuPerMessage };
      headlineAck = ack;
      headline ??= stored / e2eSeconds;
    }
    await client.close();
    redisInfo.disconnect();
    await Promise.all(processes.map((p) => p.stop()));

    if (phases.includes("store")) {
      console.log("");
      const n = Math.min(messagesTotal, 20_000);
      console.log(`store: storing alone (no HTTP, no queue), ${n} messages per mode, ${concurrency} concurrent callers, app-role pool of 20`);
      const { createDb } = await import("@threadline/db");
      const db = createDb(env.database.appUrl, { max: 20 });
      const batcher = new IngestBatcher(db);
      const modes = [
        { name: "one by one (ingestEvent)", chatBase: 3_000_000, store: ingestEvent.bind(null, db) },
        { name: "group commit (IngestBatcher)", chatBase: 5_000_000, store: batcher.ingest },
      ];
      const store: Record<string, unknown> = { messages: n };
      for (const mode of modes) {
        const times: number[] = [];
        let next = 0;
        const pgBefore = await backendCpu(env.owner, env.database.name);
        const self = process.cpuUsage();
        const started = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < n) {
              const i = next++;
              const ch = channelsList[i % channelsList.length]!;
              const t0 = performance.now();
              await mode.store({ id: ch.id, projectId: ch.projectId, kind: "telegram" }, clientMessage({ chatId: String(mode.chatBase + (i % chats)), text: "Здравствуйте! Сколько стоит доставка в Казань?", name: "Анна Петрова" }));
              times.push(performance.now() - t0);
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const own = process.cpuUsage(self);
        const pgMs = (cpuBetween(pgBefore, await backendCpu(env.owner, env.database.name)) * 1000) / n;
        const callerMs = (own.user + own.system) / 1000 / n;
        const s = summarize(times);
        console.log(`${mode.name}: ${(n / seconds).toFixed(0)} msgs/s; cpu ms per message: caller ${round(callerMs, 3)}, postgres ${round(pgMs, 3)}`);
        console.log(formatSummary("  time per message", s));
        store[mode.name] = { msgsPerSecond: round(n / seconds, 1), time: s, callerCpuMs: round(callerMs, 3), postgresCpuMs: round(pgMs, 3) };
      }
      await db.$close();
      results.store = store;
    }

    if (phases.includes("queue")) {
      console.log("");
      const n = Math.min(messagesTotal, 20_000);
      console.log(`queue: BullMQ add (deterministic job id, inbound job options) → worker that does nothing, ${n} jobs, concurrency ${concurrency}`);
      const prefix = `${env.queues.prefix}:q${randomBytes(2).toString("hex")}`;
      const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue("inbound", { connection, prefix, defaultJobOptions: { attempts: 10, backoff: { type: "exponential", delay: 200 }, removeOnComplete: 10_000, removeOnFail: 50_000 } });
      let done = 0;
      const worker = new Worker("inbound", async () => undefined, { connection: new Redis(REDIS_URL, { maxRetriesPerRequest: null }), prefix, concurrency });
      worker.on("completed", () => done++);
      // The normalised event the ingress enqueues.
      const payload = clientMessage({ chatId: "4000001", text: "Здравствуйте! Сколько стоит доставка в Казань?", name: "Анна Петрова" });
      const started = performance.now();
      let added = 0;
      await Promise.all(
        Array.from({ length: connections }, async () => {
          while (added < n) {
            const i = added++;
            await queue.add("event", { channelId: channelIds[0], projectId: T.project.id, kind: "telegram", event: payload }, { jobId: `bench_${i}` });
          }
        }),
      );
      const addSeconds = (performance.now() - started) / 1000;
      while (done < n && performance.now() - started < maxSeconds * 1000) await sleep(20);
      const seconds = (performance.now() - started) / 1000;
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
      console.log(`adds ${(n / addSeconds).toFixed(0)}/s; processed ${done} in ${seconds.toFixed(1)} s: ${(done / seconds).toFixed(0)} jobs/s end to end`);
      results.queue = { jobs: n, addsPerSecond: round(n / addSeconds, 1), jobsPerSecond: round(done / seconds, 1) };
    }

    console.log("");
    if (headline !== null) console.log(`ratio msgs/s / goal(1000): ${(headline / 1000).toFixed(2)}${headlineAck ? `; ack p99 / goal(50 ms): ${(headlineAck.p99 / 50).toFixed(2)}` : ""}`);
    const file = recordResult("ingest", {
      params: { phases, messagesTotal, connections, goalRate, goalSeconds, chats, bots, agent, layout, workerProcesses, inboundConcurrency },
      ...results,
      msgsPerSecond: headline,
    });
    console.log(`results appended to ${file}`);
    if (headline !== null) console.log(`ingest_msgs_per_s: ${Math.round(headline)}`);
  } finally {
    await bench.close();
  }
}
