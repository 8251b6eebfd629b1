import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, contacts } from "@threadline/db";
import { clientMessage, createTenantEnv, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => ({ env, T } = await createTenantEnv("Contacts")));
afterAll(async () => env?.close());

async function conversationOf(chatId: string, name: string) {
  const stored = await env.ingest(T.channel, clientMessage({ chatId, text: "Здравствуйте", name }));
  const [contact] = await env.owner.select().from(contacts).where(eq(contacts.externalId, chatId));
  return { conversationId: stored.conversationId, contactId: contact!.id };
}
/** A refusal with this DomainError code (the tRPC error carries it as its cause). */
const refused = (code: string) => ({ cause: expect.objectContaining({ code }) });
const contactRow = async (id: string) => (await env.owner.select().from(contacts).where(eq(contacts.id, id)))[0]!;

describe("editing the client's card", () => {
  it("stores the phone in E.164 from Russian formats, the name trimmed and the e-mail lower-cased; audited", async () => {
    const { conversationId, contactId } = await conversationOf("5101", "Ира");
    const owner = env.caller(T.owner.token);
    await owner.conversations.updateContact({ projectId: T.project.id, conversationId, name: "  Ирина Соколова ", phone: "8 (912) 345-67-89", email: "Irina@Example.RU" });
    expect(await contactRow(contactId)).toMatchObject({ name: "Ирина Соколова", phone: "+79123456789", email: "irina@example.ru" });
    await owner.conversations.updateContact({ projectId: T.project.id, conversationId, phone: "+375 29 123-45-67" });
    expect((await contactRow(contactId)).phone).toBe("+375291234567");
    const audit = await env.owner.select().from(auditLog).where(eq(auditLog.targetId, contactId));
    expect(audit.map((a) => a.action)).toEqual(["contact.updated", "contact.updated"]);
    expect(JSON.stringify(audit)).not.toContain("912");
    // An empty phone or e-mail clears it.
    await owner.conversations.updateContact({ projectId: T.project.id, conversationId, phone: "", email: "" });
    expect(await contactRow(contactId)).toMatchObject({ phone: null, email: null, name: "Ирина Соколова" });
  });

  it("refuses an invalid phone with its code and changes nothing, not even the other fields", async () => {
    const { conversationId, contactId } = await conversationOf("5102", "Олег");
    const owner = env.caller(T.owner.token);
    await owner.conversations.updateContact({ projectId: T.project.id, conversationId, phone: "+7 912 345 67 89" });
    for (const phone of ["12345", "8 912 345", "позвоните мне", "4276 1600 1234 5678", "+7 800 555-35-35", "8 912 345 67 89 00 11"]) {
      await expect(owner.conversations.updateContact({ projectId: T.project.id, conversationId, name: "Олег Новиков", phone })).rejects.toMatchObject({ code: "BAD_REQUEST", ...refused("contacts.phoneInvalid") });
    }
    expect(await contactRow(contactId)).toMatchObject({ name: "Олег", phone: "+79123456789" });
    await expect(owner.conversations.updateContact({ projectId: T.project.id, conversationId, name: "   " })).rejects.toMatchObject(refused("contacts.nameRequired"));
    await expect(owner.conversations.updateContact({ projectId: T.project.id, conversationId, email: "не почта" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await contactRow(contactId)).name).toBe("Олег");
  });

  it("a role that does not see phones cannot set one; a role without assignment cannot edit", async () => {
    const { conversationId, contactId } = await conversationOf("5103", "Анна");
    // The owner hides phones from managers.
    await env.caller(T.owner.token).roles.update({ projectId: T.project.id, roleId: T.manager.roleId, hiddenFields: ["contact.profileUrl", "contact.phone"] });
    await env.caller(T.owner.token).conversations.assign({ projectId: T.project.id, conversationId, assigneeId: T.manager.membershipId });
    const manager = env.caller(T.manager.token);
    await expect(manager.conversations.updateContact({ projectId: T.project.id, conversationId, phone: "+79123450000" })).rejects.toMatchObject({ code: "FORBIDDEN", ...refused("contacts.phoneHidden") });
    await manager.conversations.updateContact({ projectId: T.project.id, conversationId, name: "Анна Белова" });
    expect(await contactRow(contactId)).toMatchObject({ name: "Анна Белова", phone: null });
    await expect(env.caller(T.finance.token).conversations.updateContact({ projectId: T.project.id, conversationId, name: "Финансы" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
