import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions } from "@threadline/db";
import { sha256 } from "../crypto.ts";
import { eq } from "drizzle-orm";
import { createTestEnv, TEST_PASSWORD, type TestEnv } from "@threadline/testing";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env?.close());

describe("sign-in", () => {
  it("a right password starts a session cookie that authenticates the next request", async () => {
    const { user } = await env.createUser("alice");
    const res = await env.http("auth.signIn", { input: { email: user.email.toUpperCase(), password: TEST_PASSWORD } });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^tl_session=[\w-]{20,}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const token = cookie.split(";")[0]!.split("=")[1]!;
    const me = await env.http("auth.me", { method: "GET", token });
    expect(me.body.result?.data?.json).toMatchObject({ user: { id: user.id } });
  });

  it("a wrong password is 401 with a readable message and no cookie", async () => {
    const { user } = await env.createUser("bob");
    const res = await env.http("auth.signIn", { input: { email: user.email, password: "wrong-password" } });
    expect(res.status).toBe(401);
    expect(res.body.error?.json?.message).toBe("Неверный e-mail или пароль");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("repeated wrong passwords for one account get 429, even with the right password afterwards", async () => {
    const { user } = await env.createUser("carol");
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await env.http("auth.signIn", { input: { email: user.email, password: `nope-${i}` }, ip: `10.1.0.${i}` })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const right = await env.http("auth.signIn", { input: { email: user.email, password: TEST_PASSWORD }, ip: "10.1.1.1" });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(right.body.error?.json?.message).toMatch(/Слишком много неудачных попыток/);
  });

  it("repeated failures from one IP across accounts get 429", async () => {
    const ip = "10.9.9.9";
    let last = 0;
    for (let i = 0; i < 31; i++) {
      last = (await env.http("auth.signIn", { input: { email: `nobody-${i}@example.test`, password: "x" }, ip })).status;
    }
    expect(last).toBe(429);
  });

  it("malformed input is 400, not 500", async () => {
    const res = await env.http("auth.signIn", { input: { email: "not-an-email", password: "" } });
    expect(res.status).toBe(400);
  });

  it("signing out everywhere revokes every session of the person", async () => {
    const { user, token } = await env.createUser("dave");
    const second = await env.http("auth.signIn", { input: { email: user.email, password: TEST_PASSWORD }, ip: "10.2.0.1" });
    const token2 = second.headers.get("set-cookie")!.split(";")[0]!.split("=")[1]!;
    const out = await env.http("auth.signOutEverywhere", { token });
    expect(out.status).toBe(200);
    expect(await env.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
    const me = await env.http("projects.mine", { method: "GET", token: token2 });
    expect(me.status).toBe(401);
  });
});

describe("deactivation", () => {
  it("a deactivated member's existing session gets 401 on its next request", async () => {
    const tenant = await env.createTenant("Deact");
    const before = await env.http("projects.mine", { method: "GET", token: tenant.manager.token });
    expect(before.status).toBe(200);
    const res = await env.http("staff.deactivate", {
      token: tenant.owner.token,
      input: { projectId: tenant.project.id, membershipId: tenant.manager.membershipId },
    });
    expect(res.status).toBe(200);
    const after = await env.http("projects.mine", { method: "GET", token: tenant.manager.token });
    expect(after.status).toBe(401);
    // The browser is told to drop the dead cookie.
    expect(after.headers.get("set-cookie")).toMatch(/tl_session=; .*Max-Age=0/);
    expect(env.published).toContainEqual({ type: "member.deactivated", projectId: tenant.project.id, userId: tenant.manager.user.id });
  });
});

describe("a request inside a project", () => {
  const list = (token: string | undefined, projectId: string) =>
    env.http("conversations.list", { method: "GET", token, input: { projectId, filter: "all", limit: 10 } });

  it("without a session cookie is 401 before its input is read", async () => {
    const res = await env.http("conversations.list", { method: "GET", input: { projectId: "not-a-uuid" } });
    expect(res.status).toBe(401);
  });

  it("with an expired session is 401, and the browser is told to drop the cookie", async () => {
    const tenant = await env.createTenant("Expired");
    expect((await list(tenant.manager.token, tenant.project.id)).status).toBe(200);
    await env.owner.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, sha256(tenant.manager.token)));
    const res = await list(tenant.manager.token, tenant.project.id);
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toMatch(/tl_session=; .*Max-Age=0/);
  });

  it("in a project the person is not a member of is 404, whatever the project id", async () => {
    const a = await env.createTenant("EntryA");
    const b = await env.createTenant("EntryB");
    expect((await list(a.manager.token, b.project.id)).status).toBe(404);
    expect((await list(a.manager.token, "00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("marks the session seen after the request once it was last seen over a minute ago", async () => {
    const tenant = await env.createTenant("Seen");
    const id = sha256(tenant.manager.token);
    const stale = new Date(Date.now() - 5 * 60_000);
    await env.owner.update(sessions).set({ lastSeenAt: stale }).where(eq(sessions.id, id));
    expect((await list(tenant.manager.token, tenant.project.id)).status).toBe(200);
    const [row] = await env.owner.select().from(sessions).where(eq(sessions.id, id));
    expect(row!.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});
