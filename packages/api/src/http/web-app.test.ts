import { mkdtemp, writeFile } from "node:fs/promises";
import { request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { attachments } from "@threadline/db";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { filesHandler } from "./files.ts";
import { inlineScriptHashes } from "./security-headers.ts";
import { telegramImportHandler } from "./telegram-import.ts";
import { uploadsHandler } from "./uploads.ts";
import { startWebApp } from "./web-app.ts";

// The web app as the inbox and admin servers compose it: guards, headers, tRPC, files, uploads, import.
let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
let server: Server;
let base: string;
const page = `<!DOCTYPE html><html><body><script>window.__ctx = {"ssr":false};</script><script type="module" src="/assets/app.js"></script></body></html>`;

beforeAll(async () => {
  env = await createTestEnv();
  T = await env.createTenant("Web");
  const clientDir = await mkdtemp(join(tmpdir(), "tl-web-app-"));
  await writeFile(join(clientDir, "index.html"), page);
  server = await startWebApp({
    deps: env.deps,
    clientDir,
    port: 0,
    host: "127.0.0.1",
    publicUrl: "https://inbox.example.test",
    extend: (app) => {
      app.get("/files/:attachmentId", filesHandler(env.deps, env.deps.storage));
      app.post("/uploads", ...uploadsHandler(env.deps, env.deps.storage));
      app.post("/imports/telegram", telegramImportHandler(env.deps));
    },
  });
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server?.close();
  await env?.close();
});

const session = (token: string) => ({ cookie: `tl_session=${token}` });
// The app's own origin: the host the request is sent to.
const ownOrigin = () => ({ origin: base });
const trpc = (path: string, input: unknown, headers: Record<string, string>) =>
  fetch(`${base}/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ json: input }) });

/**
 * POSTs a chunked body of up to `total` bytes, 64 KB a chunk, going on only while the server
 * takes it and has not answered: how far the upload got shows whether the server kept reading.
 */
function streamingPost(path: string, headers: Record<string, string>, total: number): Promise<{ status: number; sent: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } });
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, sent, body }));
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe("files are never served as pages", () => {
  it("a reply whose file claims `application/pdf, text/html` is stored as octet-stream and downloads under a sandbox CSP", async () => {
    const up = await fetch(`${base}/uploads?projectId=${T.project.id}`, {
      method: "POST",
      headers: { ...session(T.manager.token), ...ownOrigin(), "content-type": "text/html", "x-file-name": encodeURIComponent("счёт\".html") },
      body: "<script>fetch('/trpc/auth.signOut',{method:'POST'})</script>",
    });
    expect(up.status).toBe(200);
    const uploaded = (await up.json()) as { storageKey: string; mime: string; kind: string };
    expect(uploaded).toMatchObject({ mime: "application/octet-stream", kind: "document" });
    const { messageId } = await env.caller(T.manager.token).conversations.reply({
      projectId: T.project.id,
      conversationId: T.conversationId,
      text: "",
      file: { storageKey: uploaded.storageKey, fileName: "счёт\".html", mime: "application/pdf, text/html" },
    });
    const [row] = await env.owner.select().from(attachments).where(eq(attachments.messageId, messageId));
    expect(row!.mime).toBe("application/octet-stream");

    const res = await fetch(`${base}/files/${row!.id}?projectId=${T.project.id}`, { headers: session(T.manager.token) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="_____.html"; filename*=UTF-8''%D1%81%D1%87%D1%91%D1%82%22.html`);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("a row stored as text/html before types were checked is served as an octet-stream download", async () => {
    const { messageId } = await env.caller(T.manager.token).conversations.reply({ projectId: T.project.id, conversationId: T.conversationId, text: "старый файл" });
    const [row] = await env.owner
      .insert(attachments)
      .values({ projectId: T.project.id, messageId, kind: "document", mime: "text/html", fileName: "a.html", storageKey: `${T.project.id}/old`, state: "ready", size: 4 })
      .returning();
    await env.deps.storage.put(`${T.project.id}/old`, Buffer.from("<b>"));
    const res = await fetch(`${base}/files/${row!.id}?projectId=${T.project.id}`, { headers: session(T.manager.token) });
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
  });
});

describe("bodies are capped while they stream", () => {
  it("a chunked 50 MB body to auth.signIn gets 413 once past 1 MB, without being read to its end", async () => {
    const total = 50 * 1024 * 1024;
    const res = await streamingPost("/trpc/auth.signIn", { "content-type": "application/json", ...ownOrigin() }, total);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toEqual({ error: { message: "Запрос больше 1 МБ" } });
    // What the sockets' buffers hold at most; today's whole-body read would take all 50 MB.
    expect(res.sent).toBeLessThan(total / 2);
  });

  it("/uploads without a session answers 401 before reading the body", async () => {
    const total = 30 * 1024 * 1024;
    const res = await streamingPost(`/uploads?projectId=${T.project.id}`, { "content-type": "application/pdf", ...ownOrigin() }, total);
    expect(res.status).toBe(401);
    expect(res.sent).toBeLessThan(total / 2);
  });

  it("/uploads of a member cuts a chunked body past the cap with 413", async () => {
    const total = 40 * 1024 * 1024;
    const res = await streamingPost(`/uploads?projectId=${T.project.id}`, { "content-type": "application/pdf", ...ownOrigin(), ...session(T.manager.token) }, total);
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(total);
  });
});

describe("state-changing requests only from the app's own pages", () => {
  const evil = { origin: "https://evil.example" };

  it("cross-origin POSTs to tRPC, /uploads and /imports/telegram get 403 and change nothing", async () => {
    const signOut = await trpc("auth.signOut", undefined, { ...session(T.admin.token), ...evil });
    expect(signOut.status).toBe(403);
    expect(((await signOut.json()) as { error: string }).error).toMatch(/Origin/);
    const up = await fetch(`${base}/uploads?projectId=${T.project.id}`, { method: "POST", headers: { ...session(T.manager.token), ...evil, "content-type": "application/pdf" }, body: "x" });
    expect(up.status).toBe(403);
    const channel = await env.createChannel(T.project.id, "telegram");
    const imp = await fetch(`${base}/imports/telegram?projectId=${T.project.id}&channelId=${channel.id}`, { method: "POST", headers: { ...session(T.owner.token), ...evil }, body: "{}" });
    expect(imp.status).toBe(403);
    // The session survived the forged sign-out.
    expect((await trpc("auth.signOut", undefined, { ...session(T.admin.token), ...ownOrigin() })).status).toBe(200);
  });

  it("a session cookie without Origin passes only with Sec-Fetch-Site same-origin; the public URL's origin passes", async () => {
    const me = await env.createUser("csrf");
    expect((await trpc("auth.signOut", undefined, session(me.token))).status).toBe(403);
    expect((await trpc("auth.signOut", undefined, { ...session(me.token), "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await trpc("auth.signOut", undefined, { ...session(me.token), origin: "null" })).status).toBe(403);
    expect((await trpc("auth.signOut", undefined, { ...session(me.token), origin: "https://inbox.example.test" })).status).toBe(200);
    const again = await env.createUser("csrf2");
    expect((await trpc("auth.signOut", undefined, { ...session(again.token), "sec-fetch-site": "same-origin" })).status).toBe(200);
  });

  it("a request with no cookie and no Origin (a script signing in) is let through", async () => {
    const res = await trpc("auth.signIn", { email: "nobody@example.test", password: "wrong password" }, {});
    expect(res.status).not.toBe(403);
  });
});

describe("cookies and headers", () => {
  it("a damaged session cookie is a 400 with the reason, not a 500", async () => {
    const bad = { cookie: "tl_session=%E0%A4%A" };
    const api = await fetch(`${base}/trpc/auth.me`, { headers: bad });
    expect(api.status).toBe(400);
    expect(((await api.json()) as { error: string }).error).toMatch(/Cookie/);
    expect((await fetch(`${base}/files/00000000-0000-4000-8000-000000000000?projectId=${T.project.id}`, { headers: bad })).status).toBe(400);
    // Another site's odd cookie on the same host is none of ours.
    expect((await fetch(`${base}/trpc/auth.me`, { headers: { cookie: `other=%E0%A4%A; tl_session=${T.manager.token}` } })).status).toBe(200);
  });

  it("pages carry a CSP allowing only their own scripts (inline ones by hash) and no framing", async () => {
    const res = await fetch(`${base}/inbox`);
    const csp = res.headers.get("content-security-policy") ?? "";
    const [hash] = inlineScriptHashes(page);
    expect(csp).toContain(`script-src 'self' ${hash}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+ wss:\/\/127\.0\.0\.1:\d+/);
    expect(csp).not.toContain("unsafe-eval");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
