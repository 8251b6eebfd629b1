import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, inArray } from "drizzle-orm";
import { attachments, uploads, mediaFiles, replyTemplateMedia, withTenant } from "@threadline/db";
import { solidPng } from "@threadline/simulators/channels";
import { createTwoTenantEnv, type TestEnv } from "@threadline/testing";
import { recordUpload, uploadPrefix } from "../conversations/uploads.ts";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
type Tenant = typeof A;

beforeAll(async () => {
  ({ env, A, B } = await createTwoTenantEnv("Library", "Elsewhere"));
});
afterAll(async () => {
  await env?.close();
});

/** Bytes stored under the project's upload prefix and waiting, as /uploads leaves them. */
async function stored(T: Tenant, name: string, data: Buffer = Buffer.from("%PDF-1.4")) {
  const key = `${uploadPrefix(T.project.id)}${name}-${Math.random().toString(36).slice(2)}`;
  await env.deps.storage.put(key, data);
  await withTenant(env.db, T.project.id, (tx) => recordUpload(tx, T.project.id, key));
  return key;
}

const errorOf = (p: Promise<unknown>) => p.then(() => null, (e: { code?: string; cause?: { code?: string } }) => ({ status: e.code, code: (e.cause as { code?: string } | undefined)?.code }));

describe("media library", () => {
  it("an owner adds an upload once, managers list it, a saved reply carries it, removing it leaves the reply", async () => {
    const owner = env.caller(A.owner.token);
    const storageKey = await stored(A, "price");
    const file = await owner.media.addUpload({ projectId: A.project.id, storageKey, fileName: "Прайс.pdf", mime: "application/pdf; charset=binary" });
    expect(file).toMatchObject({ name: "Прайс.pdf", mime: "application/pdf", kind: "document", size: 8 });
    // The upload is taken: it cannot be added twice, and the sweeper no longer sees it.
    expect(await errorOf(owner.media.addUpload({ projectId: A.project.id, storageKey, fileName: "again.pdf", mime: "application/pdf" }))).toMatchObject({ status: "NOT_FOUND" });
    expect((await env.caller(A.manager.token).media.list({ projectId: A.project.id })).map((f) => f.name)).toEqual(["Прайс.pdf"]);

    const photoKey = await stored(A, "photo", solidPng(32, 24));
    const photo = await owner.media.addUpload({ projectId: A.project.id, storageKey: photoKey, fileName: "menu.jpg", mime: "image/jpeg" });
    expect(photo).toMatchObject({ kind: "photo", mime: "image/png" });
    const { id } = await owner.templates.create({ projectId: A.project.id, title: "Меню и прайс", text: "Вот наше меню", mediaIds: [photo.id, file.id] });
    const listed = (await env.caller(A.manager.token).templates.list({ projectId: A.project.id })).find((t) => t.id === id)!;
    expect(listed.media.map((m) => m.name)).toEqual(["menu.jpg", "Прайс.pdf"]);
    // Files alone are a saved reply too.
    await owner.templates.update({ projectId: A.project.id, templateId: id, title: "Меню", text: "", mediaIds: [photo.id] });
    expect((await owner.templates.list({ projectId: A.project.id })).find((t) => t.id === id)!.media.map((m) => m.id)).toEqual([photo.id]);

    // While a saved reply carries it, the file is not removed unless asked to take it out of them.
    expect(await errorOf(owner.media.remove({ projectId: A.project.id, mediaId: photo.id }))).toMatchObject({ status: "BAD_REQUEST", code: "media.inUse" });
    expect((await owner.templates.list({ projectId: A.project.id })).find((t) => t.id === id)!.media.map((m) => m.id)).toEqual([photo.id]);
    await owner.media.remove({ projectId: A.project.id, mediaId: photo.id, detach: true });
    expect((await owner.templates.list({ projectId: A.project.id })).find((t) => t.id === id)).toMatchObject({ title: "Меню", media: [] });
    // Its bytes stay for the messages already sent with it.
    expect(await env.deps.storage.open(photoKey)).not.toBeNull();
    const actions = (await owner.audit.list({ projectId: A.project.id, limit: 10 })).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["media.added", "media.removed"]));
  });

  it("a manager may use the library but not change it; a template with too many files is refused and nothing changes", async () => {
    const key = await stored(A, "manager");
    expect(await errorOf(env.caller(A.manager.token).media.addUpload({ projectId: A.project.id, storageKey: key, fileName: "x.pdf", mime: "application/pdf" }))).toMatchObject({ status: "FORBIDDEN" });
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await env.caller(A.owner.token).media.addUpload({ projectId: A.project.id, storageKey: await stored(A, `f${i}`), fileName: `f${i}.pdf`, mime: "application/pdf" })).id);
    const before = (await env.caller(A.owner.token).templates.list({ projectId: A.project.id })).length;
    expect(await errorOf(env.caller(A.owner.token).templates.create({ projectId: A.project.id, title: "Много", text: "Файлы", mediaIds: ids }))).toMatchObject({ status: "BAD_REQUEST" });
    expect(await env.caller(A.owner.token).templates.list({ projectId: A.project.id })).toHaveLength(before);
  });

  it("a file's type is read from its bytes: a PDF called a photo is a document, anything else is refused and stays an upload", async () => {
    const owner = env.caller(A.owner.token);
    const pdf = await owner.media.addUpload({ projectId: A.project.id, storageKey: await stored(A, "fake-photo"), fileName: "фото.jpg", mime: "image/jpeg" });
    expect(pdf).toMatchObject({ mime: "application/pdf", kind: "document" });
    const before = (await owner.media.list({ projectId: A.project.id })).length;
    const textKey = await stored(A, "notes", Buffer.from("просто текст"));
    expect(await errorOf(owner.media.addUpload({ projectId: A.project.id, storageKey: textKey, fileName: "notes.png", mime: "image/png" }))).toMatchObject({ status: "BAD_REQUEST", code: "media.unsupportedType" });
    expect(await owner.media.list({ projectId: A.project.id })).toHaveLength(before);
    // The refusal rolled back: the upload still waits (for the sweeper), its bytes are kept.
    expect(await env.deps.storage.open(textKey)).not.toBeNull();
    expect(await withTenant(env.db, A.project.id, (tx) => tx.select().from(uploads).where(eq(uploads.storageKey, textKey)))).toHaveLength(1);
  });

  it("the library screen lists each file with the saved replies that carry it; a file is renamed, a blank name refused", async () => {
    const owner = env.caller(A.owner.token);
    const file = await owner.media.addUpload({ projectId: A.project.id, storageKey: await stored(A, "hours"), fileName: "Часы.pdf", mime: "application/pdf" });
    const { id } = await owner.templates.create({ projectId: A.project.id, title: "Часы работы", text: "Мы открыты", mediaIds: [file.id] });
    const listed = (await owner.media.library({ projectId: A.project.id })).find((f) => f.id === file.id);
    expect(listed).toMatchObject({ name: "Часы.pdf", kind: "document", size: 8, usedBy: [{ id, title: "Часы работы" }], channels: [] });
    expect(listed!.createdAt).toBeInstanceOf(Date);

    await owner.media.rename({ projectId: A.project.id, mediaId: file.id, name: "  Часы работы.pdf " });
    expect((await owner.templates.list({ projectId: A.project.id })).find((t) => t.id === id)!.media[0]).toMatchObject({ name: "Часы работы.pdf" });
    expect(await errorOf(owner.media.rename({ projectId: A.project.id, mediaId: file.id, name: "   " }))).toMatchObject({ status: "BAD_REQUEST", code: "media.nameRequired" });
    expect((await owner.media.library({ projectId: A.project.id })).find((f) => f.id === file.id)!.name).toBe("Часы работы.pdf");
    // A manager uses the library but neither sees its screen nor renames.
    expect(await errorOf(env.caller(A.manager.token).media.library({ projectId: A.project.id }))).toMatchObject({ status: "FORBIDDEN" });
    expect(await errorOf(env.caller(A.manager.token).media.rename({ projectId: A.project.id, mediaId: file.id, name: "x" }))).toMatchObject({ status: "FORBIDDEN" });
    expect((await owner.audit.list({ projectId: A.project.id, limit: 5 })).map((r) => r.action)).toContain("media.renamed");
  });

  it("a draft's file removed from the library meanwhile is left out of the reply, the rest goes", async () => {
    const owner = env.caller(A.owner.token);
    const add = async (name: string) => (await owner.media.addUpload({ projectId: A.project.id, storageKey: await stored(A, name), fileName: `${name}.pdf`, mime: "application/pdf" })).id;
    const [kept, gone] = [await add("kept"), await add("gone")];
    await owner.media.remove({ projectId: A.project.id, mediaId: gone });
    const manager = env.caller(A.manager.token);
    const sent = await manager.conversations.reply({ projectId: A.project.id, conversationId: A.conversationId, text: "Прайс", mediaIds: [gone, kept] });
    expect(sent.missingMediaIds).toEqual([gone]);
    const carried = await withTenant(env.db, A.project.id, (tx) => tx.select({ mediaId: attachments.mediaId }).from(attachments).where(inArray(attachments.messageId, sent.messageIds)));
    expect(carried).toEqual([{ mediaId: kept }]);
    // The removed file alone is nothing to send: a clear refusal, and no message is stored.
    expect(await errorOf(manager.conversations.reply({ projectId: A.project.id, conversationId: A.conversationId, text: " ", mediaIds: [gone] }))).toMatchObject({ status: "NOT_FOUND", code: "media.missing" });
  });

  it("another project's files are never listed, attached, sent or removed", async () => {
    const bFile = await env.caller(B.owner.token).media.addUpload({ projectId: B.project.id, storageKey: await stored(B, "b"), fileName: "b.pdf", mime: "application/pdf" });
    const owner = env.caller(A.owner.token);
    expect((await owner.media.list({ projectId: A.project.id })).map((f) => f.id)).not.toContain(bFile.id);
    expect(await errorOf(owner.media.remove({ projectId: A.project.id, mediaId: bFile.id }))).toMatchObject({ status: "NOT_FOUND" });
    expect(await errorOf(owner.media.remove({ projectId: A.project.id, mediaId: bFile.id, detach: true }))).toMatchObject({ status: "NOT_FOUND" });
    expect(await errorOf(owner.media.rename({ projectId: A.project.id, mediaId: bFile.id, name: "Моё" }))).toMatchObject({ status: "NOT_FOUND" });
    expect((await owner.media.library({ projectId: A.project.id })).map((f) => f.id)).not.toContain(bFile.id);
    expect(await errorOf(owner.templates.create({ projectId: A.project.id, title: "Чужой", text: "x", mediaIds: [bFile.id] }))).toMatchObject({ status: "NOT_FOUND" });
    expect(await errorOf(owner.conversations.reply({ projectId: A.project.id, conversationId: A.conversationId, text: "", mediaIds: [bFile.id] }))).toMatchObject({ status: "NOT_FOUND", code: "media.missing" });
    // With text, B's file is left out as one no longer in the library: only the text goes.
    const sent = await owner.conversations.reply({ projectId: A.project.id, conversationId: A.conversationId, text: "x", mediaIds: [bFile.id] });
    expect(sent.missingMediaIds).toEqual([bFile.id]);
    expect(await withTenant(env.db, A.project.id, (tx) => tx.select().from(attachments).where(inArray(attachments.messageId, sent.messageIds)))).toEqual([]);
    // A's upload key under B's project, and B's key under A's: neither is taken.
    const aKey = await stored(A, "mine");
    expect(await errorOf(env.caller(B.owner.token).media.addUpload({ projectId: B.project.id, storageKey: aKey, fileName: "a.pdf", mime: "application/pdf" }))).toMatchObject({ status: "NOT_FOUND" });
    // Row-level security: inside A, B's rows do not exist, and a row naming B is refused.
    expect(await withTenant(env.db, A.project.id, (tx) => tx.select().from(mediaFiles))).not.toContainEqual(expect.objectContaining({ id: bFile.id }));
    await expect(withTenant(env.db, A.project.id, (tx) => tx.insert(replyTemplateMedia).values({ projectId: B.project.id, templateId: bFile.id, mediaId: bFile.id, position: 0 }))).rejects.toMatchObject({ cause: { message: expect.stringMatching(/row-level security/) } });
    expect((await env.caller(B.owner.token).media.list({ projectId: B.project.id })).map((f) => f.id)).toContain(bFile.id);
  });
});
