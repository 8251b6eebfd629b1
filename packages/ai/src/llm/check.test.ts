import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OpenAiSimulator } from "@threadline/simulators/ai";
import { checkLlmKey } from "./check.ts";

const sim = new OpenAiSimulator();
beforeAll(async () => {
  await sim.start();
});
afterAll(() => sim.stop());

describe("checking a model key before it is saved", () => {
  it("passes a key the provider takes, with a model it lists", async () => {
    expect(await checkLlmKey({ apiKey: sim.apiKey, baseURL: sim.baseURL, model: "gpt-4o-mini" })).toEqual({ ok: true });
    expect(await checkLlmKey({ apiKey: sim.apiKey, baseURL: sim.baseURL })).toEqual({ ok: true });
    expect(sim.requests.at(-1)).toMatchObject({ method: "GET", path: "/v1/models" });
  });

  it("tells a refused key, a model the key lacks, a busy provider and an unreachable one apart", async () => {
    expect(await checkLlmKey({ apiKey: "sk-wrong", baseURL: sim.baseURL })).toMatchObject({ ok: false, kind: "auth" });
    expect(await checkLlmKey({ apiKey: sim.apiKey, baseURL: sim.baseURL, model: "gpt-9-imaginary" })).toMatchObject({ ok: false, kind: "model" });
    sim.failNext({ status: 429 });
    expect(await checkLlmKey({ apiKey: sim.apiKey, baseURL: sim.baseURL })).toMatchObject({ ok: false, kind: "rate_limit" });
    expect(await checkLlmKey({ apiKey: sim.apiKey, baseURL: "http://127.0.0.1:9/v1" })).toMatchObject({ ok: false, kind: "network" });
  });

  it("gives up on a provider that does not answer in time, without retrying", async () => {
    sim.responseDelayMs = 2000;
    const before = sim.requests.length;
    try {
      // Had it waited, the answer would have come in and passed the key.
      expect(await checkLlmKey({ apiKey: sim.apiKey, baseURL: sim.baseURL, timeoutMs: 300 })).toMatchObject({ ok: false, kind: "network" });
    } finally {
      sim.responseDelayMs = 0;
    }
    expect(sim.requests.length - before).toBe(1);
  });
});
