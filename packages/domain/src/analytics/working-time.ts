import type { WorkHours } from "@threadline/db";
import { minutesOf } from "../leads/rotation.ts";

const MINUTE = 60_000;
// One step never crosses more than an hour, so a DST change (always at a whole hour) is seen.
const MAX_STEP = 60 * MINUTE;
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formats = new Map<string, Intl.DateTimeFormat>();

function wallClock(at: number, timezone: string): { day: number; minute: number } {
  let f = formats.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: timezone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formats.set(timezone, f);
  }
  const parts = f.formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return { day: WEEKDAYS.indexOf(get("weekday")), minute: Number(get("hour")) * 60 + Number(get("minute")) };
}

/** The spans [from, to) of a wall-clock day, in minutes, that fall in a shift (with the night shift carried from the day before). */
function daySpans(hours: WorkHours, day: number): [number, number][] {
  const key = (d: number) => String(d) as keyof WorkHours["days"];
  const spans: [number, number][] = [];
  for (const s of hours.days[key(day)] ?? []) {
    const from = minutesOf(s.from);
    const to = minutesOf(s.to);
    spans.push(from < to ? [from, to] : [from, 1440]);
  }
  for (const s of hours.days[key((day + 6) % 7)] ?? []) {
    const from = minutesOf(s.from);
    const to = minutesOf(s.to);
    if (to <= from && to > 0) spans.push([0, to]);
  }
  return spans;
}

/**
 * Milliseconds between two instants that fall within working hours (wall-clock shifts in the time
 * zone, a shift ending at or before its start runs past midnight). No hours: the whole interval.
 */
export function workingMs(hours: WorkHours | null | undefined, timezone: string, from: Date, to: Date): number {
  const end = to.getTime();
  let t = from.getTime();
  if (end <= t) return 0;
  if (!hours) return end - t;
  let total = 0;
  while (t < end) {
    const { day, minute } = wallClock(t, timezone);
    // Where in the day we are, to the millisecond (time zone offsets are whole minutes).
    const pos = minute + (((t % MINUTE) + MINUTE) % MINUTE) / MINUTE;
    const spans = daySpans(hours, day);
    const working = spans.some(([a, b]) => pos >= a && pos < b);
    let next = 1440;
    for (const [a, b] of spans) {
      if (a > pos && a < next) next = a;
      if (b > pos && b < next) next = b;
    }
    const step = Math.min(Math.max(1, Math.round((next - pos) * MINUTE)), MAX_STEP, end - t);
    if (working) total += step;
    t += step;
  }
  return total;
}

/** The median of the values (the mean of the middle two for an even count); null when there are none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
