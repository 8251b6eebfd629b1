import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, invitations, memberships } from "@threadline/db";
import { redactContact } from "../access/redact.ts";
import { createTenantEnv, TEST_PASSWORD, type TestEnv } from "@threadline/testing";
import { sha256 } from "../crypto.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => ({ env, T } = await createTenantEnv("Staff")));
afterAll(async () => env?.close());

const tokenOf = (link: string) => link.split("/invite/")[1]!;

describe("invitations", () => {
  it("an invited person accepts once, gets a session and sees only that project", async () => {
    const owner = env.caller(T.owner.token);
    const inv = await owner.staff.invite({ projectId: T.project.id, email: "Masha@Example.test", roleId: T.manager.roleId });
    expect(inv.link).toMatch(/^http:\/\/inbox\.test\/invite\/[\w-]{40,}$/);
    const anon = env.caller(null);
    expect(await anon.auth.invitation({ token: tokenOf(inv.link) })).toEqual({ email: "masha@example.test", projectName: "Staff", roleName: "Менеджер" });
    const accepted = await env.http("auth.acceptInvitation", { input: { token: tokenOf(inv.link), name: "Маша", password: "long-enough-1" } });
    expect(accepted.status).toBe(200);
    const cookie = accepted.headers.get("set-cookie")!.split(";")[0]!.split("=")[1]!;
    const mine = await env.caller(cookie).projects.mine();
    expect(mine.map((p) => [p.id, p.roleKey])).toEqual([[T.project.id, "manager"]]);

    const again = await env.http("auth.acceptInvitation", { input: { token: tokenOf(inv.link), name: "Маша", password: "long-enough-1" } });
    expect(again.status).toBe(400);
    expect(again.body.error?.json?.message).toMatch(/уже использовано/);
    const log = await env.owner.select().from(auditLog).where(eq(auditLog.projectId, T.project.id));
    expect(log.map((l) => l.action)).toEqual(expect.arrayContaining(["member.invited", "member.joined"]));
  });

  it("the invitation page gives the same answer whether or not the address has an account", async () => {
    const owner = env.caller(T.owner.token);
    const { user: existing } = await env.createUser("known");
    const forExisting = await owner.staff.invite({ projectId: T.project.id, email: existing.email, roleId: T.manager.roleId });
    const forNew = await owner.staff.invite({ projectId: T.project.id, email: "nobody-yet@example.test", roleId: T.manager.roleId });
    const a = await env.http("auth.invitation", { method: "GET", input: { token: tokenOf(forExisting.link) } });
    const b = await env.http("auth.invitation", { method: "GET", input: { token: tokenOf(forNew.link) } });
    expect(a.status).toBe(b.status);
    const strip = (r: typeof a) => ({ ...(r.body.result?.data?.json as Record<string, unknown>), email: "…" });
    expect(strip(a)).toEqual(strip(b));
  });

  it("an existing account joins only while signed in as itself: no password is checked, right or wrong", async () => {
    // Another tenant's member, invited by someone who wants their account.
    const victim = await env.createTenant("Victim");
    const attacker = await env.createTenant("Attacker");
    const inv = await env.caller(attacker.owner.token).staff.invite({ projectId: attacker.project.id, email: victim.manager.user.email, roleId: attacker.manager.roleId });
    const token = tokenOf(inv.link);
    const answers = [];
    for (const password of ["wrong-guess-1", TEST_PASSWORD]) {
      const res = await env.http("auth.acceptInvitation", { input: { token, name: "Кто-то", password }, ip: "10.3.0.1" });
      answers.push({ status: res.status, message: res.body.error?.json?.message, cookie: res.headers.get("set-cookie") });
    }
    // The right password gets exactly what a wrong one gets: a refusal, no session.
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[1]!.status).toBe(401);
    expect(answers[1]!.message).toMatch(/Войдите в неё, затем примите приглашение/);
    expect(answers[1]!.cookie).toBeNull();
    // Another signed-in account cannot take it either.
    const other = await env.http("auth.acceptInvitation", { token: attacker.owner.token, input: { token } });
    expect(other.status).toBe(403);
    expect(await env.owner.select().from(memberships).where(and(eq(memberships.projectId, attacker.project.id), eq(memberships.userId, victim.manager.user.id)))).toHaveLength(0);
    // Signed in as the invited account, it joins with no password, on the session it has.
    const own = await env.http("auth.acceptInvitation", { token: victim.manager.token, input: { token } });
    expect(own.status).toBe(200);
    expect(own.headers.get("set-cookie")).toBeNull();
    const mine = await env.caller(victim.manager.token).projects.mine();
    expect(mine.map((p) => p.id).sort()).toEqual([victim.project.id, attacker.project.id].sort());
  });

  it("accepting is counted like a sign-in on the invited address", async () => {
    const { user } = await env.createUser("counted");
    const inv = await env.caller(T.owner.token).staff.invite({ projectId: T.project.id, email: user.email, roleId: T.manager.roleId });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await env.http("auth.acceptInvitation", { input: { token: tokenOf(inv.link), name: "X", password: `guess-${i}-long` }, ip: "10.3.1.1" })).status);
    // 5 free tries for the address from one IP, one more starts the wait, then 429.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
  });

  it("an expired invitation is refused with a clear message and creates nothing", async () => {
    const inv = await env.caller(T.owner.token).staff.invite({ projectId: T.project.id, email: "late@example.test", roleId: T.manager.roleId });
    await env.owner.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.tokenHash, sha256(tokenOf(inv.link))));
    const before = await env.owner.select().from(memberships).where(eq(memberships.projectId, T.project.id));
    const res = await env.http("auth.acceptInvitation", { input: { token: tokenOf(inv.link), name: "Поздний", password: "long-enough-1" } });
    expect(res.status).toBe(400);
    expect(res.body.error?.json?.message).toMatch(/Срок приглашения истёк/);
    expect(await env.owner.select().from(memberships).where(eq(memberships.projectId, T.project.id))).toHaveLength(before.length);
  });

  it("an unknown token is 404", async () => {
    const res = await env.http("auth.acceptInvitation", { input: { token: "x".repeat(43), password: "whatever-123" } });
    expect(res.status).toBe(404);
  });

  it("a manager cannot invite (403) and a non-owner cannot make an owner", async () => {
    const res = await env.http("staff.invite", { token: T.manager.token, input: { projectId: T.project.id, email: "x@example.test", roleId: T.manager.roleId } });
    expect(res.status).toBe(403);
    const admin = env.caller(T.admin.token);
    await expect(admin.staff.invite({ projectId: T.project.id, email: "boss@example.test", roleId: T.owner.roleId })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("staff and roles", () => {
  it("the last owner cannot be demoted or deactivated", async () => {
    const admin = env.caller(T.admin.token);
    await expect(admin.staff.deactivate({ projectId: T.project.id, membershipId: T.owner.membershipId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const owner = env.caller(T.owner.token);
    await expect(owner.staff.changeRole({ projectId: T.project.id, membershipId: T.owner.membershipId, roleId: T.admin.roleId })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("role templates are editable, but the owner keeps staff, roles and settings", async () => {
    const owner = env.caller(T.owner.token);
    await owner.roles.update({ projectId: T.project.id, roleId: T.manager.roleId, hiddenFields: ["contact.profileUrl", "contact.phone"] });
    const roles = await owner.roles.list({ projectId: T.project.id });
    expect(roles.map((r) => r.key)).toEqual(["owner", "admin", "manager", "finance", "traffic", "tech"]);
    expect(roles.find((r) => r.key === "owner")!.members).toBe(1);
    expect(roles.find((r) => r.key === "manager")!.hiddenFields.sort()).toEqual(["contact.phone", "contact.profileUrl"]);
    await expect(owner.roles.update({ projectId: T.project.id, roleId: T.owner.roleId, permissions: ["inbox.use"] })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(env.caller(T.admin.token).roles.update({ projectId: T.project.id, roleId: T.manager.roleId, permissions: [] })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a member's access reports their hidden fields, and redaction removes them", async () => {
    const access = await env.caller(T.traffic.token).projects.access({ projectId: T.project.id });
    expect(access.hiddenFields).toEqual(expect.arrayContaining(["contact.phone", "contact.profileUrl"]));
    const redacted = redactContact({ hiddenFields: new Set(["contact.profileUrl", "conversation.attribution"] as const) }, {
      name: "Клиент",
      phone: "+79123456789",
      profileUrl: "https://vk.com/id1",
      firstTouch: { utmSource: "vk_ads" },
    });
    expect(redacted).toEqual({ name: "Клиент", phone: "+79123456789", profileUrl: null, firstTouch: null });
  });

  it("deactivation and reactivation are written to the audit log", async () => {
    const owner = env.caller(T.owner.token);
    await owner.staff.deactivate({ projectId: T.project.id, membershipId: T.tech.membershipId });
    await owner.staff.reactivate({ projectId: T.project.id, membershipId: T.tech.membershipId });
    const log = await owner.audit.list({ projectId: T.project.id });
    expect(log.slice(0, 2).map((l) => l.action)).toEqual(["member.reactivated", "member.deactivated"]);
  });

  it("only an owner may bring back a fired owner", async () => {
    const P = await env.createTenant("Owners");
    // A second owner, fired by the first.
    await env.caller(P.owner.token).staff.changeRole({ projectId: P.project.id, membershipId: P.admin.membershipId, roleId: P.owner.roleId });
    await env.caller(P.owner.token).staff.deactivate({ projectId: P.project.id, membershipId: P.admin.membershipId });
    // Another admin cannot bring them back, fire or re-role an owner.
    await env.caller(P.owner.token).staff.changeRole({ projectId: P.project.id, membershipId: P.tech.membershipId, roleId: P.admin.roleId });
    const admin = env.caller(P.tech.token);
    await expect(admin.staff.reactivate({ projectId: P.project.id, membershipId: P.admin.membershipId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.staff.deactivate({ projectId: P.project.id, membershipId: P.owner.membershipId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(admin.staff.changeRole({ projectId: P.project.id, membershipId: P.owner.membershipId, roleId: P.manager.roleId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [row] = await env.owner.select().from(memberships).where(eq(memberships.id, P.admin.membershipId));
    expect(row!.active).toBe(false);
    await env.caller(P.owner.token).staff.reactivate({ projectId: P.project.id, membershipId: P.admin.membershipId });
    const [back] = await env.owner.select().from(memberships).where(eq(memberships.id, P.admin.membershipId));
    expect(back!.active).toBe(true);
  });

  it("a pending invitation does not bring a fired member back", async () => {
    const P = await env.createTenant("Refired");
    const { user, token } = await env.createUser("twice");
    const owner = env.caller(P.owner.token);
    const first = await owner.staff.invite({ projectId: P.project.id, email: user.email, roleId: P.manager.roleId });
    const second = await owner.staff.invite({ projectId: P.project.id, email: user.email, roleId: P.admin.roleId });
    expect((await env.http("auth.acceptInvitation", { token, input: { token: tokenOf(first.link) } })).status).toBe(200);
    const [m] = await env.owner.select().from(memberships).where(and(eq(memberships.projectId, P.project.id), eq(memberships.userId, user.id)));
    await owner.staff.deactivate({ projectId: P.project.id, membershipId: m!.id });
    const res = await env.http("auth.acceptInvitation", { token, input: { token: tokenOf(second.link) } });
    expect(res.status).toBe(403);
    expect(res.body.error?.json?.message).toMatch(/Вы были отключены от этого проекта/);
    const [after] = await env.owner.select().from(memberships).where(eq(memberships.id, m!.id));
    expect(after).toMatchObject({ active: false, roleId: P.manager.roleId });
    expect((await env.http("projects.get", { method: "GET", token, input: { projectId: P.project.id } })).status).toBe(404);
  });

  it("creating a project with a taken short address is a conflict, not a 500", async () => {
    const res = await env.http("projects.create", { token: T.owner.token, input: { name: "Дубль", slug: T.project.slug } });
    expect(res.status).toBe(409);
  });
});
