export { ChannelDirectory, createAdapter, type ChannelConfig } from "./channels.ts";
export { telegramAdapter, vkAdapter } from "@threadline/domain/endpoints.ts";
export { webhookRouter, MAX_WEBHOOK_BODY, type IngressDeps } from "./ingress.ts";
export { processInbound, processInboundJob, type InboundDeps } from "./inbound.ts";
export { sendOutbound, RetryLater, type OutboundDeps, type OutboundOutcome } from "./outbound.ts";
export { fetchAttachment, MAX_STORED_FILE, type MediaDeps } from "./media.ts";
export { startWorkers, INBOUND_CONCURRENCY, type WorkerDeps } from "./workers.ts";
export { startPollers, type PollingDeps } from "./polling.ts";
export { lowerCpuPriority } from "./priority.ts";
