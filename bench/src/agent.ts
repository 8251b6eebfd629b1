// agent: time of one first-contact agent turn with no LLM (decideTurn: read the whole thread,
// extract entities, match knowledge, decide), over mixed Russian threads built from the shared
// eval cases and variations of them: other phone formats, questions from the projects' own
// knowledge, small talk, refusals, emoji and stickers, 5,000-character messages, long threads.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decideTurn, loadFirstContactCases, scriptForCase, type AgentScript, type FirstContactCase, type LeadStage, type ThreadMessage } from "@threadline/ai";
import { seededRandom } from "@threadline/simulators/channels";
import { describeHost, formatSummary, numberArg, parseArgs, recordResult, stringArg, summarize } from "./stats.ts";

const SHARED_CASES = "/work/shared/eval/first-contact";
const PACKAGE_CASES = fileURLToPath(new URL("../../packages/ai/eval-cases", import.meta.url));

const phoneFormats = [
  "8 912 345-67-89", "+7(912)3456789", "89123456789", "+7 912 345 67 89", "8-912-345-67-89", "912 345 67 89", "7 (912) 345-67-89", "+79123456789",
];
const smallTalk = ["Здравствуйте!", "Добрый день", "Привет 👋", "Спасибо", "Понятно", "Хорошо, подумаю", "А вы настоящий человек?", "😊😊", "ок", "Ясно, спасибо за ответ"];
const questions = [
  "До скольки вы сегодня работаете?", "Где вы находитесь?", "А в выходные открыты?", "Сколько стоит доставка?", "Можно оплатить картой?", "Есть ли скидки?",
  "А как к вам проехать от метро?", "Сколько по времени занимает?", "Есть что-нибудь подешевле?", "Можно прийти без записи?", "А гарантия какая?",
];
const refusals = ["Не хочу оставлять номер", "Зачем вам мой телефон?", "Номер не дам, ответьте тут", "Давайте без звонков, пожалуйста"];
const notPhones = ["12345", "4276 3800 1234 5678", "8 800 555-35-35", "заказ 48213", "+375 29 123-45-67"];
const sentences = [
  "Мы с мужем давно хотели обновить кухню, но всё никак не могли выбрать, какой материал лучше для фасадов",
  "Подруга посоветовала обратиться именно к вам, сказала, что у вас хорошие мастера и честные цены",
  "В прошлом году заказывали у другой компании, и там сроки сорвали почти на два месяца, поэтому для нас это важно",
  "Хотелось бы понять, сколько всё это будет стоить примерно, хотя бы порядок цен, и можно ли платить частями",
  "Ещё вопрос про доставку: мы живём за городом, километров тридцать от центра, вы туда возите или только по городу?",
  "И если можно, пришлите, пожалуйста, фотографии ваших работ, чтобы мы могли посмотреть вживую, как это выглядит",
];

/** A ~5,000-character message, as some clients write. */
function longMessage(r: () => number, chars = 5000): string {
  let out = "";
  while (out.length < chars) out += `${sentences[Math.floor(r() * sentences.length)]!}. `;
  return out.slice(0, chars);
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

type Say = { text: string | null; kind?: "text" | "sticker" };

/** Client turns for one conversation on a case's project: its own turns or a variation of them. */
function variation(c: FirstContactCase, r: () => number, variant: number): Say[] {
  const own = c.client.filter((t): t is { say: string } => "say" in t).map((t) => ({ text: t.say }));
  if (variant === 0) return own;
  // Questions the project's knowledge answers (so the agent keeps the lead) and others.
  const answerable = [
    ...c.project.faq.flatMap((f) => f.q),
    ...(c.project.facts.hours ? ["до скольки вы работаете", "какой у вас график", "вы сегодня открыты"] : []),
    ...(c.project.facts.address ? ["где вы находитесь", "какой у вас адрес", "как вас найти"] : []),
  ];
  const turns: Say[] = [];
  // Short (3–8), medium (10–25) or long (30–60 client messages) threads; longer threads stay
  // mostly on what the agent can answer, as clients who keep talking to it do.
  const size = r();
  const n = size < 0.5 ? 3 + Math.floor(r() * 6) : size < 0.8 ? 10 + Math.floor(r() * 16) : 30 + Math.floor(r() * 31);
  const answerableShare = n >= 10 ? 0.9 : 0.5;
  const ask = () =>
    answerable.length && r() < answerableShare ? `${pick(r, ["Скажите, ", "А ", "Подскажите, ", ""])}${pick(r, answerable)}?` : pick(r, questions);
  for (let i = 0; i < n - 1; i++) {
    const x = r();
    if (x < 0.45) turns.push({ text: ask() });
    else if (x < 0.68) turns.push({ text: pick(r, smallTalk) });
    else if (x < 0.7) turns.push({ text: pick(r, refusals) });
    else if (x < 0.74) turns.push({ text: pick(r, notPhones) });
    else if (x < 0.78) turns.push({ text: null, kind: "sticker" });
    else if (x < 0.84) turns.push({ text: longMessage(r, 500 + Math.floor(r() * 4500)) });
    else if (x < 0.87) turns.push({ text: longMessage(r, 5000) });
    else turns.push({ text: `${pick(r, own)?.text ?? ask()}` });
  }
  // Most conversations end with a phone, some split over two messages, some never give one.
  const end = r();
  const phone = pick(r, phoneFormats);
  if (end < 0.6) turns.push({ text: `${pick(r, ["Мой номер ", "Запишите: ", "", "Звоните "])}${phone}` });
  else if (end < 0.75) {
    turns.push({ text: phone.slice(0, 5) });
    turns.push({ text: phone.slice(5) });
  } else turns.push({ text: pick(r, refusals) });
  return turns;
}

const ACTIVE: readonly LeadStage[] = ["bot", "low_quality"];

export async function runAgent(argv: string[]) {
  const args = parseArgs(argv);
  const turnsWanted = numberArg(args, "turns", 10_000);
  const warmupTurns = numberArg(args, "warmup", 500);
  const seed = numberArg(args, "seed", 20250301);
  const dirs = stringArg(args, "cases", [SHARED_CASES, PACKAGE_CASES].filter(existsSync).join(",")).split(",").filter(Boolean);

  const cases = dirs.flatMap((d) => loadFirstContactCases(d));
  if (cases.length === 0) throw new Error(`no eval cases in ${dirs.join(", ")}`);
  const scripts = new Map<FirstContactCase, AgentScript>(cases.map((c) => [c, scriptForCase(c)]));
  console.log("agent: first-contact agent turn (decideTurn, no LLM), whole thread read every turn, script loaded per turn as the ai job does");
  console.log(describeHost());
  console.log(`params: turns=${turnsWanted} warmup=${warmupTurns} seed=${seed} cases=${cases.length} from ${dirs.join(", ")}`);

  // Seeded: the same run every time.
  const r = seededRandom(seed);
  const times: number[] = [];
  const cachedTimes: number[] = [];
  const byThread = { "1–5": [] as number[], "6–20": [] as number[], "21–60": [] as number[], "61+": [] as number[] };
  const withLong: number[] = [];
  const stages: Record<string, number> = {};
  let conversations = 0;
  let warm = 0;
  let clientChars = 0;
  let maxThread = 0;
  const started = performance.now();
  while (times.length < turnsWanted) {
    const c = cases[conversations % cases.length]!;
    const turns = variation(c, r, Math.floor(conversations / cases.length) % 8 === 0 ? 0 : 1);
    conversations++;
    const script = scripts.get(c)!;
    const thread: ThreadMessage[] = [];
    let stage: LeadStage = "bot";
    let phone: string | null = null;
    let clock = Date.UTC(2025, 2, 3, 9, 0, 0);
    for (const t of turns) {
      thread.push({ author: "client", text: t.text, kind: t.kind ?? "text", sentAt: new Date(clock) });
      clock += 20_000 + Math.floor(r() * 120_000);
      if (!ACTIVE.includes(stage)) continue;
      // As the ai job runs it: the project's script is loaded (a new object) for every turn.
      const t0 = performance.now();
      const decision = decideTurn({ script: scriptForCase(c), thread, known: { phone }, stage });
      const ms = performance.now() - t0;
      // The same turn with a script object kept between turns (its knowledge index cached).
      const t1 = performance.now();
      decideTurn({ script, thread, known: { phone }, stage });
      const cachedMs = performance.now() - t1;
      if (warm < warmupTurns) warm++;
      else if (times.length < turnsWanted) {
        times.push(ms);
        cachedTimes.push(cachedMs);
        const len = thread.length;
        maxThread = Math.max(maxThread, len);
        (len <= 5 ? byThread["1–5"] : len <= 20 ? byThread["6–20"] : len <= 60 ? byThread["21–60"] : byThread["61+"]).push(ms);
        if ((t.text?.length ?? 0) >= 2000) withLong.push(ms);
        clientChars += t.text?.length ?? 0;
      }
      for (const reply of decision.replies) thread.push({ author: "agent", text: reply.text, action: reply.action, sentAt: new Date(clock) });
      if (decision.entities.phone && !phone) phone = decision.entities.phone;
      if (decision.transition) stage = decision.transition.to;
    }
    stages[stage] = (stages[stage] ?? 0) + 1;
  }
  const seconds = (performance.now() - started) / 1000;
  const all = summarize(times);
  console.log("");
  console.log(`conversations played: ${conversations}; measured turns: ${times.length} (after ${warm} warm-up turns); longest thread at a turn: ${maxThread} messages; mean client message ${Math.round(clientChars / times.length)} chars`);
  console.log(`final stages: ${Object.entries(stages).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  const cached = summarize(cachedTimes);
  console.log(formatSummary("agent turn (script loaded per turn)", all));
  console.log(formatSummary("agent turn (script object kept)", cached));
  console.log(`ratio fresh/kept script p95: ${(all.p95 / cached.p95).toFixed(2)} (the knowledge index is cached per script object; the ai job loads a new one every turn)`);
  console.log("by thread length and message size (script loaded per turn):");
  for (const [k, v] of Object.entries(byThread)) if (v.length) console.log(formatSummary(`  thread of ${k} messages`, summarize(v)));
  if (withLong.length) console.log(formatSummary("  turn on a ≥2,000-char message", summarize(withLong)));
  console.log(`throughput: ${(times.length / seconds).toFixed(0)} turns/s on one core (wall ${seconds.toFixed(1)} s incl. warm-up); ratio p95/goal(50 ms): ${(all.p95 / 50).toFixed(3)}`);
  const file = recordResult("agent", {
    params: { turnsWanted, warmupTurns, seed, cases: cases.length },
    turn: all,
    turnScriptKept: cached,
    byThread: Object.fromEntries(Object.entries(byThread).map(([k, v]) => [k, summarize(v)])),
    longMessage: summarize(withLong),
    conversations,
    stages,
  });
  console.log(`results appended to ${file}`);
  console.log(`agent_turn_p95_ms: ${all.p95}`);
}
