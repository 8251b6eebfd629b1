import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startJobHealth } from "./health.ts";

let close: (() => void) | undefined;
afterEach(() => close?.());

async function serve(ping: () => Promise<unknown>, stopping = () => false) {
  const server = await startJobHealth({ role: "agent", port: 0, host: "127.0.0.1", ping, stopping });
  close = () => server.close();
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (path = "/healthz") => {
    const res = await fetch(base + path);
    return { status: res.status, body: res.status === 404 ? null : await res.json() };
  };
}

describe("a job-only process's health check", () => {
  it("is healthy while Redis answers", async () => {
    const get = await serve(async () => "PONG");
    expect(await get()).toEqual({ status: 200, body: { ok: true, role: "agent" } });
    expect((await get("/other")).status).toBe(404);
  });

  it("is unhealthy when Redis refuses or does not answer within a second, and while stopping", async () => {
    expect(await (await serve(() => Promise.reject(new Error("connection refused"))))()).toEqual({ status: 503, body: { ok: false, role: "agent", redis: "connection refused" } });
    close!();
    const started = Date.now();
    expect((await (await serve(() => new Promise(() => undefined)))()).body).toEqual({ ok: false, role: "agent", redis: "Redis did not answer in time" });
    expect(Date.now() - started).toBeLessThan(3000);
    close!();
    expect(await (await serve(async () => "PONG", () => true))()).toEqual({ status: 503, body: { ok: false, role: "agent", stopping: true } });
  });
});
