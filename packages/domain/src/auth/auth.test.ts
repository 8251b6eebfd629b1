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
  it("cuts access to that project at once and leaves the person's session and other projects alone", async () => {
    const A = await env.createTenant("DeactA");
    const B = await env.createTenant("DeactB");
    // A's manager also works in B.
    await env.caller(B.owner.token).staff.invite({ projectId: B.project.id, email: A.manager.user.email, roleId: B.manager.roleId }).then((inv) =>
      env.http("auth.acceptInvitation", { token: A.manager.token, input: { token: inv.link.split("/invite/")[1] } }),
    );
    const list = (projectId: string) => env.http("conversations.list", { method: "GET", token: A.manager.token, input: { projectId, filter: "all", limit: 10 } });
    expect((await list(A.project.id)).status).toBe(200);
    expect((await list(B.project.id)).status).toBe(200);
    const res = await env.http("staff.deactivate", { token: A.owner.token, input: { projectId: A.project.id, membershipId: A.manager.membershipId } });
    expect(res.status).toBe(200);
    const inA = await list(A.project.id);
    expect(inA.status).toBe(404);
    expect(inA.headers.get("set-cookie")).toBeNull();
    expect((await list(B.project.id)).status).toBe(200);
    const mine = await env.http("projects.mine", { method: "GET", token: A.manager.token });
    expect((mine.body.result?.data?.json as { id: string }[]).map((p) => p.id)).toEqual([B.project.id]);
    expect(await env.db.select().from(sessions).where(eq(sessions.userId, A.manager.user.id))).toHaveLength(1);
    expect(env.published).toContainEqual({ type: "member.deactivated", projectId: A.project.id, userId: A.manager.user.id });
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
