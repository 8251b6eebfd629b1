import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTwoTenantEnv, type TestEnv } from "@threadline/testing";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;

beforeAll(async () => {
  ({ env, A, B } = await createTwoTenantEnv("Templates", "Elsewhere"));
});
afterAll(async () => {
  await env?.close();
});

describe("saved replies", () => {
  it("an owner keeps them, managers use them in title order, and every change is in the audit log", async () => {
    const owner = env.caller(A.owner.token);
    const { id } = await owner.templates.create({ projectId: A.project.id, title: " Доставка ", text: " {имя}, доставляем с 9 до 21, бесплатно от 1500 ₽. " });
    await owner.templates.create({ projectId: A.project.id, title: "Адрес", text: "Мы на Баумана, 12." });
    expect((await env.caller(A.manager.token).templates.list({ projectId: A.project.id })).map((t) => [t.title, t.text])).toEqual([
      ["Адрес", "Мы на Баумана, 12."],
      ["Доставка", "{имя}, доставляем с 9 до 21, бесплатно от 1500 ₽."],
    ]);
    await owner.templates.update({ projectId: A.project.id, templateId: id, title: "Доставка", text: "{имя}, доставляем с 10 до 22." });
    await owner.templates.remove({ projectId: A.project.id, templateId: id });
    expect((await env.caller(A.manager.token).templates.list({ projectId: A.project.id })).map((t) => t.title)).toEqual(["Адрес"]);
    const actions = (await owner.audit.list({ projectId: A.project.id, limit: 10 })).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["template.created", "template.updated", "template.removed"]));
  });

  it("a manager may not change them; an empty or overlong text is refused and nothing is stored", async () => {
    await expect(env.caller(A.manager.token).templates.create({ projectId: A.project.id, title: "Моё", text: "Текст" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const owner = env.caller(A.owner.token);
    await expect(owner.templates.create({ projectId: A.project.id, title: "Пусто", text: "   " })).rejects.toThrow(/Напишите текст шаблона/);
    await expect(owner.templates.create({ projectId: A.project.id, title: "  ", text: "Текст" })).rejects.toThrow(/Назовите шаблон/);
    await expect(owner.templates.create({ projectId: A.project.id, title: "Длинный", text: "я".repeat(4097) })).rejects.toThrow(/длиннее 4096/);
    expect((await owner.templates.list({ projectId: A.project.id })).map((t) => t.title)).toEqual(["Адрес"]);
  });

  it("one project's replies are not another's, and cannot be changed from there", async () => {
    const [mine] = await env.caller(A.owner.token).templates.list({ projectId: A.project.id });
    expect(await env.caller(B.owner.token).templates.list({ projectId: B.project.id })).toEqual([]);
    await expect(env.caller(B.owner.token).templates.remove({ projectId: B.project.id, templateId: mine!.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await env.caller(A.owner.token).templates.list({ projectId: A.project.id })).toHaveLength(1);
  });
});
