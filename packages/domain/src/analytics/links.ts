import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { encodeStartPayload, START_PAYLOAD_MAX_LENGTH } from "@threadline/channels";
import { contacts, conversations, leadEvents, payments, projects, type TrackedLink, type Tx } from "@threadline/db";
import type { Member } from "../access/member.ts";
import { badRequest, conflict, forbidden, notFound } from "../errors.ts";
import { periodBounds, projectCurrency, type Period } from "./period.ts";

/** The most tracked links a project keeps. */
export const TRACKED_LINKS_MAX = 200;

export type TrackedLinkInput = {
  name: string;
  kind: "telegram" | "vk";
  /** The bot's username (Telegram) or the community's short name, e.g. club123 (VK). */
  target: string;
  source?: string;
  medium?: string;
  campaign?: string;
  content?: string;
  /** VK only: ref_source, where the link is placed. */
  refSource?: string;
};

const TELEGRAM_BOT = /^[A-Za-z][A-Za-z0-9_]{3,31}$/;
const VK_COMMUNITY = /^[A-Za-z0-9_.]{2,64}$/;

/**
 * A tracked link's address: Telegram https://t.me/<bot>?start=<payload>, VK
 * https://vk.me/<community>?ref=<payload>&ref_source=<place>. The payload is the channels' start
 * payload scheme (readable, or base64url for Cyrillic and other characters; at most 64).
 */
export function buildTrackedLink(input: TrackedLinkInput): { payload: string; url: string; refSource?: string } {
  const target = input.target.trim().replace(/^@/, "");
  const tags = { source: input.source?.trim(), medium: input.medium?.trim(), campaign: input.campaign?.trim(), content: input.content?.trim() };
  if (!tags.source && !tags.medium && !tags.campaign && !tags.content) throw badRequest("links.tagsRequired", "Укажите хотя бы одну метку: источник, канал, кампанию или объявление");
  let payload: string;
  try {
    payload = encodeStartPayload(tags);
  } catch {
    throw badRequest("links.tooLong", `Метки не помещаются в ссылку (до ${START_PAYLOAD_MAX_LENGTH} символов) — сократите их`, { max: START_PAYLOAD_MAX_LENGTH });
  }
  if (input.kind === "telegram") {
    if (!TELEGRAM_BOT.test(target)) throw badRequest("links.badBot", "Имя бота — латиница, цифры и _, от 5 до 32 символов");
    return { payload, url: `https://t.me/${target}?start=${payload}` };
  }
  if (!VK_COMMUNITY.test(target)) throw badRequest("links.badCommunity", "Короткое имя сообщества — латиница, цифры, _ и точка");
  const refSource = input.refSource?.trim() || undefined;
  if (refSource && refSource.length > START_PAYLOAD_MAX_LENGTH) throw badRequest("links.tooLong", `Метки не помещаются в ссылку (до ${START_PAYLOAD_MAX_LENGTH} символов) — сократите их`, { max: START_PAYLOAD_MAX_LENGTH });
  const url = `https://vk.me/${target}?ref=${payload}${refSource ? `&ref_source=${encodeURIComponent(refSource)}` : ""}`;
  return { payload, url, ...(refSource ? { refSource } : {}) };
}

function assertSeesSources(member: Member) {
  if (member.hiddenFields.has("conversation.attribution")) throw forbidden("analytics.trafficHidden", "Ваша роль не видит источники трафика");
}

async function storedLinks(tx: Tx, projectId: string): Promise<TrackedLink[]> {
  const [project] = await tx.select({ settings: projects.settings }).from(projects).where(eq(projects.id, projectId)).for("update");
  return project?.settings.trackedLinks ?? [];
}

async function saveLinks(tx: Tx, projectId: string, links: TrackedLink[]) {
  await tx
    .update(projects)
    .set({ settings: sql`${projects.settings} || jsonb_build_object('trackedLinks', ${JSON.stringify(links)}::jsonb)` })
    .where(eq(projects.id, projectId));
}

/** Makes a tracked link and keeps it in the project's list (the same address twice is refused). */
export async function createTrackedLink(tx: Tx, member: Member, input: TrackedLinkInput): Promise<TrackedLink> {
  assertSeesSources(member);
  const built = buildTrackedLink(input);
  const links = await storedLinks(tx, member.projectId);
  if (links.length >= TRACKED_LINKS_MAX) throw badRequest("links.tooMany", `Не больше ${TRACKED_LINKS_MAX} ссылок в проекте — удалите ненужные`, { max: TRACKED_LINKS_MAX });
  const existing = links.find((l) => l.url === built.url);
  if (existing) throw conflict("links.duplicate", `Такая ссылка уже есть: «${existing.name}»`, { name: existing.name });
  const link: TrackedLink = {
    id: randomUUID(),
    name: input.name.trim(),
    kind: input.kind,
    target: input.target.trim().replace(/^@/, ""),
    payload: built.payload,
    ...(built.refSource ? { refSource: built.refSource } : {}),
    url: built.url,
    tags: Object.fromEntries(
      (["source", "medium", "campaign", "content"] as const).flatMap((k) => (input[k]?.trim() ? [[k, input[k].trim()]] : [])),
    ),
    createdAt: new Date().toISOString(),
  };
  await saveLinks(tx, member.projectId, [link, ...links]);
  return link;
}

export async function deleteTrackedLink(tx: Tx, member: Member, linkId: string) {
  assertSeesSources(member);
  const links = await storedLinks(tx, member.projectId);
  if (!links.some((l) => l.id === linkId)) throw notFound("trackedLink");
  await saveLinks(tx, member.projectId, links.filter((l) => l.id !== linkId));
}

/**
 * The project's tracked links, newest first, each with its leads, sales (leads that paid) and
 * revenue (paid less refunded, minor units of the project's currency) by first touch: a lead counts
 * for a link when its conversation's first touch (else its contact's) carries the link's start
 * payload (Telegram) or its ref and ref_source (VK). With a period, only leads that came in it
 * count, with what they paid (the traffic report's cohort, so the two agree). A role with payments
 * hidden gets the leads without sales and money.
 */
export async function listTrackedLinks(tx: Tx, member: Member, period?: Period) {
  assertSeesSources(member);
  const [project] = await tx.select({ settings: projects.settings }).from(projects).where(eq(projects.id, member.projectId));
  const links = project?.settings.trackedLinks ?? [];
  const seesPayments = !member.hiddenFields.has("payments");
  const currency = await projectCurrency(tx, member.projectId);
  if (links.length === 0) return { seesPayments, currency, links: [] };
  const bounds = period ? await periodBounds(tx, member.projectId, period) : null;
  const inPeriod = bounds ? sql`and ${conversations.createdAt} >= ${bounds.start} and ${conversations.createdAt} < ${bounds.end}` : sql``;
  const touch = (key: string) => sql<string | null>`coalesce(${conversations.attribution}->>${key}, ${contacts.firstTouch}->>${key})`;
  const earned = sql`(select coalesce(sum(p.amount - p.refunded_amount), 0) from ${payments} p where p.conversation_id = ${conversations.id} and p.status in ('succeeded', 'refunded'))`;
  const payloads = sql.join([...new Set(links.map((l) => l.payload))].map((p) => sql`${p}`), sql`, `);
  const rows = await tx
    .select({
      startPayload: touch("startPayload"),
      ref: touch("ref"),
      refSource: touch("refSource"),
      leads: sql<number>`count(*)::int`,
      sales: sql<number>`(count(*) filter (where ${earned} > 0))::int`,
      revenue: sql<number>`sum(${earned})::bigint`.mapWith(Number),
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      sql`${conversations.lastMessageAt} is not null
        and exists (select 1 from ${leadEvents} e where e.conversation_id = ${conversations.id})
        and (${touch("startPayload")} in (${payloads}) or ${touch("ref")} in (${payloads}))
        ${inPeriod}`,
    )
    .groupBy(sql`1, 2, 3`);
  return {
    seesPayments,
    currency,
    links: links.map((link) => {
      const mine = rows.filter((r) =>
        link.kind === "telegram" ? r.startPayload === link.payload : r.ref === link.payload && (r.refSource ?? "") === (link.refSource ?? ""),
      );
      const sum = (key: "leads" | "sales" | "revenue") => mine.reduce((n, r) => n + r[key], 0);
      return { ...link, leads: sum("leads"), sales: seesPayments ? sum("sales") : null, revenue: seesPayments ? sum("revenue") : null };
    }),
  };
}
