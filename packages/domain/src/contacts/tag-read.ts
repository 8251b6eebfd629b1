// Reading a project's tags: the list's rows and the client card show them. Apart from the tag
// changes (tags.ts), which check the conversation, so that the list can read them without a cycle.
import { asc, eq, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { contactTags, tags, type TagColor, type Tx } from "@threadline/db";

export type Tag = { id: string; name: string; color: TagColor };

export const tagFields = { id: tags.id, name: tags.name, color: tags.color };

/** The project's tags by name (row-level security keeps them to the project). */
export async function listTags(tx: Tx): Promise<Tag[]> {
  return tx.select(tagFields).from(tags).orderBy(asc(sql`lower(${tags.name})`));
}

/** A contact's tags by name (the client card; the list's page reads them with tagsOfContactColumn). */
export async function tagsOfContact(tx: Tx, contactId: string): Promise<Tag[]> {
  return tx.select(tagFields).from(contactTags).innerJoin(tags, eq(tags.id, contactTags.tagId)).where(eq(contactTags.contactId, contactId)).orderBy(asc(sql`lower(${tags.name})`));
}

/**
 * A contact's tags by name, as a column of the statement that reads the contact: the list's page
 * gets them without a second round trip (a probe of the attachment's primary key per row).
 */
export function tagsOfContactColumn(contactId: AnyColumn): SQL<Tag[]> {
  return sql<Tag[]>`coalesce((select json_agg(json_build_object('id', ${tags.id}, 'name', ${tags.name}, 'color', ${tags.color}) order by lower(${tags.name}))
    from ${contactTags} join ${tags} on ${tags.id} = ${contactTags.tagId} where ${contactTags.contactId} = ${contactId}), '[]'::json)`;
}
