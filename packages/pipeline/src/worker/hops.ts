// The hops a message takes through the worker, each named after what it does and bound to the one
// function that does it: go-to-definition on a hop leads to its code. The queues that run them are
// wired in compose.ts (through startWorkers and startImportWorker).

/** Ingest inbound: an inbound job's events become contact, conversation and message, in one transaction. */
export { processInboundJob as ingestInbound } from "../pipeline/inbound.ts";

/** Agent turn: a client message routes a new lead and gets the first-contact agent's answer. */
export { processLeadMessage as agentTurn } from "@threadline/domain/leads/agent.ts";

/** Send outbound: a stored reply goes out through its platform, with the platform's own rate-limit delays. */
export { sendOutbound } from "../pipeline/outbound.ts";

/** Fetch media: a client's file is downloaded from the platform into storage. */
export { fetchAttachment as fetchMedia } from "../pipeline/media.ts";

/** Run import: one history-import run, resumed from its cursor after any crash. */
export { runVkImport as runImport } from "../import/vk-import.ts";
