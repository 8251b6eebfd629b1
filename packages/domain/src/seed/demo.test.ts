import { afterAll, beforeAll, expect, it } from "vitest";
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
