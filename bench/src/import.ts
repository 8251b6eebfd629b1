// import: VK history import of a simulated community against VK's own limit. The bound is the
// least time the rate limit allows for the data: ceil(calls / 25) / 20 s, where calls =
// ceil(dialogs / 200) + Σ ceil(messages_in_dialog / 200). The import worker runs as a child
// process (as in production); with --chaos it is killed with SIGKILL at 10 random moments and
// restarted, and the stored history is compared with the community's by content checksum.
import { eq } from "drizzle-orm";
import { channels, conversations, importRuns, messages, withTenant } from "@threadline/db";
import { VkApiSimulator } from "@threadline/simulators/channels";
import { encryptSecret } from "@threadline/domain";
import { createImportRun } from "@threadline/pipeline/import";
import {
  communityMessages,
  createTestEnv,
  historyMismatch,
  messageFingerprint,
  minimalCalls,
  seedVkCommunity,
  seededRandom,
  simulatedFingerprint,
  startImportChild,
} from "@threadline/testing";
import { describeHost, numberArg, parseArgs, recordResult, round } from "./stats.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runImport(argv: string[]) {
  const args = parseArgs(argv);
  const dialogs = numberArg(args, "dialogs", 20_000);
  const fixed = args.has("messages-per-dialog") ? numberArg(args, "messages-per-dialog", 10) : undefined;
  const chaos = args.has("chaos");
  const seed = numberArg(args, "seed", 1);
  const rps = numberArg(args, "rps", 20);
  console.log("import: VK history import (getConversations + getHistory in execute batches) against the token's rate limit");
  console.log(describeHost());
  console.log(`params: dialogs=${dialogs} messages-per-dialog=${fixed ?? "realistic"} chaos=${chaos} seed=${seed} rps=${rps}`);

  const vk = new VkApiSimulator({ rateLimit: { limit: rps, windowMs: 1000 } });
  await vk.start();
  const env = await createTestEnv();
  try {
    const seeded = seedVkCommunity(vk, { dialogs, messagesPerDialog: fixed, seed });
    const community = seeded.community;
    const calls = minimalCalls(community);
    const boundS = Math.ceil(calls / 25) / rps;
    console.log(`seeded: dialogs=${dialogs} messages=${seeded.messages} calls=${calls}`);

    const T = await env.createTenant("Bench import");
    const [channel] = await withTenant(env.db, T.project.id, (tx) =>
      tx
        .insert(channels)
        .values({ projectId: T.project.id, kind: "vk", name: "Сообщество", externalId: String(seeded.groupId), tokenEnc: encryptSecret(seeded.token, env.deps.secretKey), webhookSecret: "bench" })
        .returning(),
    );
    const run = await withTenant(env.db, T.project.id, (tx) => createImportRun(tx, { projectId: T.project.id, channelId: channel!.id, source: "vk_api" }));
    const childEnv = { databaseUrl: env.database.appUrl, projectId: T.project.id, runId: run.id, groupId: seeded.groupId, token: seeded.token, apiBaseUrl: vk.apiBaseUrl, requestsPerSecond: rps };

    // With --chaos the simulator also fails about one request in 40: 5xx, error 6, error 10, dropped connections.
    const injected = chaos ? vk.scheduleFaults({ every: 40, seed }) : null;
    const random = seededRandom(seed + 99);
    const started = Date.now();
    let peakRss = 0;
    let kills = 0;
    if (chaos) {
      // Ten kills spread over the expected run time, at random moments.
      const spread = Math.max(2000, (boundS * 1000) / 10);
      while (kills < 10) {
        const child = startImportChild(childEnv);
        const wait = 800 + Math.floor(random() * spread);
        const outcome = await Promise.race([child.done, sleep(wait).then(() => "timer" as const)]);
        if (outcome !== "timer") {
          peakRss = Math.max(peakRss, outcome?.maxRssMb ?? 0);
          break;
        }
        child.kill();
        await child.done;
        kills += 1;
        console.log(`chaos: killed the import worker (${kills}/10) after ${wait} ms`);
      }
    }
    const [before] = await env.owner.select({ state: importRuns.state }).from(importRuns).where(eq(importRuns.id, run.id));
    if (before!.state !== "done") {
      const last = startImportChild(childEnv);
      const report = await last.done;
      peakRss = Math.max(peakRss, report?.maxRssMb ?? 0);
    }
    const wallS = (Date.now() - started) / 1000;
    const [row] = await env.owner.select().from(importRuns).where(eq(importRuns.id, run.id));
    // The import's own time, from its first claim to its last commit (worker restarts included,
    // the first process start-up left out).
    const elapsedS = row!.startedAt && row!.finishedAt ? (row!.finishedAt.getTime() - row!.startedAt.getTime()) / 1000 : wallS;

    const figures: Record<string, unknown> = {
      dialogs,
      messages: seeded.messages,
      api_requests: row!.apiRequests,
      state: row!.state,
      bound_s: round(boundS),
      wall_s: round(wallS),
      elapsed_s: round(elapsedS),
      peak_rss_mb: peakRss,
      // The benchmark process hosts the simulator: its memory stays small however big the community.
      bench_peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    if (chaos) {
      const expected = [...communityMessages(community)].map(simulatedFingerprint);
      const stored = (
        await env.owner
          .select({ externalId: messages.externalId, chatId: conversations.externalChatId, direction: messages.direction, sentAt: messages.sentAt, text: messages.text })
          .from(messages)
          .innerJoin(conversations, eq(conversations.id, messages.conversationId))
          .where(eq(messages.channelId, channel!.id))
      ).map((r) => messageFingerprint({ externalId: r.externalId!, chatId: r.chatId, direction: r.direction, sentAtSec: Math.floor(r.sentAt.getTime() / 1000), text: r.text }));
      const mismatch = historyMismatch(expected, stored);
      Object.assign(figures, { kills, faults: Object.entries(injected ?? {}).map(([kind, n]) => `${kind}=${n}`).join(","), simulator_messages: expected.length, stored_messages: stored.length, chaos_mismatch: mismatch.missing + mismatch.duplicated + mismatch.extra });
    }
    figures.import_vs_bound = round(elapsedS / boundS);
    for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${String(v)}`);
    recordResult("import", figures);
  } finally {
    await env.close();
    await vk.stop();
  }
}
