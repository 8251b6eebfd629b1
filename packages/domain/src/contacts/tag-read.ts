// Reading a project's tags: the list's rows and the client card show them. Apart from the tag
// changes (tags.ts), which check the conversation, so that the list can read them without a cycle.
import { asc, eq, inArray, sql } from "drizzle-orm";
import { contactTags, tags, type TagColor, type Tx } from "@threadline/db";

export type Tag = { id: string; name: string; color: TagColor };

export const tagFields = { id: tags.id, name: tags.name, color: tags.color };

/** The project's tags by name (row-level security keeps them to the project). */
export async function listTags(tx: Tx): Promise<Tag[]> {
  return tx.select(tagFields).from(tags).orderBy(asc(sql`lower(${tags.name})`));
}

/** The tags of each of these contacts (one query for a page of the list), by name. */
export async function tagsOfContacts(tx: Tx, contactIds: string[]): Promise<Map<string, Tag[]>> {
  const byContact = new Map<string, Tag[]>();
  if (contactIds.length === 0) return byContact;
  const rows = await tx
    .select({ contactId: contactTags.contactId, ...tagFields })
    .from(contactTags)
    .innerJoin(tags, eq(tags.id, contactTags.tagId))
    .where(inArray(contactTags.contactId, contactIds))
    .orderBy(asc(sql`lower(${tags.name})`));
  for (const { contactId, ...tag } of rows) byContact.set(contactId, [...(byContact.get(contactId) ?? []), tag]);
  return byContact;
}
