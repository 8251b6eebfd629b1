// inbox-list: the first page of the inbox list and a search, through the API as a manager, on a
// project with 200,000 conversations and 4,000,000 messages; compared with the bare indexed SQL
// for the same page, with the plans.
import { randomBytes } from "node:crypto";
import { eq, and } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { Redis } from "ioredis";
import { createLogger } from "@threadline/config";
import { appDatabaseUrl, channels, memberships, roles, users, withTenant, type Db } from "@threadline/db";
import * as schema from "@threadline/db/schema";
import { createTestDatabase } from "@threadline/db/testing";
import { tmpdir } from "node:os";
import { createProject, createSession, hashPassword, LocalDiskStorage, PUBLIC_ENDPOINTS, SESSION_COOKIE } from "@threadline/domain";
import { fetchHandler } from "@threadline/api/trpc";
import { bareStatement } from "./inbox-bare.ts";
import { bulkLoad, type SeedReport } from "./inbox-seed.ts";
import { describeHost, formatSummary, numberArg, parseArgs, recordResult, round, stringArg, summarize, type Summary } from "./stats.ts";

const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const APP_PASSWORD = "threadline_app_local";
const SECRET_KEY = "bench-secret-key-bench-secret-key-000000";

type Meta = { projectId: string; managerMembershipId: string; managerToken: string; vkChannelId: string; telegramChannelId: string; seed?: SeedReport };
type Captured = { query: string; params: unknown[] };

function urlFor(database: string) {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Project, owner, ten managers (the first one is measured), two channels: through the product's own code. */
async function createTenant(app: Db, owner: Db): Promise<Omit<Meta, "seed"> & { otherManagerIds: string[] }> {
  const passwordHash = await hashPassword("bench password 1");
  const tag = randomBytes(3).toString("hex");
  const mkUser = async (name: string, i: number) => {
    const [u] = await app.insert(users).values({ email: `bench-${tag}-${i}@example.test`, name, passwordHash }).returning();
    return u!;
  };
  const ownerUser = await mkUser("Владелец Магазина", 0);
  const { project } = await createProject(app, ownerUser.id, { name: "Магазин «Лето»", slug: `leto-${tag}` });
  const managerNames = ["Ирина Ковалёва", "Олег Смирнов", "Наталья Белова", "Артём Волков", "Светлана Орлова", "Денис Зайцев", "Юлия Морозова", "Павел Егоров", "Ксения Лебедева", "Роман Тарасов"];
  const managerIds: string[] = [];
  let managerUserId = "";
  for (const [i, name] of managerNames.entries()) {
    const u = await mkUser(name, i + 1);
    if (i === 0) managerUserId = u.id;
    const id = await withTenant(app, project.id, async (tx) => {
      const [role] = await tx.select().from(roles).where(and(eq(roles.projectId, project.id), eq(roles.key, "manager")));
      const [m] = await tx.insert(memberships).values({ projectId: project.id, userId: u.id, roleId: role!.id }).returning();
      return m!.id;
    });
    managerIds.push(id);
  }
  const { token } = await createSession(app, managerUserId);
  const [vk] = await owner.insert(channels).values({ projectId: project.id, kind: "vk", name: "Сообщество ВКонтакте", externalId: `${Date.now() % 1e8}`, tokenEnc: "v1.x.x.x", webhookSecret: "s" }).returning();
  const [tg] = await owner.insert(channels).values({ projectId: project.id, kind: "telegram", name: "Telegram-бот", externalId: `${(Date.now() % 1e8) + 1}`, tokenEnc: "v1.x.x.x", webhookSecret: "s" }).returning();
  return { projectId: project.id, managerMembershipId: managerIds[0]!, managerToken: token, vkChannelId: vk!.id, telegramChannelId: tg!.id, otherManagerIds: managerIds.slice(1) };
}

/** The app role's connection with every statement recorded, so the API's own SQL can be replayed. */
function instrumentedDb(url: string, captured: Captured[]) {
  const client = postgres(url, { max: 10, onnotice: () => {} });
  const db = drizzle(client, { schema, logger: { logQuery: (query, params) => void (captured.length < 100 && captured.push({ query, params })) } });
  return Object.assign(db, { $close: () => client.end({ timeout: 5 }) }) as unknown as Db;
}

type PlanNode = { "Node Type": string; "Index Name"?: string; "Relation Name"?: string; "Actual Rows"?: number; "Actual Loops"?: number; "Actual Total Time"?: number; "Subplan Name"?: string; Plans?: PlanNode[]; "Shared Hit Blocks"?: number; "Shared Read Blocks"?: number };

function planSummary(plan: { Plan: PlanNode; "Execution Time": number; "Planning Time": number }, maxLines = 28): string[] {
  const lines: string[] = [];
  const walk = (n: PlanNode, depth: number) => {
    if (lines.length >= maxLines) return;
    const what = [n["Subplan Name"] ? `[${n["Subplan Name"]}] ` : "", n["Node Type"], n["Index Name"] ? ` using ${n["Index Name"]}` : "", n["Relation Name"] && !n["Index Name"] ? ` on ${n["Relation Name"]}` : ""].join("");
    lines.push(`    ${"  ".repeat(depth)}${what}  (rows=${n["Actual Rows"]} loops=${n["Actual Loops"]} time=${round(n["Actual Total Time"] ?? 0, 3)} ms)`);
    for (const c of n.Plans ?? []) walk(c, depth + 1);
  };
  walk(plan.Plan, 0);
  const indexes = new Set<string>();
  const seqScans = new Set<string>();
  const collect = (n: PlanNode) => {
    if (n["Index Name"]) indexes.add(n["Index Name"]);
    if (n["Node Type"] === "Seq Scan" && n["Relation Name"]) seqScans.add(n["Relation Name"]);
    (n.Plans ?? []).forEach(collect);
  };
  collect(plan.Plan);
  lines.unshift(
    `    execution ${round(plan["Execution Time"], 3)} ms, planning ${round(plan["Planning Time"], 3)} ms; buffers hit ${plan.Plan["Shared Hit Blocks"] ?? 0} read ${plan.Plan["Shared Read Blocks"] ?? 0}; indexes: ${[...indexes].join(", ") || "none"}; seq scans: ${[...seqScans].join(", ") || "none"}`,
  );
  return lines;
}

async function timeSeries(runs: number, maxSeconds: number, fn: (i: number) => Promise<void>, warmup = 10): Promise<{ summary: Summary; capped: boolean }> {
  // Warm-up runs (caches, JIT), at most a tenth of the time budget.
  const warmUntil = performance.now() + (maxSeconds * 1000) / 10;
  for (let i = 0; i < Math.min(warmup, runs) && performance.now() < warmUntil; i++) await fn(i);
  const times: number[] = [];
  const until = performance.now() + maxSeconds * 1000;
  let capped = false;
  for (let i = 0; i < runs; i++) {
    if (performance.now() > until) {
      capped = true;
      break;
    }
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return { summary: summarize(times), capped };
}

export async function runInboxList(argv: string[]) {
  const args = parseArgs(argv);
  const conversationsN = numberArg(args, "conversations", 200_000);
  const messagesN = numberArg(args, "messages", 4_000_000);
  const unreadNewest = numberArg(args, "unread", 2000);
  const runs = numberArg(args, "runs", 200);
  const maxSeriesSeconds = numberArg(args, "max-series-seconds", 180);
  const keep = args.has("keep");
  const seedOnly = args.has("seed-only");
  const reuse = stringArg(args, "db", "");
  let searchTerms = stringArg(args, "search", "").split("|").filter(Boolean);

  console.log("inbox-list: first page of conversations.list and a search through the API as a manager, against the bare indexed SQL");
  console.log(describeHost());
  console.log(`params: conversations=${conversationsN} messages=${messagesN} unread-newest=${unreadNewest} runs=${runs} max-series-seconds=${maxSeriesSeconds} keep=${keep}${reuse ? ` db=${reuse}` : ""}`);

  let dbName: string;
  let ownerUrl: string;
  let appUrl: string;
  let drop: (() => Promise<void>) | null = null;
  if (reuse) {
    dbName = reuse;
    ownerUrl = urlFor(reuse);
    appUrl = appDatabaseUrl(ownerUrl, APP_PASSWORD);
  } else {
    const database = await createTestDatabase();
    dbName = database.name;
    ownerUrl = database.ownerUrl;
    appUrl = database.appUrl;
    await database.owner.$close();
    await database.app.$close();
    drop = async () => {
      const a = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists "${dbName}" with (force)`);
      await a.end();
    };
  }
  const owner = postgres(ownerUrl, { max: 2, onnotice: () => {} });
  const appRaw = postgres(appUrl, { max: 2, onnotice: () => {} });
  const captured: Captured[] = [];
  const appDb = instrumentedDb(appUrl, captured);
  const redis = new Redis("redis://127.0.0.1:6379", { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    let meta: Meta;
    if (reuse) {
      const [row] = (await owner.unsafe(`select meta from bench_meta`)) as unknown as [{ meta: Meta }];
      meta = row.meta;
      console.log(`database ${dbName} reused (seeded earlier: ${JSON.stringify(meta.seed?.seconds ?? {})})`);
    } else {
      console.log(`database ${dbName}: seeding ${conversationsN} conversations, ${messagesN} messages`);
      const started = performance.now();
      const plainApp = (await import("@threadline/db")).createDb(appUrl, { max: 2 });
      const plainOwner = (await import("@threadline/db")).createDb(ownerUrl, { max: 2 });
      const tenant = await createTenant(plainApp, plainOwner);
      await plainApp.$close();
      await plainOwner.$close();
      const seed = await bulkLoad(ownerUrl, tenant, { conversations: conversationsN, messages: messagesN, unreadNewest }, (l) => console.log(l));
      const seedSeconds = (performance.now() - started) / 1000;
      seed.seconds.total = round(seedSeconds, 1);
      meta = { projectId: tenant.projectId, managerMembershipId: tenant.managerMembershipId, managerToken: tenant.managerToken, vkChannelId: tenant.vkChannelId, telegramChannelId: tenant.telegramChannelId, seed };
      await owner.unsafe(`create table bench_meta (meta jsonb not null)`);
      await owner.unsafe(`insert into bench_meta values ($1)`, [owner.json(meta as never)]);
      console.log(`seeded in ${seedSeconds.toFixed(0)} s: ${seed.conversations} conversations, ${seed.messages} messages; sizes MB ${JSON.stringify(seed.sizesMb)}`);
      console.log(`manager sees ${seed.managerVisible} conversations (own + unassigned), ${seed.managerUnread} of them unread`);
    }
    if (seedOnly) {
      console.log(`seeded only; database kept: ${dbName} (time it with --db ${dbName})`);
      return;
    }
    if (searchTerms.length === 0) {
      // Searches a manager makes: a surname, a full name, an order number from a message (few
      // hits), a word in most conversations, a word in one of seven, a rare word in another form
      // than it was written in, the first digits of a phone.
      const [order] = (await owner.unsafe(`select substring(text from '№(\\d+)') as n from messages where text like 'Где мой заказ №%' order by id desc limit 1`)) as unknown as [{ n: string } | undefined];
      searchTerms = ["Смирнова", "Ольга Смирнова", order?.n ?? "48213", "доставка", "капучино", "гироскутеры", "+7 912 4"];
    }

    const handle = fetchHandler({
      db: appDb,
      redis,
      publish: async () => undefined,
      logger: createLogger("bench", "silent"),
      secretKey: SECRET_KEY,
      cookieSecure: false,
      urls: { inbox: "http://inbox.test", admin: "http://admin.test", worker: "http://worker.test" },
      endpoints: PUBLIC_ENDPOINTS,
      storage: new LocalDiskStorage(tmpdir()),
      jobs: { enqueueOutbound: async () => undefined, enqueueMessageChange: async () => undefined, agentBacklog: async () => ({ waiting: 0, active: 0, delayed: 0, oldestWaitingMs: null }) },
    });
    const cookie = `${SESSION_COOKIE}=${meta.managerToken}`;
    const api = async (input: Record<string, unknown>) => {
      const url = new URL("http://inbox.test/trpc/conversations.list");
      url.searchParams.set("input", JSON.stringify({ json: { projectId: meta.projectId, limit: 50, ...input } }));
      const res = await handle(new Request(url, { headers: { cookie } }), "127.0.0.1");
      const body = (await res.json()) as { result?: { data?: { json?: { items: unknown[] } } }; error?: unknown };
      if (res.status !== 200) throw new Error(`conversations.list ${res.status}: ${JSON.stringify(body.error)}`);
      return body.result!.data!.json!.items.length;
    };
    const bare = async (unread: boolean, search: string | null) => {
      const q = await bareStatement(owner, meta, unread, search);
      return (await owner.unsafe(q.text, q.params as never[])).length;
    };
    /** The API's own list statement, captured from one call, to replay and explain. */
    let statementsPerCall = 0;
    const apiStatement = async (input: Record<string, unknown>) => {
      captured.length = 0;
      await api(input);
      statementsPerCall = captured.length;
      return captured.reduce((a, b) => (b.query.length > a.query.length ? b : a));
    };
    const replay = (st: Captured) =>
      appRaw.begin(async (tx) => {
        await tx.unsafe(`select set_config('app.project_id', $1, true)`, [meta.projectId]);
        return (await tx.unsafe(st.query, st.params as never[])).length;
      });
    const explainApi = (st: Captured) =>
      appRaw.begin(async (tx) => {
        await tx.unsafe(`select set_config('app.project_id', $1, true)`, [meta.projectId]);
        const [row] = (await tx.unsafe(`explain (analyze, buffers, format json) ${st.query}`, st.params as never[])) as unknown as [{ "QUERY PLAN": [never] }];
        return row["QUERY PLAN"][0];
      });
    const explainBare = async (unread: boolean, search: string | null) => {
      const q = await bareStatement(owner, meta, unread, search);
      const [row] = (await owner.unsafe(`explain (analyze, buffers, format json) ${q.text}`, q.params as never[])) as unknown as [{ "QUERY PLAN": [never] }];
      return row["QUERY PLAN"][0];
    };

    const figures: Record<string, unknown> = {};
    const out: { label: string; api: Summary; bare: Summary }[] = [];
    /** Time of one call, and what it returned. */
    const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
      const t0 = performance.now();
      const r = await fn();
      return [r, round(performance.now() - t0, 2)];
    };
    const measureLists = async () => {
      for (const filter of ["all", "unread"] as const) {
        const unread = filter === "unread";
        console.log("");
        console.log(`list, filter ${filter}: ${runs} runs each`);
        // The first call of this process: plans not cached, pages maybe not in shared buffers.
        const [rows, first] = await timed(() => api({ filter }));
        const bareRows = await bare(unread, null);
        const st = await apiStatement({ filter });
        const a = await timeSeries(runs, maxSeriesSeconds, async () => void (await api({ filter })));
        const r = await timeSeries(runs, maxSeriesSeconds, async () => void (await replay(st)));
        const b = await timeSeries(runs, maxSeriesSeconds, async () => void (await bare(unread, null)));
        const capped = (x: { capped: boolean }) => (x.capped ? " (capped by time)" : "");
        console.log(`  page rows: API ${rows}, bare SQL ${bareRows}; statements per API call: ${statementsPerCall} (BEGIN/COMMIT not counted); first API call ${first} ms`);
        console.log(`  ${formatSummary("API conversations.list", a.summary)}${capped(a)}`);
        console.log(`  ${formatSummary("API's SQL replayed (tenant tx)", r.summary)}${capped(r)}`);
        console.log(`  ${formatSummary("bare indexed SQL", b.summary)}${capped(b)}`);
        console.log(`  ratio API/bare SQL: p50 ${(a.summary.p50 / b.summary.p50).toFixed(2)}  p95 ${(a.summary.p95 / b.summary.p95).toFixed(2)};  API/replayed API SQL p95 ${(a.summary.p95 / r.summary.p95).toFixed(2)}`);
        console.log("  plan of the API's SQL:");
        planSummary(await explainApi(st)).forEach((l) => console.log(l));
        console.log("  plan of the bare SQL:");
        planSummary(await explainBare(unread, null)).forEach((l) => console.log(l));
        out.push({ label: `list ${filter}`, api: a.summary, bare: b.summary });
        figures[`list_${filter}`] = { api: a.summary, apiSqlReplayed: r.summary, bare: b.summary, firstCall: first, ratioP95: round(a.summary.p95 / b.summary.p95), capped: a.capped || r.capped || b.capped };
      }
    };
    await measureLists();

    for (const filter of ["all", "unread"] as const) {
      const unread = filter === "unread";
      console.log("");
      console.log(`search, filter ${filter}: ${runs} runs, rotating over ${searchTerms.map((t) => `"${t}"`).join(", ")}`);
      const perTerm: Record<string, { api: number[]; bare: number[]; rows: number; first: number }> = {};
      // One call per term first (the first time this term is searched): the page size, and the warm-up.
      for (const t of searchTerms) {
        const [rows, first] = await timed(() => api({ filter, search: t }));
        perTerm[t] = { api: [], bare: [], rows, first };
      }
      for (const t of searchTerms) await bare(unread, t);
      const a = await timeSeries(runs, maxSeriesSeconds, async (i) => {
        const t = searchTerms[i % searchTerms.length]!;
        const t0 = performance.now();
        await api({ filter, search: t });
        perTerm[t]!.api.push(performance.now() - t0);
      }, 0);
      const b = await timeSeries(runs, maxSeriesSeconds, async (i) => {
        const t = searchTerms[i % searchTerms.length]!;
        const t0 = performance.now();
        await bare(unread, t);
        perTerm[t]!.bare.push(performance.now() - t0);
      }, 0);
      console.log(`  ${formatSummary("API search (all terms)", a.summary)}${a.capped ? " (capped by time)" : ""}`);
      console.log(`  ${formatSummary("bare indexed SQL (all terms)", b.summary)}${b.capped ? " (capped by time)" : ""}`);
      console.log(`  ratio API/bare SQL: p50 ${(a.summary.p50 / b.summary.p50).toFixed(2)}  p95 ${(a.summary.p95 / b.summary.p95).toFixed(2)}`);
      const terms: Record<string, unknown> = {};
      for (const t of searchTerms) {
        const at = summarize(perTerm[t]!.api);
        const bt = summarize(perTerm[t]!.bare);
        console.log(`    "${t}" (${perTerm[t]!.rows} rows): API first ${perTerm[t]!.first} ms, p50 ${at.p50} ms p95 ${at.p95} ms | bare p50 ${bt.p50} ms p95 ${bt.p95} ms | ratio p95 ${(at.p95 / bt.p95).toFixed(2)}`);
        terms[t] = { rows: perTerm[t]!.rows, firstCall: perTerm[t]!.first, api: at, bare: bt };
      }
      const worst = searchTerms.reduce((w, t) => (summarize(perTerm[t]!.api).p95 > summarize(perTerm[w]!.api).p95 ? t : w));
      const st = await apiStatement({ filter, search: worst });
      console.log(`  plan of the API's SQL for the slowest term "${worst}":`);
      planSummary(await explainApi(st)).forEach((l) => console.log(l));
      console.log(`  plan of the bare SQL for "${worst}":`);
      planSummary(await explainBare(unread, worst)).forEach((l) => console.log(l));
      out.push({ label: `search ${filter}`, api: a.summary, bare: b.summary });
      figures[`search_${filter}`] = { api: a.summary, bare: b.summary, ratioP95: round(a.summary.p95 / b.summary.p95), capped: a.capped || b.capped, terms };
    }

    console.log("");
    console.log("summary (ms)                             API p50    API p95   bare p95   API/bare p95");
    for (const o of out) console.log(`${o.label.padEnd(36)} ${String(o.api.p50).padStart(9)} ${String(o.api.p95).padStart(10)} ${String(o.bare.p95).padStart(10)} ${(o.api.p95 / o.bare.p95).toFixed(2).padStart(14)}`);
    const listP95 = Math.max((figures.list_all as { api: Summary }).api.p95, (figures.list_unread as { api: Summary }).api.p95);
    const searchP95 = Math.max((figures.search_all as { api: Summary }).api.p95, (figures.search_unread as { api: Summary }).api.p95);
    const listRatio = Math.max(...(["list_all", "list_unread"] as const).map((k) => (figures[k] as { api: Summary; bare: Summary }).api.p95 / (figures[k] as { api: Summary; bare: Summary }).bare.p95));
    const termP95 = (["search_all", "search_unread"] as const).flatMap((k) => Object.entries((figures[k] as { terms: Record<string, { api: Summary }> }).terms).map(([t, f]) => ({ label: `"${t}" ${k.slice(7)}`, p95: f.api.p95 })));
    const worstTerm = termP95.reduce((w, t) => (t.p95 > w.p95 ? t : w));
    console.log(`goals: list p95 ${listP95} ms (goal < 25), API/bare ${listRatio.toFixed(2)}× (goal ≤ 3×); search p95 per term and filter, worst ${worstTerm.p95} ms for ${worstTerm.label} (goal < 200)`);
    const file = recordResult("inbox-list", { params: { conversationsN, messagesN, unreadNewest, runs, searchTerms }, seed: meta.seed, ...figures, listP95, searchP95, database: keep || reuse ? dbName : null });
    console.log(`results appended to ${file}`);
    if (keep || reuse) console.log(`database kept: ${dbName} (reuse with --db ${dbName}; drop with: psql -h 127.0.0.1 -U postgres -c 'drop database "${dbName}"')`);
    console.log(`list_p95_ms: ${Math.round(listP95)}`);
  } finally {
    redis.disconnect();
    await appDb.$close();
    await appRaw.end();
    await owner.end();
    if (drop && !keep && !seedOnly) await drop();
  }
}
