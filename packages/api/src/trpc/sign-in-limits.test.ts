import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { sessions } from "@threadline/db";
import { parseTrustProxy, type TrustProxy } from "@threadline/domain/client-ip.ts";
import { createTestEnv, TEST_PASSWORD, type TestEnv } from "@threadline/testing";
import { fetchHandler } from "./fetch.ts";
import { backoffSeconds, LoginLimiter, type LoginLimits } from "@threadline/domain/auth/rate-limit.ts";

// Password guessing through the real tRPC fetch handler and real Redis. The waits here are long
// (minutes), so nothing depends on how fast the machine is, except the one test that waits on purpose.
const LONG: LoginLimits = {
  account: { free: 8, baseSeconds: 600, maxSeconds: 3600 },
  accountIp: { free: 4, baseSeconds: 600, maxSeconds: 3600 },
  perIp: { points: 50, windowSeconds: 3600 },
  forgetAfterSeconds: 3600,
};

let env: TestEnv;
let seq = 0;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env?.close());

/** A fetch handler like the app's, with its own limits and a Redis prefix of its own. */
function server(limits: LoginLimits = LONG, trustProxy?: TrustProxy) {
  const limiter = new LoginLimiter(env.redis, limits, `${env.prefix}:login${++seq}`);
  const handle = fetchHandler({ ...env.deps, limiter, trustProxy });
  return async (email: string, password: string, ip = "10.7.0.1", headers: Record<string, string> = {}) => {
    const res = await handle(
      new Request("http://inbox.test/trpc/auth.signIn", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ json: { email, password } }) }),
      ip,
    );
    const body = (await res.json()) as { error?: { json?: { message?: string } } };
    return { status: res.status, cookie: res.headers.get("set-cookie"), retryAfter: Number(res.headers.get("retry-after")), message: body.error?.json?.message };
  };
}

describe("sign-in back-off", () => {
  it("a batch of 300 wrong passwords and the right one is refused whole: no session, no password checked", async () => {
    const { user } = await env.createUser("batch");
    const inputs = [...Array.from({ length: 300 }, (_, i) => `wrong-${i}`), TEST_PASSWORD].map((password) => ({ json: { email: user.email, password } }));
    const paths = inputs.map(() => "auth.signIn").join(",");
    const res = await env.fetch(
      new Request(`http://inbox.test/trpc/${paths}?batch=1`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(Object.fromEntries(inputs.map((v, i) => [i, v]))) }),
      "10.7.1.1",
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(JSON.stringify(await res.json())).toMatch(/нельзя объединять в пакет/);
    expect(await env.db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1); // only createUser's
    // Nothing of the batch ran, so nothing was counted: the right password alone still works.
    expect((await env.http("auth.signIn", { input: { email: user.email, password: TEST_PASSWORD }, ip: "10.7.1.1" })).status).toBe(200);
  });

  it("a batch mixing an auth call with other calls is refused too", async () => {
    const res = await env.fetch(new Request(`http://inbox.test/trpc/auth.me,auth.invitation?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: null }, 1: { json: { token: "x".repeat(43) } } }))}`), "10.7.1.2");
    expect(res.status).toBe(400);
  });

  it("20 concurrent wrong passwords and then the right one: at most the free tries plus one are checked, and no session", async () => {
    const signIn = server();
    const { user } = await env.createUser("swarm");
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn(user.email, `wrong-${i}`)));
    const statuses = results.map((r) => r.status).sort();
    // accountIp: 4 free tries, then one that starts the wait; all the others are refused unchecked.
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
    const right = await signIn(user.email, TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(right.cookie).toBeNull();
    expect(right.retryAfter).toBeGreaterThan(500);
    expect(right.message).toMatch(/Попробуйте через 10 мин\./);
  });

  it("failures from many addresses make the account wait; one person's own failures do not block others from their accounts", async () => {
    const signIn = server();
    const { user } = await env.createUser("spread");
    const { user: other } = await env.createUser("bystander");
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await signIn(user.email, `nope-${i}`, `10.8.0.${i}`)).status);
    // 8 free on the account, the 9th starts the wait, the 10th waits.
    expect(statuses).toEqual([...Array(9).fill(401), 429]);
    expect((await signIn(user.email, TEST_PASSWORD, "10.8.1.1")).status).toBe(429);
    expect((await signIn(other.email, TEST_PASSWORD, "10.8.0.1")).status).toBe(200);
  });

  it("success resets the account's count", async () => {
    const signIn = server();
    const { user } = await env.createUser("reset");
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) expect((await signIn(user.email, `nope-${round}-${i}`)).status).toBe(401);
      expect((await signIn(user.email, TEST_PASSWORD)).status).toBe(200);
    }
  });

  it("after the wait the right password works", async () => {
    const signIn = server({ ...LONG, accountIp: { free: 1, baseSeconds: 1, maxSeconds: 1 } });
    const { user } = await env.createUser("patient");
    expect((await signIn(user.email, "nope-1")).status).toBe(401);
    expect((await signIn(user.email, "nope-2")).status).toBe(401); // starts a 1 s wait
    const waiting = await signIn(user.email, TEST_PASSWORD);
    if (waiting.status === 429) {
      expect(waiting.retryAfter).toBe(1);
      await new Promise((r) => setTimeout(r, waiting.retryAfter * 1000 + 50));
    }
    const after = await signIn(user.email, TEST_PASSWORD);
    expect(after.status).toBe(200);
    expect(after.cookie).toMatch(/^tl_session=/);
  });

  it("each address has a generous budget of attempts across accounts", async () => {
    const signIn = server({ ...LONG, perIp: { points: 6, windowSeconds: 3600 } });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await signIn(`nobody-${i}@example.test`, "x", "10.9.9.9")).status);
    expect(statuses).toEqual([...Array(6).fill(401), 429]);
    expect((await signIn("nobody@example.test", "x", "10.9.9.10")).status).toBe(401);
  });

  it("the wait doubles with each attempt past the free ones, up to the maximum", () => {
    const b = { free: 5, baseSeconds: 2, maxSeconds: 60 };
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((past) => backoffSeconds(b, past))).toEqual([0, 2, 4, 8, 16, 32, 60, 60]);
  });
});

describe("the client's address", () => {
  const sessionIp = async (cookie: string | null) => {
    const id = (await import("@threadline/domain/crypto.ts")).sha256(cookie!.split(";")[0]!.split("=")[1]!);
    const [row] = await env.owner.select().from(sessions).where(eq(sessions.id, id));
    return row!.ip;
  };

  it("behind a trusted proxy is the forwarded one; from anyone else X-Forwarded-For is ignored", async () => {
    const signIn = server(LONG, parseTrustProxy("10.0.0.0/8"));
    const { user } = await env.createUser("proxied");
    const viaProxy = await signIn(user.email, TEST_PASSWORD, "10.0.0.2", { "x-forwarded-for": "198.51.100.1, 203.0.113.7" });
    expect(await sessionIp(viaProxy.cookie)).toBe("203.0.113.7");
    const direct = await signIn(user.email, TEST_PASSWORD, "192.0.2.50", { "x-forwarded-for": "203.0.113.7" });
    expect(await sessionIp(direct.cookie)).toBe("192.0.2.50");
  });

  it("with no TRUST_PROXY (the default) the socket address is the client's whatever the header says", async () => {
    const { user } = await env.createUser("untrusted");
    const res = await env.http("auth.signIn", { input: { email: user.email, password: TEST_PASSWORD }, ip: "::ffff:192.0.2.60", headers: { "x-forwarded-for": "203.0.113.9" } });
    expect(await sessionIp(res.headers.get("set-cookie"))).toBe("192.0.2.60");
  });

  it("a forger behind the proxy cannot dodge the per-address limit by rotating X-Forwarded-For", async () => {
    const signIn = server({ ...LONG, perIp: { points: 3, windowSeconds: 3600 } }, parseTrustProxy("1"));
    const statuses: number[] = [];
    // The proxy appends the real peer; whatever the client put before it is not trusted.
    for (let i = 0; i < 4; i++) statuses.push((await signIn(`n${i}@example.test`, "x", "10.0.0.2", { "x-forwarded-for": `203.0.113.${i}, 198.51.100.77` })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });
});
