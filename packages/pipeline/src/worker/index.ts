export { composeWorker, roleQueues, type ComposedWorker, type WorkerParts, type WorkerRole } from "./compose.ts";
export { ingestInbound, agentTurn, sendOutbound, fetchMedia, runImport } from "./hops.ts";
