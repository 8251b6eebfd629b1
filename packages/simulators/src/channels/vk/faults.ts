import { seededRandom } from "./seeded.ts";

// A fault schedule for API requests: each request draws from a seeded sequence, and about one
// in `every` fails in one of the ways VK and the network do, taking turns: a 5xx from VK's
// front, error 6 (too many requests), error 10 (internal error), a connection dropped without
// an answer. The same seed gives the same faults at the same request numbers.

export type VkFaultKind = "http_5xx" | "too_many" | "internal" | "drop";

export interface VkFaultSchedule {
  /** About one request in this many fails. */
  every: number;
  kinds?: VkFaultKind[];
  seed?: number;
}

export class VkFaults {
  private readonly random: () => number;
  private readonly kinds: VkFaultKind[];
  private count = 0;
  /** Faults injected so far, by kind. */
  readonly injected: Record<VkFaultKind, number> = { http_5xx: 0, too_many: 0, internal: 0, drop: 0 };

  constructor(private readonly schedule: VkFaultSchedule) {
    this.random = seededRandom(schedule.seed ?? 1);
    this.kinds = schedule.kinds?.length ? schedule.kinds : ["http_5xx", "too_many", "internal", "drop"];
  }

  /** The fault for the next request, if it gets one. */
  next(): VkFaultKind | null {
    if (this.random() >= 1 / Math.max(1, this.schedule.every)) return null;
    const kind = this.kinds[this.count++ % this.kinds.length]!;
    this.injected[kind] += 1;
    return kind;
  }
}
