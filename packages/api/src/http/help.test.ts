import type { Server } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helpHandler } from "./help.ts";

let servers: Server[] = [];
const listen = (docsUrl: string | undefined) =>
  new Promise<string>((resolve) => {
    const app = express();
    app.get("/help{/*page}", helpHandler(docsUrl));
    const server = app.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`));
    servers.push(server);
  });
let base: string;
let unset: string;
beforeAll(async () => {
  base = await listen("https://help.example.test/ignored/path?x=1");
  unset = await listen(undefined);
});
afterAll(() => {
  for (const s of servers) s.close();
  servers = [];
});
const get = (url: string) => fetch(url, { redirect: "manual" });

describe("GET /help/<page>", () => {
  it("redirects a screen's help link to that page of the help center, on its origin only", async () => {
    const res = await get(`${base}/help/inbox/phone`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://help.example.test/inbox/phone");
    expect((await get(`${base}/help`)).headers.get("location")).toBe("https://help.example.test/");
  });

  it("refuses anything that is not a page path, so it never redirects elsewhere", async () => {
    for (const path of ["/help//evil.example", "/help/%2F%2Fevil.example", "/help/inbox/../../x", "/help/Inbox", "/help/a/b/c/d/e", "/help/inbox?x=https://evil.example", "/help/inbox/phone.html"]) {
      const res = await get(`${base}${path}`);
      if (res.status === 302) expect(res.headers.get("location")?.startsWith("https://help.example.test/"), path).toBe(true);
      else expect(res.status, path).toBe(404);
    }
    const bad = await get(`${base}/help/%2F%2Fevil.example`);
    expect(bad.status).toBe(404);
    expect(await bad.text()).toBe("Такой страницы справки нет");
  });

  it("says the help center's address is not set instead of guessing one", async () => {
    const res = await get(`${unset}/help/inbox/phone`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("PUBLIC_DOCS_URL");
  });
});
