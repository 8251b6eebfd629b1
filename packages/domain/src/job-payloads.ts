import type { ChannelEvent } from "@threadline/channels";
import type { PaymentUpdate } from "./payments/gateway.ts";

// What each queue carries: plain data that domain code produces and consumes, so it needs no
// queue library to name it. The queues themselves are declared in jobs/index.ts.
export type InboundJob = { channelId: string; projectId: string; kind: "vk" | "telegram"; event: ChannelEvent };
/** Events that reached the ingress together: one queue job for them all (see enqueueInbound). */
export type InboundBatchJob = { items: InboundJob[] };
export type OutboundJob = { projectId: string; messageId: number };
/**
 * A change of a message already on the platform: a member's edit or delete, checked by the
 * domain, or the buttons taken off an order proposal once it is decided (`requestedBy` "agent").
 */
export type MessageChangeJob = { projectId: string; messageId: number; change: { kind: "edit"; text: string } | { kind: "delete" } | { kind: "dropButtons" }; requestedBy: string };
export type MediaJob = { projectId: string; attachmentId: string };
/** A client message for the lead pipeline: routing of a new lead and the agent's turn. */
export type AiJob = { projectId: string; conversationId: string; messageId: number };
/** The client's silence in a `bot` conversation ran out (a delayed job, one per conversation). */
export type LeadTimeoutJob = { projectId: string; conversationId: string };
/** A provider's verified news about a payment of the account (the ingress checked it). */
export type PaymentJob = { projectId: string; accountId: string; update: PaymentUpdate };
