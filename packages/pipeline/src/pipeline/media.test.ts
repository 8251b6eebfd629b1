import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { ChannelAdapter, InboundAttachment } from "@threadline/channels";
import { attachments } from "@threadline/db";
import { clientMessage, createTenantEnv, type TestEnv } from "@threadline/testing";
import { ChannelDirectory, type ChannelConfig } from "./channels.ts";
import { fetchAttachment } from "./media.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;
beforeAll(async () => ({ env, T } = await createTenantEnv("Media types")));
afterAll(async () => env?.close());

/** A channel whose platform (or whatever server its link points at) answers with this Content-Type. */
class RemoteServer extends ChannelDirectory {
  constructor(private readonly contentType: string) {
    super(env.db, env.deps.secretKey);
  }
  override async adapter(channelId: string) {
    const download = async (_a: InboundAttachment) => ({ data: new Uint8Array(Buffer.from("<script>alert(1)</script>")), size: 25, mime: this.contentType });
    return { config: { id: channelId } as ChannelConfig, adapter: { downloadAttachment: download } as unknown as ChannelAdapter };
  }
}

async function clientFile(claimed: InboundAttachment["mime"]) {
  const attachment: InboundAttachment = { kind: "document", url: "https://files.example.test/doc", fileName: "счёт.html", ...(claimed ? { mime: claimed } : {}) };
  const { messageId, attachmentIds } = await env.ingest(T.channel, clientMessage({ chatId: "2001", text: "файл", attachments: [attachment] }));
  return { messageId, attachmentId: attachmentIds[0]! };
}

const stored = async (attachmentId: string) => (await env.owner.select().from(attachments).where(eq(attachments.id, attachmentId)))[0]!;

describe("a client's file is stored under an allowed type only", () => {
  it("a download answering Content-Type text/html is stored as application/octet-stream", async () => {
    const { attachmentId } = await clientFile(undefined);
    const deps = { db: env.db, channels: new RemoteServer("text/html"), storage: env.deps.storage, publish: env.deps.publish };
    expect(await fetchAttachment(deps, { projectId: T.project.id, attachmentId }, { finalAttempt: true })).toBe("ready");
    expect(await stored(attachmentId)).toMatchObject({ state: "ready", mime: "application/octet-stream" });
  });

  it("a platform's claimed type that is not exactly an allowed one is stored as octet-stream; an allowed one is kept", async () => {
    const forged = await clientFile("application/pdf, text/html");
    expect((await stored(forged.attachmentId)).mime).toBe("application/octet-stream");
    const pdf = await clientFile("Application/PDF; name=x");
    expect((await stored(pdf.attachmentId)).mime).toBe("application/pdf");
    const deps = { db: env.db, channels: new RemoteServer("text/html"), storage: env.deps.storage, publish: env.deps.publish };
    await fetchAttachment(deps, { projectId: T.project.id, attachmentId: pdf.attachmentId }, { finalAttempt: true });
    expect((await stored(pdf.attachmentId)).mime).toBe("application/pdf");
  });
});
