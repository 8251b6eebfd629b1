import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import type { ChannelEvent } from "@threadline/channels";

// One queue factory: every queue, its payload type and its retry policy are declared here, so
// the ingress, the API and the workers agree on names and shapes.
export type InboundJob = { channelId: string; projectId: string; kind: "vk" | "telegram"; event: ChannelEvent };
export type OutboundJob = { projectId: string; messageId: number };
export type MediaJob = { projectId: string; attachmentId: string };

export const queueNames = { inbound: "inbound", outbound: "outbound", media: "media" } as const;

const defaults: Record<keyof typeof queueNames, JobsOptions> = {
  inbound: { attempts: 10, backoff: { type: "exponential", delay: 200 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  // Rate limits are retried with the platform's own delay by the worker (see outbound worker).
  outbound: { attempts: 8, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
  media: { attempts: 5, backoff: { type: "exponential", delay: 2000 }, removeOnComplete: 10_000, removeOnFail: 50_000 },
};

export function createQueues(connection: ConnectionOptions, prefix = "tl") {
  const make = <T>(name: keyof typeof queueNames) => new Queue<T>(queueNames[name], { connection, prefix, defaultJobOptions: defaults[name] });
  const inbound = make<InboundJob>("inbound");
  const outbound = make<OutboundJob>("outbound");
  const media = make<MediaJob>("media");
  return {
    prefix,
    inbound,
    outbound,
    media,
    /** A deterministic job id: a redelivered webhook maps to the job already queued. */
    enqueueInbound: (job: InboundJob) => inbound.add("event", job, { jobId: `${job.channelId}:${job.event.dedupeId}`.replace(/:/g, "_") }),
    enqueueOutbound: (job: OutboundJob) => outbound.add("send", job, { jobId: `msg_${job.messageId}` }),
    enqueueMedia: (job: MediaJob) => media.add("fetch", job, { jobId: `att_${job.attachmentId}` }),
    close: () => Promise.all([inbound.close(), outbound.close(), media.close()]).then(() => undefined),
  };
}

export type Queues = ReturnType<typeof createQueues>;
