import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withTenant } from "@threadline/db";
import { createTwoTenantEnv, type TestEnv } from "@threadline/testing";
import { docxWith, pdfWith } from "./fixtures.ts";
import { addDocument, listDocuments, searchPassages, splitIntoPassages, MAX_DOCUMENT_BYTES } from "./index.ts";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => ({ env, A, B } = await createTwoTenantEnv("Цветы", "Автосервис")));
afterAll(async () => env?.close());

const inA = <T>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(env.db, A.project.id, fn);

describe("the knowledge base", () => {
  it("cuts a document into passages and finds one by any form of its words, in its own project only", async () => {
    await inA((tx) =>
      addDocument(tx, A.project.id, null, {
        title: "Доставка",
        text: "Доставляем букеты по Самаре за 2 часа.\n\nВ Тольятти — на следующий день, 900 ₽.\n\nВозврат: сообщите в течение 3 часов.",
      }),
    );
    const found = await inA((tx) => searchPassages(tx, "А в Тольятти привезёте?"));
    expect(found[0]?.title).toBe("Доставка");
    expect(found[0]?.text).toContain("900 ₽");
    expect(await withTenant(env.db, B.project.id, (tx) => searchPassages(tx, "Тольятти"))).toEqual([]);
    expect(await withTenant(env.db, B.project.id, (tx) => listDocuments(tx))).toEqual([]);
  });

  it("reads a PDF and a DOCX", async () => {
    const pdf = await inA((tx) => addDocument(tx, A.project.id, null, { fileName: "requisites.pdf", data: pdfWith(["Requisites: INN 7701234567", "Bank account 40702810900000012345"]) }));
    expect(pdf).toMatchObject({ kind: "pdf", title: "requisites", passageCount: 1 });
    expect((await inA((tx) => searchPassages(tx, "INN requisites")))[0]?.text).toContain("7701234567");
    const data = await docxWith(["Подрежьте стебли под углом.", "Меняйте воду каждый день."]);
    const docx = await inA((tx) => addDocument(tx, A.project.id, null, { fileName: "Уход за цветами.docx", data }));
    expect(docx).toMatchObject({ kind: "docx", title: "Уход за цветами" });
    expect((await inA((tx) => searchPassages(tx, "как менять воду")))[0]?.text).toContain("Меняйте воду");
  });

  it("refuses a renamed binary, an unknown type, an oversized file and an empty one, storing nothing", async () => {
    const before = (await inA((tx) => listDocuments(tx))).length;
    const bad: [Parameters<typeof addDocument>[3], string][] = [
      [{ fileName: "price.pdf", data: Buffer.from("MZ\x90\x00 not a pdf") }, "knowledge.fileType"],
      [{ fileName: "price.txt", data: pdfWith(["x"]) }, "knowledge.fileType"],
      [{ fileName: "photo.jpg", data: Buffer.from([0xff, 0xd8, 0xff]) }, "knowledge.fileType"],
      [{ fileName: "big.txt", data: Buffer.alloc(MAX_DOCUMENT_BYTES + 1, 0x61) }, "knowledge.tooLarge"],
      [{ fileName: "blank.md", data: Buffer.from("   \n\n  ") }, "knowledge.empty"],
      [{ fileName: "broken.pdf", data: Buffer.from("%PDF-1.4 broken") }, "knowledge.unreadable"],
      [{ title: " ", text: "текст" }, "knowledge.titleRequired"],
    ];
    for (const [input, code] of bad) {
      await expect(inA((tx) => addDocument(tx, A.project.id, null, input))).rejects.toMatchObject({ code });
    }
    expect((await inA((tx) => listDocuments(tx))).length).toBe(before);
  });

  it("keeps passages under the size, cutting long paragraphs between sentences", () => {
    const long = Array.from({ length: 40 }, (_, i) => `Предложение номер ${i} о доставке.`).join(" ");
    const parts = splitIntoPassages(`Короткий абзац.\n\n${long}`, 300);
    expect(parts.every((p) => p.length <= 300)).toBe(true);
    expect(parts.join(" ")).toContain("Предложение номер 39");
  });
});

describe("the sales script in the agent settings", () => {
  it("keeps objections and fields to collect when the owner saves other settings", async () => {
    const { loadAgentConfig } = await import("../leads/settings.ts");
    await env.caller(A.owner.token).agent.update({
      projectId: A.project.id,
      script: { objections: [{ q: ["дорого", " "], a: " Первое занятие бесплатно. " }], collect: ["name"] },
    });
    await env.caller(A.owner.token).agent.update({ projectId: A.project.id, script: { greeting: "Здравствуйте!" } });
    const config = await inA((tx) => loadAgentConfig(tx, A.project.id));
    expect(config.script.objections).toEqual([{ q: ["дорого"], a: "Первое занятие бесплатно." }]);
    expect(config.script.collect).toEqual(["phone", "name"]);
  });
});
