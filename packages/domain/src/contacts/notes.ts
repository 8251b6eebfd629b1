import { and, desc, eq } from "drizzle-orm";
import { contactNotes, memberships, users, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { redactText } from "../access/redact.ts";
import { badRequest, forbidden, notFound } from "../errors.ts";
import { getConversation } from "../conversations/thread.ts";

export const NOTE_TEXT_MAX = 2000;

function noteText(typed: string): string {
  const text = typed.trim();
  if (!text) throw badRequest("notes.textRequired", "Напишите текст заметки");
  if ([...text].length > NOTE_TEXT_MAX) throw badRequest("notes.textTooLong", `Заметка длиннее ${NOTE_TEXT_MAX} символов`, { max: NOTE_TEXT_MAX });
  return text;
}

/**
 * The team's notes about the client of a conversation the member may see, newest first, with
 * their authors. A role that hides phones reads the notes with phone numbers masked, as it reads
 * messages.
 */
export async function listNotes(tx: Tx, member: Member, conversationId: string) {
  const { contact } = await getConversation(tx, member, conversationId);
  const rows = await tx
    .select({ id: contactNotes.id, text: contactNotes.text, createdAt: contactNotes.createdAt, editedAt: contactNotes.editedAt, authorId: contactNotes.authorId, authorName: users.name })
    .from(contactNotes)
    .leftJoin(memberships, eq(memberships.id, contactNotes.authorId))
    .leftJoin(users, eq(users.id, memberships.userId))
    .where(eq(contactNotes.contactId, contact.id))
    .orderBy(desc(contactNotes.createdAt), desc(contactNotes.id));
  return { contactId: contact.id, notes: rows.map((r) => ({ ...r, text: redactText(member, r.text), mine: r.authorId === member.membershipId })) };
}

export async function addNote(tx: Tx, member: Member, conversationId: string, typed: string) {
  assertCan(member, "conversations.reply");
  const text = noteText(typed);
  const { contact } = await getConversation(tx, member, conversationId);
  const [row] = await tx.insert(contactNotes).values({ projectId: member.projectId, contactId: contact.id, authorId: member.membershipId, text }).returning({ id: contactNotes.id });
  return { contactId: contact.id, noteId: row!.id };
}

/** A note of this member's about the client of a conversation they may see; anyone else's is refused. */
async function ownNote(tx: Tx, member: Member, conversationId: string, noteId: string) {
  const { contact } = await getConversation(tx, member, conversationId);
  const [note] = await tx.select({ authorId: contactNotes.authorId }).from(contactNotes).where(and(eq(contactNotes.id, noteId), eq(contactNotes.contactId, contact.id)));
  if (!note) throw notFound("note");
  if (note.authorId !== member.membershipId) throw forbidden("notes.notYours", "Менять и удалять можно только свои заметки");
  return contact.id;
}

export async function editNote(tx: Tx, member: Member, conversationId: string, noteId: string, typed: string) {
  assertCan(member, "conversations.reply");
  const text = noteText(typed);
  const contactId = await ownNote(tx, member, conversationId, noteId);
  await tx.update(contactNotes).set({ text, editedAt: new Date() }).where(eq(contactNotes.id, noteId));
  return { contactId };
}

export async function deleteNote(tx: Tx, member: Member, conversationId: string, noteId: string) {
  assertCan(member, "conversations.reply");
  const contactId = await ownNote(tx, member, conversationId, noteId);
  await tx.delete(contactNotes).where(eq(contactNotes.id, noteId));
  return { contactId };
}
