import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { contactNotes, contactTags } from "@threadline/db";
import { clientMessage, createTwoTenantEnv, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => ({ env, A, B } = await createTwoTenantEnv("TagsA", "TagsB")));
afterAll(async () => env?.close());

const refused = (code: string) => ({ cause: expect.objectContaining({ code }) });
const conversationIn = async (T: typeof A, chatId: string, name = "Клиент") => (await env.ingest(T.channel, clientMessage({ chatId, text: "Здравствуйте", name }))).conversationId;

describe("the project's tags", () => {
  it("admins create, rename and recolour tags; names are trimmed, unique regardless of case and bounded", async () => {
    const owner = env.caller(A.owner.token);
    const p = { projectId: A.project.id };
    const vip = await owner.tags.create({ ...p, name: "  VIP  клиент ", color: "amber" });
    expect(vip).toMatchObject({ name: "VIP клиент", color: "amber" });
    await expect(owner.tags.create({ ...p, name: "vip КЛИЕНТ" })).rejects.toMatchObject({ code: "CONFLICT", ...refused("tags.duplicate") });
    await expect(owner.tags.create({ ...p, name: "   " })).rejects.toMatchObject(refused("tags.nameRequired"));
    await expect(owner.tags.create({ ...p, name: "д".repeat(41) })).rejects.toMatchObject(refused("tags.nameTooLong"));
    await expect(owner.tags.create({ ...p, name: "д".repeat(500) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const wholesale = await owner.tags.create({ ...p, name: "Опт" });
    await expect(owner.tags.update({ ...p, tagId: wholesale.id, name: "VIP клиент" })).rejects.toMatchObject(refused("tags.duplicate"));
    expect(await owner.tags.update({ ...p, tagId: wholesale.id, name: "Оптовик", color: "teal" })).toMatchObject({ name: "Оптовик", color: "teal" });
    expect((await owner.tags.list(p)).map((t) => t.name)).toEqual(["Оптовик", "VIP клиент"].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    // Managers read the set but do not manage it.
    expect(await env.caller(A.manager.token).tags.list(p)).toHaveLength(2);
    await expect(env.caller(A.manager.token).tags.create({ ...p, name: "Свой" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("two admins creating one name at once get one tag and a clear refusal", async () => {
    const p = { projectId: A.project.id };
    const results = await Promise.allSettled([env.caller(A.owner.token).tags.create({ ...p, name: "Гонка" }), env.caller(A.owner.token).tags.create({ ...p, name: "гонка" })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: refused("tags.duplicate") });
  });
});

describe("tags on a client", () => {
  it("a manager attaches and detaches; attaching twice at once leaves one; the list filters by the tag with the other filters", async () => {
    const p = { projectId: A.project.id };
    const tag = await env.caller(A.owner.token).tags.create({ ...p, name: "Постоянный", color: "green" });
    const tagged = await conversationIn(A, "7101", "Вера");
    const other = await conversationIn(A, "7102", "Глеб");
    const manager = env.caller(A.manager.token);
    await Promise.all([1, 2, 3].map(() => manager.conversations.setTag({ ...p, conversationId: tagged, tagId: tag.id, attached: true })));
    expect(await env.owner.select().from(contactTags).where(eq(contactTags.tagId, tag.id))).toHaveLength(1);
    // The change answers with the client's tags, and the client card shows them.
    const second = await env.caller(A.owner.token).tags.create({ ...p, name: "Бариста", color: "blue" });
    const changed = await manager.conversations.setTag({ ...p, conversationId: tagged, tagId: second.id, attached: true });
    const both = [{ id: second.id, name: "Бариста", color: "blue" }, { id: tag.id, name: "Постоянный", color: "green" }];
    expect(changed.tags).toEqual(both);
    expect((await manager.conversations.clientCard({ ...p, conversationId: tagged })).tags).toEqual(both);
    await manager.conversations.setTag({ ...p, conversationId: tagged, tagId: second.id, attached: false });

    const list = await manager.conversations.list({ ...p, tagId: tag.id });
    expect(list.items.map((r) => r.id)).toEqual([tagged]);
    expect(list.items[0]!.tags).toEqual([{ id: tag.id, name: "Постоянный", color: "green" }]);
    expect((await manager.conversations.list({ ...p, tagId: tag.id, stage: "won" })).items).toEqual([]);
    expect((await manager.conversations.list({ ...p, tagId: tag.id, channelId: A.channel.id, filter: "unassigned" })).items.map((r) => r.id)).toEqual([tagged]);
    expect((await manager.conversations.list(p)).items.find((r) => r.id === other)!.tags).toEqual([]);

    await manager.conversations.setTag({ ...p, conversationId: tagged, tagId: tag.id, attached: false });
    expect((await manager.conversations.list({ ...p, tagId: tag.id })).items).toEqual([]);
    // Deleting the tag takes it off every client.
    await manager.conversations.setTag({ ...p, conversationId: tagged, tagId: tag.id, attached: true });
    await env.caller(A.owner.token).tags.remove({ ...p, tagId: tag.id });
    expect(await env.owner.select().from(contactTags).where(eq(contactTags.tagId, tag.id))).toHaveLength(0);
  });

  it("another project's tag or conversation is not found, and nothing is attached", async () => {
    const theirs = await env.caller(B.owner.token).tags.create({ projectId: B.project.id, name: "Чужой" });
    const theirConversation = await conversationIn(B, "7201");
    const ours = await conversationIn(A, "7202");
    const ourTag = await env.caller(A.owner.token).tags.create({ projectId: A.project.id, name: "Наш" });
    const owner = env.caller(A.owner.token);
    await expect(owner.conversations.setTag({ projectId: A.project.id, conversationId: ours, tagId: theirs.id, attached: true })).rejects.toMatchObject({ code: "NOT_FOUND", ...refused("notFound.tag") });
    await expect(owner.conversations.setTag({ projectId: A.project.id, conversationId: theirConversation, tagId: ourTag.id, attached: true })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(owner.tags.update({ projectId: A.project.id, tagId: theirs.id, name: "Захвачен" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(owner.tags.remove({ projectId: A.project.id, tagId: theirs.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Filtering by their tag shows nothing of theirs or ours.
    expect((await owner.conversations.list({ projectId: A.project.id, tagId: theirs.id })).items).toEqual([]);
    expect(await env.owner.select().from(contactTags).where(eq(contactTags.tagId, theirs.id))).toHaveLength(0);
    expect((await env.caller(B.owner.token).tags.list({ projectId: B.project.id })).map((t) => t.name)).toEqual(["Чужой"]);
  });
});

describe("notes on a client", () => {
  it("members write notes with author and time; only the author edits or deletes; bad text changes nothing", async () => {
    const p = { projectId: A.project.id };
    const conversationId = await conversationIn(A, "7301", "Полина");
    const manager = env.caller(A.manager.token);
    await manager.conversations.addNote({ ...p, conversationId, text: "  Просила перезвонить после 18:00 " });
    let card = await manager.conversations.clientCard({ ...p, conversationId });
    expect(card.notes).toHaveLength(1);
    const note = card.notes[0]!;
    expect(note).toMatchObject({ text: "Просила перезвонить после 18:00", mine: true, editedAt: null });
    expect(note.authorName).toBeTruthy();
    expect(note.createdAt).toBeInstanceOf(Date);

    const owner = env.caller(A.owner.token);
    expect((await owner.conversations.clientCard({ ...p, conversationId })).notes[0]!.mine).toBe(false);
    await expect(owner.conversations.editNote({ ...p, conversationId, noteId: note.id, text: "Чужая правка" })).rejects.toMatchObject({ code: "FORBIDDEN", ...refused("notes.notYours") });
    await expect(owner.conversations.deleteNote({ ...p, conversationId, noteId: note.id })).rejects.toMatchObject(refused("notes.notYours"));
    await expect(manager.conversations.editNote({ ...p, conversationId, noteId: note.id, text: "   " })).rejects.toMatchObject(refused("notes.textRequired"));
    await expect(manager.conversations.editNote({ ...p, conversationId, noteId: note.id, text: "я".repeat(2001) })).rejects.toMatchObject(refused("notes.textTooLong"));
    await expect(manager.conversations.addNote({ ...p, conversationId, text: "я".repeat(9000) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    card = await manager.conversations.clientCard({ ...p, conversationId });
    expect(card.notes.map((n) => n.text)).toEqual(["Просила перезвонить после 18:00"]);

    await manager.conversations.editNote({ ...p, conversationId, noteId: note.id, text: "Перезвонить после 19:00" });
    card = await manager.conversations.clientCard({ ...p, conversationId });
    expect(card.notes[0]).toMatchObject({ text: "Перезвонить после 19:00", editedAt: expect.any(Date) });
    await manager.conversations.deleteNote({ ...p, conversationId, noteId: note.id });
    expect((await manager.conversations.clientCard({ ...p, conversationId })).notes).toEqual([]);
  });

  it("a role that hides phones reads notes with the numbers masked; another project's note or conversation is not found", async () => {
    const p = { projectId: A.project.id };
    const conversationId = await conversationIn(A, "7302", "Семён");
    await env.caller(A.owner.token).conversations.addNote({ ...p, conversationId, text: "Второй номер +7 912 345-67-89" });
    await env.caller(A.owner.token).roles.update({ ...p, roleId: A.manager.roleId, hiddenFields: ["contact.profileUrl", "contact.phone"] });
    try {
      const text = (await env.caller(A.manager.token).conversations.clientCard({ ...p, conversationId })).notes[0]!.text;
      expect(text).not.toContain("912");
    } finally {
      await env.caller(A.owner.token).roles.update({ ...p, roleId: A.manager.roleId, hiddenFields: ["contact.profileUrl", "conversation.attribution"] });
    }
    const theirConversation = await conversationIn(B, "7303");
    await env.caller(B.owner.token).conversations.addNote({ projectId: B.project.id, conversationId: theirConversation, text: "Их заметка" });
    const [theirNote] = await env.owner.select().from(contactNotes).where(eq(contactNotes.projectId, B.project.id));
    const owner = env.caller(A.owner.token);
    await expect(owner.conversations.clientCard({ ...p, conversationId: theirConversation })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(owner.conversations.addNote({ ...p, conversationId: theirConversation, text: "Взлом" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(owner.conversations.deleteNote({ ...p, conversationId, noteId: theirNote!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await env.owner.select().from(contactNotes).where(eq(contactNotes.id, theirNote!.id))).toHaveLength(1);
  });
});
