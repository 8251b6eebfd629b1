import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { downloadFile, isPublicAddress, VK_FILE_HOSTS } from "./download.ts";
import { channelFailure } from "./testing.ts";

type Local = { origin: string; hits: number; close: () => Promise<void> };
const servers: Local[] = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Local> {
  const server: Server = createServer((req, res) => {
    local.hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const local: Local = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: 0,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(local);
  return local;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const secret = (_req: IncomingMessage, res: ServerResponse) => res.end("internal secret");

describe("downloadFile", () => {
  it("refuses a link that is not https to a VK file host, without connecting", async () => {
    const inside = await serve(secret);
    const error = await channelFailure(downloadFile({ channel: "vk", url: `${inside.origin}/doc.pdf`, hosts: VK_FILE_HOSTS }));
    expect(error).toMatchObject({ kind: "invalid_request", retryable: false, reasonRu: "ссылка на файл ведёт не на файловый сервер платформы" });
    expect(inside.hits).toBe(0);
  });

  it("refuses a platform host name that resolves to a loopback address", async () => {
    const inside = await serve(secret);
    const port = new URL(inside.origin).port;
    const error = await channelFailure(downloadFile({ channel: "telegram", url: `https://localhost:${port}/file/bot1:x/a.jpg`, hosts: ["localhost"] }));
    expect(error.message).toMatch(/non-public address/);
    expect(inside.hits).toBe(0);
  });

  it("downloads from an origin the operator allowed, and re-checks every redirect", async () => {
    const inside = await serve(secret);
    const allowed = await serve((req, res) => {
      if (req.url === "/ok") return res.end("file");
      res.writeHead(302, { location: `${inside.origin}/metadata` }).end();
    });
    const ok = await downloadFile({ channel: "vk", url: `${allowed.origin}/ok`, hosts: VK_FILE_HOSTS, extraOrigins: [allowed.origin] });
    expect(Buffer.from(ok.data).toString()).toBe("file");

    const error = await channelFailure(downloadFile({ channel: "vk", url: `${allowed.origin}/redirect`, hosts: VK_FILE_HOSTS, extraOrigins: [allowed.origin] }));
    expect(error).toMatchObject({ kind: "invalid_request" });
    expect(inside.hits).toBe(0);
  });

  it("aborts a body without Content-Length once it passes the cap", async () => {
    let written = 0;
    const endless = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      const chunk = Buffer.alloc(16 * 1024);
      const pump = () => {
        while (written < 100 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (written < 100 * 1024 * 1024) res.once("drain", pump);
        else res.end();
      };
      pump();
    });
    const error = await channelFailure(downloadFile({ channel: "vk", url: `${endless.origin}/big`, hosts: VK_FILE_HOSTS, extraOrigins: [endless.origin], maxBytes: 256 * 1024 }));
    expect(error).toMatchObject({ kind: "invalid_request", reasonRu: "файл слишком большой для сохранения" });
    expect(written).toBeLessThan(100 * 1024 * 1024);
  });

  it("refuses a declared Content-Length over the cap before reading", async () => {
    const big = await serve((_req, res) => res.writeHead(200, { "content-length": String(10 * 1024 * 1024) }).end());
    const error = await channelFailure(downloadFile({ channel: "vk", url: `${big.origin}/big`, hosts: VK_FILE_HOSTS, extraOrigins: [big.origin], maxBytes: 1024 }));
    expect(error.reasonRu).toBe("файл слишком большой для сохранения");
  });

  it("gives up on a server that never answers", async () => {
    const silent = await serve(() => undefined);
    const error = await channelFailure(downloadFile({ channel: "vk", url: `${silent.origin}/slow`, hosts: VK_FILE_HOSTS, extraOrigins: [silent.origin], timeoutMs: 300 }));
    expect(error).toMatchObject({ kind: "unavailable" });
    expect(silent.hits).toBe(1);
  });
});

describe("isPublicAddress", () => {
  it("accepts public unicast and refuses the rest", () => {
    expect(isPublicAddress("87.240.129.133")).toBe(true);
    expect(isPublicAddress("2a00:bdc0:3:103:1:0:403:900")).toBe(true);
    for (const inside of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1", "::1", "::", "fc00::1", "fe80::1", "::ffff:127.0.0.1", "not-an-ip"]) {
      expect(isPublicAddress(inside), inside).toBe(false);
    }
  });
});
