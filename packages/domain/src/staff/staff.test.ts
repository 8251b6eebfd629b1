import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, invitations, memberships } from "@threadline/db";
import { redactContact } from "../access/redact.ts";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { sha256 } from "../crypto.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Staff");
});
afterAll(async () => env?.close());

const tokenOf = (link: string) => link.split("/invite/")[1]!;

describe("invitations", () => {
  it("an invited person accepts once, gets a session and sees only that project", async () => {
    const owner = env.caller(T.owner.token);
    const inv = await owner.staff.invite({ projectId: T.project.id, email: "Masha@Example.test", roleId: T.manager.roleId });
    expect(inv.link).toMatch(/^http:\/\/inbox\.test\/invite\/[\w-]{40,}$/);
    const anon = env.caller(null);
    expect(await anon.auth.invitation({ token: tokenOf(inv.link) })).toMatchObject({ email: "masha@example.test", roleName: "Менеджер", hasAccount: false });
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

  it("creating a project with a taken short address is a conflict, not a 500", async () => {
    const res = await env.http("projects.create", { token: T.owner.token, input: { name: "Дубль", slug: T.project.slug } });
    expect(res.status).toBe(409);
  });
});
