import { and, count, eq, sql } from "drizzle-orm";
import { contactTags, tagColors, tags, type TagColor, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import { getConversation } from "../conversations/thread.ts";
import { listTags, tagFields, tagsOfContact, type Tag } from "./tag-read.ts";

export { listTags, tagsOfContact, type Tag };

export const TAG_NAME_MAX = 40;
export const TAGS_PER_PROJECT_MAX = 200;
export const TAGS_PER_CONTACT_MAX = 20;


function tagName(typed: string): string {
  const name = typed.trim().replace(/\s+/g, " ");
  if (!name) throw badRequest("tags.nameRequired", "Введите название тега");
  if ([...name].length > TAG_NAME_MAX) throw badRequest("tags.nameTooLong", `Название тега длиннее ${TAG_NAME_MAX} символов`, { max: TAG_NAME_MAX });
  return name;
}

function tagColor(color: string | undefined): TagColor | undefined {
  if (color === undefined) return undefined;
  if (!(tagColors as readonly string[]).includes(color)) throw badRequest("validation.invalid", "Неверное значение");
  return color as TagColor;
}

/** A name already taken in the project (case does not count: «VIP» and «vip» are one tag). */
async function assertNameFree(tx: Tx, name: string, except?: string) {
  const [taken] = await tx.select({ id: tags.id, name: tags.name }).from(tags).where(sql`lower(${tags.name}) = lower(${name})`);
  if (taken && taken.id !== except) throw conflict("tags.duplicate", `Тег «${taken.name}» уже есть`, { name: taken.name });
}

/** Postgres unique violation: two admins created the same name at once; the loser hears it plainly. */
const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === "23505" || (e as { cause?: { code?: string } })?.cause?.code === "23505";

export async function createTag(tx: Tx, member: Member, input: { name: string; color?: string }): Promise<Tag> {
  assertCan(member, "project.settings");
  const name = tagName(input.name);
  const color = tagColor(input.color) ?? "slate";
  const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(tags);
  if (n >= TAGS_PER_PROJECT_MAX) throw badRequest("tags.tooMany", `Не больше ${TAGS_PER_PROJECT_MAX} тегов в проекте`, { max: TAGS_PER_PROJECT_MAX });
  await assertNameFree(tx, name);
  let row: Tag | undefined;
  try {
    [row] = await tx.insert(tags).values({ projectId: member.projectId, name, color }).returning(tagFields);
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict("tags.duplicate", `Тег «${name}» уже есть`, { name });
    throw e;
  }
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "tag.created", targetType: "tag", targetId: row!.id, details: { name } });
  return row!;
}

export async function updateTag(tx: Tx, member: Member, tagId: string, input: { name?: string; color?: string }): Promise<Tag> {
  assertCan(member, "project.settings");
  const [before] = await tx.select(tagFields).from(tags).where(eq(tags.id, tagId));
  if (!before) throw notFound("tag");
  const name = input.name === undefined ? before.name : tagName(input.name);
  const color = tagColor(input.color) ?? before.color;
  if (name !== before.name) await assertNameFree(tx, name, tagId);
  let row: Tag | undefined;
  try {
    [row] = await tx.update(tags).set({ name, color }).where(eq(tags.id, tagId)).returning(tagFields);
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict("tags.duplicate", `Тег «${name}» уже есть`, { name });
    throw e;
  }
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "tag.updated", targetType: "tag", targetId: tagId, details: { name, previousName: before.name } });
  return row!;
}

/** Removes the tag from the project and from every client that had it. */
export async function deleteTag(tx: Tx, member: Member, tagId: string): Promise<void> {
  assertCan(member, "project.settings");
  const [gone] = await tx.delete(tags).where(eq(tags.id, tagId)).returning({ name: tags.name });
  if (!gone) throw notFound("tag");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "tag.deleted", targetType: "tag", targetId: tagId, details: { name: gone.name } });
}

/**
 * Puts a tag on the client of a conversation the member may see, or takes it off. Attaching
 * twice (two tabs, two colleagues at once) leaves one attachment; a tag of another project is
 * not found (row-level security), and the foreign key on (project, tag) refuses it anyway.
 * Returns the contact's tags after the change.
 */
export async function setContactTag(tx: Tx, member: Member, conversationId: string, tagId: string, attached: boolean): Promise<{ contactId: string; tags: Tag[] }> {
  assertCan(member, "conversations.assign");
  const { contact } = await getConversation(tx, member, conversationId);
  const [tag] = await tx.select({ id: tags.id }).from(tags).where(eq(tags.id, tagId));
  if (!tag) throw notFound("tag");
  if (attached) {
    const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(contactTags).where(eq(contactTags.contactId, contact.id));
    if (n >= TAGS_PER_CONTACT_MAX) throw badRequest("tags.tooManyOnContact", `Не больше ${TAGS_PER_CONTACT_MAX} тегов у одного клиента`, { max: TAGS_PER_CONTACT_MAX });
    await tx.insert(contactTags).values({ projectId: member.projectId, contactId: contact.id, tagId, addedBy: member.membershipId }).onConflictDoNothing();
  } else {
    await tx.delete(contactTags).where(and(eq(contactTags.contactId, contact.id), eq(contactTags.tagId, tagId)));
  }
  return { contactId: contact.id, tags: await tagsOfContact(tx, contact.id) };
}
