import { afterAll, beforeAll, expect, it } from "vitest";
import { agentSettings, replyTemplates } from "@threadline/db";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { DEMO_PASSWORD, seedDemo } from "./demo.ts";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env?.close());

it("seeds two projects with a person for every role, and is safe to run twice", async () => {
  const first = await seedDemo(env.db);
  const second = await seedDemo(env.db);
  expect(second).toEqual(first);
  expect(new Set(first.map((a) => a.project)).size).toBe(2);
  expect(new Set(first.map((a) => a.role))).toEqual(new Set(["owner", "admin", "manager", "finance", "traffic", "tech"]));
  const manager = first.find((a) => a.role === "manager")!;
  const res = await env.http("auth.signIn", { input: { email: manager.email, password: DEMO_PASSWORD } });
  expect(res.status).toBe(200);
});

it("one demo account works in both projects, and each project has its agent's knowledge and saved replies", async () => {
  const accounts = await seedDemo(env.db);
  const both = accounts.filter((a) => a.email === "manager@zerno.demo");
  expect(new Set(both.map((a) => a.project)).size).toBe(2);
  const settings = await env.owner.select().from(agentSettings);
  const templates = await env.owner.select().from(replyTemplates);
  for (const projectId of new Set(templates.map((t) => t.projectId))) {
    expect(settings.find((s) => s.projectId === projectId)?.script.faq?.length).toBeGreaterThan(0);
  }
  expect(new Set(templates.map((t) => t.projectId)).size).toBe(2);
});
