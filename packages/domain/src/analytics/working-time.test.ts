import { describe, expect, it } from "vitest";
import { median, workingMs } from "./working-time.ts";

const MIN = 60_000;
const at = (s: string) => new Date(`${s}+03:00`);
const weekdays = { days: { "1": [{ from: "09:00", to: "18:00" }], "2": [{ from: "09:00", to: "18:00" }], "3": [{ from: "09:00", to: "18:00" }], "4": [{ from: "09:00", to: "18:00" }], "5": [{ from: "09:00", to: "18:00" }] } };

describe("working time between two instants", () => {
  it("is the whole interval without working hours", () => {
    expect(workingMs(null, "Europe/Moscow", at("2026-11-02T10:00:00"), at("2026-11-02T10:07:30"))).toBe(7.5 * MIN);
  });

  it("counts only the shift: a message at 17:50 answered at 09:10 next morning waited 20 working minutes", () => {
    expect(workingMs(weekdays, "Europe/Moscow", at("2026-11-02T17:50:00"), at("2026-11-03T09:10:00"))).toBe(20 * MIN);
  });

  it("skips the weekend: Friday 17:30 to Monday 09:15 is 45 minutes", () => {
    expect(workingMs(weekdays, "Europe/Moscow", at("2026-11-06T17:30:00"), at("2026-11-09T09:15:00"))).toBe(45 * MIN);
  });

  it("is zero for a wait entirely outside working hours", () => {
    expect(workingMs(weekdays, "Europe/Moscow", at("2026-11-07T10:00:00"), at("2026-11-07T15:00:00"))).toBe(0);
  });

  it("follows a shift past midnight into the next day", () => {
    const night = { days: { "1": [{ from: "22:00", to: "06:00" }] } };
    // Monday 21:00 to Tuesday 07:00: the night shift 22:00–06:00 is 8 hours.
    expect(workingMs(night, "Europe/Moscow", at("2026-11-02T21:00:00"), at("2026-11-03T07:00:00"))).toBe(8 * 60 * MIN);
    // Tuesday 01:30 to 05:00 is inside the shift begun on Monday.
    expect(workingMs(night, "Europe/Moscow", at("2026-11-03T01:30:00"), at("2026-11-03T05:00:00"))).toBe(3.5 * 60 * MIN);
    // Tuesday night has no shift of its own.
    expect(workingMs(night, "Europe/Moscow", at("2026-11-03T22:00:00"), at("2026-11-04T05:00:00"))).toBe(0);
  });

  it("reads shifts on the project's wall clock, across a DST change", () => {
    // Berlin moves from +02:00 to +01:00 on 2026-10-25 at 03:00: Sunday 09:00–18:00 local is 9 hours either side.
    const sunday = { days: { "0": [{ from: "09:00", to: "18:00" }] } };
    expect(workingMs(sunday, "Europe/Berlin", new Date("2026-10-24T20:00:00Z"), new Date("2026-10-26T00:00:00Z"))).toBe(9 * 60 * MIN);
    expect(workingMs(sunday, "Europe/Berlin", new Date("2026-10-25T07:00:00Z"), new Date("2026-10-25T08:30:00Z"))).toBe(30 * MIN);
  });

  it("counts seconds, not only whole minutes", () => {
    expect(workingMs(weekdays, "Europe/Moscow", at("2026-11-02T08:59:30"), at("2026-11-02T09:00:45"))).toBe(45_000);
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([])).toBeNull();
    expect(median([30, 5, 20])).toBe(20);
    expect(median([30, 5, 20, 30])).toBe(25);
  });
});
