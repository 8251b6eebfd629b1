import { describe, expect, it } from "vitest";
import { RequestPacer } from "./pacer.ts";

// The pacer's adaptive back-off: VK's rate-limit answers widen the margin added to the window
// (once per burst), several in a row lower the pace, successes bring both back.

describe("request pacer", () => {
  it("widens its margin on rate-limit answers and narrows it again with successes", () => {
    const pacer = new RequestPacer({ limit: 20, marginMs: 30 });
    expect(pacer.currentMarginMs).toBe(30);
    // Three answers of one burst: the margin widens once, the third in a row lowers the pace.
    pacer.backOff("rate_limited");
    pacer.backOff("rate_limited");
    expect(pacer.currentMarginMs).toBe(55);
    expect(pacer.currentPace).toBe(20);
    pacer.backOff("rate_limited");
    expect(pacer.currentPace).toBe(16);
    for (let i = 0; i < 100; i += 1) pacer.succeeded();
    expect(pacer.currentPace).toBe(20);
    expect(pacer.currentMarginMs).toBe(45);
    for (let i = 0; i < 1000; i += 1) pacer.succeeded();
    expect(pacer.currentMarginMs).toBe(30);
  });

  it("waits longer for each failure in a row and halves the pace on flood control", () => {
    const pacer = new RequestPacer({ limit: 20 });
    expect(pacer.backOff("unavailable")).toBe(500);
    expect(pacer.backOff("unavailable")).toBe(1000);
    expect(pacer.backOff("flood", 2000)).toBe(8000);
    expect(pacer.currentPace).toBe(10);
    pacer.succeeded();
    expect(pacer.backOff("unavailable")).toBe(500);
  });
});
