import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import { conversations, leadRotations, type ConversationIntent, memberships, projects, roles, rotationRules, users, type Attribution, type Tx, type WorkHours } from "@threadline/db";
import { badRequest } from "../errors.ts";

export type RotationMember = { membershipId: string; name: string; order: number };

/** A member as the rotation sees them: who may take leads, how many, when. */
export type RotationCandidate = RotationMember & {
  roleKey: string;
  inRotation: boolean | null;
  weight: number;
  credit: number;
  workHours: WorkHours | null;
  pausedUntil: Date | null;
};

export const DEFAULT_TIMEZONE = "Europe/Moscow";
export const MAX_ROTATION_WEIGHT = 10;

/** In the rotation unless set otherwise; an owner is out by default. */
export const takesLeads = (c: Pick<RotationCandidate, "inRotation" | "roleKey">) => c.inRotation ?? c.roleKey !== "owner";

const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
export function minutesOf(time: string): number {
  const m = TIME.exec(time);
  if (!m) throw badRequest("rotation.badTime", "Время смены — в формате ЧЧ:ММ");
  return time === "24:00" ? 1440 : Number(m[1]) * 60 + Number(m[2]);
}

/** The wall-clock weekday (0 = Sunday) and minute of the day at `now` in the time zone. */
export function localTime(now: Date, timezone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: timezone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday"));
  return { day, minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

/**
 * Whether `now` falls in one of the member's shifts. Shifts are wall-clock times in the project's
 * time zone, so they follow its DST changes; a shift whose end is not after its start (22:00–06:00)
 * runs past midnight into the next day. No working hours: always on shift.
 */
export function onShift(hours: WorkHours | null | undefined, timezone: string, now: Date): boolean {
  if (!hours) return true;
  const { day, minute } = localTime(now, timezone);
  const key = (d: number) => String(d) as keyof WorkHours["days"];
  for (const s of hours.days[key(day)] ?? []) {
    const from = minutesOf(s.from);
    const to = minutesOf(s.to);
    if (from < to ? minute >= from && minute < to : minute >= from) return true;
  }
  for (const s of hours.days[key((day + 6) % 7)] ?? []) {
    const from = minutesOf(s.from);
    const to = minutesOf(s.to);
    if (to <= from && minute < to) return true;
  }
  return false;
}

/** Checks working hours as entered: HH:MM, no empty shift, no two shifts of a day overlapping. */
export function validateWorkHours(hours: WorkHours): WorkHours {
  const days: WorkHours["days"] = {};
  for (const [day, shifts] of Object.entries(hours.days)) {
    if (!shifts?.length) continue;
    const spans = shifts.map((s) => {
      const from = minutesOf(s.from);
      let to = minutesOf(s.to);
      if (from === to) throw badRequest("rotation.shiftEmpty", "Начало и конец смены совпадают");
      if (to < from) to += 1440;
      return { from, to };
    });
    spans.sort((a, b) => a.from - b.from);
    for (let i = 1; i < spans.length; i++) {
      if (spans[i]!.from < spans[i - 1]!.to) throw badRequest("rotation.shiftsOverlap", "Смены в один день пересекаются");
    }
    days[day as keyof WorkHours["days"]] = shifts.map((s) => ({ from: s.from, to: s.to }));
  }
  return { days };
}

const inboxUser = sql`exists (select 1 from roles r where r.id = ${memberships.roleId} and 'inbox.use' = any(r.permissions))`;

/** Every active member who works in the inbox, with their rotation settings. */
export async function rotationCandidates(tx: Tx): Promise<RotationCandidate[]> {
  return tx
    .select({
      membershipId: memberships.id,
      name: users.name,
      order: memberships.rotationOrder,
      roleKey: roles.key,
      inRotation: memberships.inRotation,
      weight: memberships.rotationWeight,
      credit: memberships.rotationCredit,
      workHours: memberships.workHours,
      pausedUntil: memberships.pausedUntil,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(roles, eq(roles.id, memberships.roleId))
    .where(and(eq(memberships.active, true), inboxUser))
    .orderBy(asc(memberships.rotationOrder), asc(memberships.id));
}

/** The project's rotation: active inbox members who take leads, by their position (shifts aside). */
export async function rotationMembers(tx: Tx): Promise<RotationMember[]> {
  return (await rotationCandidates(tx)).filter(takesLeads).map(({ membershipId, name, order }) => ({ membershipId, name, order }));
}

export async function projectTimezone(tx: Tx, projectId: string): Promise<string> {
  const [row] = await tx.select({ tz: sql<string>`coalesce(${projects.settings}->>'timezone', ${DEFAULT_TIMEZONE})` }).from(projects).where(eq(projects.id, projectId));
  return row?.tz ?? DEFAULT_TIMEZONE;
}

/** Who may take a lead now: in the rotation, not paused, on shift. */
export function availableNow(candidates: RotationCandidate[], timezone: string, now: Date): RotationCandidate[] {
  return candidates.filter((c) => takesLeads(c) && !(c.pausedUntil && c.pausedUntil > now) && onShift(c.workHours, timezone, now));
}

/** Where a lead came from and what the client wants, for rules by channel, traffic source or intent. */
export type LeadOrigin = { channelId?: string | null; attribution?: Attribution | null; intent?: ConversationIntent | null };

const sourceOf = (a: Attribution | null | undefined) => [a?.utmSource, a?.refSource, a?.ref].filter((s): s is string => !!s).map((s) => s.toLowerCase());

/**
 * The members a rule gives this lead to, or null when no rule applies. What the client wants
 * weighs most (a complaint goes to whoever handles complaints, whichever channel it came from),
 * then the channel, then the source: the rule naming the most of them, by that weight, wins.
 */
export async function ruleMembersFor(tx: Tx, origin: LeadOrigin): Promise<Set<string> | null> {
  const rules = await tx.select().from(rotationRules).orderBy(asc(rotationRules.createdAt));
  const sources = sourceOf(origin.attribution);
  let best: { score: number; ids: string[] } | null = null;
  for (const r of rules) {
    // «Спам → в архив» gives to nobody: it is applied by the turn (archiveSpamByRule), not here.
    if (r.archive) continue;
    const channelOk = !r.channelId || r.channelId === origin.channelId;
    const sourceOk = !r.source || sources.includes(r.source.toLowerCase());
    const intentOk = !r.intent || r.intent === origin.intent;
    if (!channelOk || !sourceOk || !intentOk) continue;
    const score = (r.intent ? 4 : 0) + (r.channelId ? 2 : 0) + (r.source ? 1 : 0);
    if (!best || score > best.score) best = { score, ids: r.membershipIds };
  }
  return best ? new Set(best.ids) : null;
}

/**
 * The next member for a lead, or null when nobody may take it now (the lead then waits in the
 * queue). Smooth weighted round robin: every member available gains their weight in credit, the
 * one with the most credit is chosen and gives back the sum — so weights 2:1 give A, B, A, A, B, A
 * spread out, and equal weights go round in the members' order. The project's pointer row is
 * locked for the rest of the transaction, so two leads at once go to two people.
 */
export async function nextInRotation(tx: Tx, projectId: string, opts: { now?: Date; origin?: LeadOrigin } = {}): Promise<RotationMember | null> {
  const now = opts.now ?? new Date();
  await tx.insert(leadRotations).values({ projectId }).onConflictDoNothing();
  await tx.select().from(leadRotations).where(eq(leadRotations.projectId, projectId)).for("update");
  const timezone = await projectTimezone(tx, projectId);
  let available = availableNow(await rotationCandidates(tx), timezone, now);
  const rule = opts.origin ? await ruleMembersFor(tx, opts.origin) : null;
  if (rule) available = available.filter((c) => rule.has(c.membershipId));
  if (available.length === 0) return null;
  const total = available.reduce((n, c) => n + c.weight, 0);
  let chosen = available[0]!;
  for (const c of available) {
    c.credit += c.weight;
    if (c.credit > chosen.credit) chosen = c;
  }
  chosen.credit -= total;
  for (const c of available) await tx.update(memberships).set({ rotationCredit: c.credit }).where(eq(memberships.id, c.membershipId));
  await tx.update(leadRotations).set({ lastMembershipId: chosen.membershipId, lastOrder: chosen.order, updatedAt: now }).where(eq(leadRotations.projectId, projectId));
  return { membershipId: chosen.membershipId, name: chosen.name, order: chosen.order };
}

/** The leads waiting for a member on shift, oldest first. */
export async function queuedLeads(tx: Tx, limit = 200) {
  return tx
    .select({ id: conversations.id, channelId: conversations.channelId, attribution: conversations.attribution, intent: conversations.intent, queuedAt: conversations.queuedAt, stage: conversations.stage })
    .from(conversations)
    .where(isNotNull(conversations.queuedAt))
    .orderBy(asc(conversations.queuedAt), asc(conversations.id))
    .limit(limit);
}
