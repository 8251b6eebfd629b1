import { eq } from "drizzle-orm";
import { parsePhoneField } from "@threadline/ai";
import { contacts, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { badRequest, forbidden } from "../errors.ts";
import { getConversation } from "./thread.ts";

export const CONTACT_NAME_MAX = 200;

/** What a manager may correct on the client's card; a field left out stays as it is. */
export type ContactEdit = { name?: string; phone?: string | null; email?: string | null };

/**
 * Corrects the name, phone or e-mail of the client of a conversation the member may see and manage.
 * The phone is validated (libphonenumber, Russian formats first) and stored in E.164; an empty
 * phone or e-mail clears it. A member whose role hides the phone cannot set it. Everything is
 * checked before anything is written, so a refused edit changes nothing; the change is audited.
 */
export async function editContact(tx: Tx, member: Member, conversationId: string, edit: ContactEdit) {
  assertCan(member, "conversations.assign");
  const conversation = await getConversation(tx, member, conversationId);
  const values: Partial<typeof contacts.$inferInsert> = {};

  if (edit.name !== undefined) {
    const name = edit.name.trim();
    if (!name) throw badRequest("contacts.nameRequired", "Введите имя клиента");
    if ([...name].length > CONTACT_NAME_MAX) throw badRequest("contacts.nameTooLong", `Имя длиннее ${CONTACT_NAME_MAX} символов`, { max: CONTACT_NAME_MAX });
    values.name = name;
  }
  if (edit.phone !== undefined) {
    if (member.hiddenFields.has("contact.phone")) throw forbidden("contacts.phoneHidden", "Ваша роль не видит телефоны клиентов и не может их менять");
    const typed = edit.phone?.trim() ?? "";
    if (!typed) values.phone = null;
    else {
      const parsed = parsePhoneField(typed);
      if (parsed.kind === "invalid") throw badRequest("contacts.phoneInvalid", `Это не номер телефона: «${typed.slice(0, 32)}»`, { phone: typed.slice(0, 32), reason: parsed.reason });
      values.phone = parsed.e164;
    }
  }
  if (edit.email !== undefined) values.email = edit.email?.trim().toLowerCase() || null;
  if (Object.keys(values).length === 0) return;

  const before = conversation.contact;
  await tx.update(contacts).set(values).where(eq(contacts.id, before.id));
  // The audit keeps which fields changed, not their values (a phone may be hidden from readers of the log).
  await recordAudit(tx, {
    projectId: member.projectId,
    actorUserId: member.userId,
    action: "contact.updated",
    targetType: "contact",
    targetId: before.id,
    details: { fields: Object.keys(values).filter((k) => values[k as keyof typeof values] !== before[k as "name" | "phone" | "email"]) },
  });
}
