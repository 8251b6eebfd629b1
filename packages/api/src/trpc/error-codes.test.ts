import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestEnv, type TestEnv } from "@threadline/testing";

// Errors reach the browser as codes with parameters (the UI words them), through the real fetch
// handler; the Russian message stays for clients that do not know the codes.
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env?.close());

type ErrorBody = { message?: string; data?: { code?: string; errorCode?: string; params?: unknown; fieldErrors?: Record<string, unknown> } };
const errorOf = (body: { error?: { json?: unknown } }) => body.error?.json as ErrorBody;

describe("error codes over the wire", () => {
  it("a domain error carries its code and parameters next to the tRPC code and the Russian message", async () => {
    const T = await env.createTenant("Коды");
    const res = await env.http("templates.create", { token: T.owner.token, input: { projectId: T.project.id, title: "Длинный", text: "я".repeat(4100) } });
    expect(res.status).toBe(400);
    expect(errorOf(res.body)).toMatchObject({ message: "Текст длиннее 4096 символов", data: { code: "BAD_REQUEST", errorCode: "templates.tooLong", params: { max: 4096 } } });
  });

  it("a refused sign-in says auth.badCredentials", async () => {
    const { user } = await env.createUser("codes");
    const res = await env.http("auth.signIn", { input: { email: user.email, password: "wrong password" }, ip: "10.9.0.1" });
    expect(res.status).toBe(401);
    expect(errorOf(res.body).data).toMatchObject({ code: "UNAUTHORIZED", errorCode: "auth.badCredentials" });
  });

  it("an input error names each field with a code and its limit", async () => {
    const res = await env.http("auth.signIn", { input: { email: "not an address", password: "" }, ip: "10.9.0.2" });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).data?.fieldErrors).toEqual({
      email: { code: "validation.email", params: {}, message: "Введите e-mail" },
      password: { code: "validation.required", params: {}, message: "Введите пароль" },
    });
  });

  it("a refinement names its own code", async () => {
    const T = await env.createTenant("Период");
    const res = await env.http("analytics.spend", { token: T.owner.token, method: "GET", input: { projectId: T.project.id, from: "2025-02-01", to: "2025-01-01" } });
    expect(res.status).toBe(400);
    expect(errorOf(res.body).data?.fieldErrors).toEqual({ "": { code: "validation.periodReversed", params: {}, message: "Начало периода позже конца" } });
  });
});
