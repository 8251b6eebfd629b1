import type { LeadDeps } from "@threadline/domain/leads/agent.ts";
import type { Queues } from "../jobs/index.ts";

type LeadQueueing = "enqueueOutbound" | "enqueueMessageChange" | "scheduleLeadTimeout" | "cancelLeadTimeout";

/** The lead pipeline on these queues: its sends and silence timeouts are queued as jobs there. */
export function leadDepsOn(queues: Queues, deps: Omit<LeadDeps, LeadQueueing>): LeadDeps {
  return { ...deps, enqueueOutbound: queues.enqueueOutbound, enqueueMessageChange: queues.enqueueMessageChange, scheduleLeadTimeout: queues.scheduleLeadTimeout, cancelLeadTimeout: queues.cancelLeadTimeout };
}
