import { lookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { ChannelError, platformUnavailable } from "./errors.ts";
import type { ChannelKind, DownloadedFile } from "./types.ts";

// Client files are fetched from links a webhook or the platform's API hands over: the link is
// untrusted. A fetch goes only over https to the platform's own file hosts, to public addresses
// only (checked after DNS, and the connection made to the address checked), following a few
// redirects each checked the same way, within a time limit and a byte cap counted as bytes arrive.

/** Files larger than this are refused rather than held in memory (Telegram bots get ≤ 20 MB anyway). */
export const MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;
export const DOWNLOAD_TIMEOUT_MS = 60_000;
export const DOWNLOAD_CONNECT_TIMEOUT_MS = 10_000;
export const MAX_DOWNLOAD_REDIRECTS = 3;

/** VK's file hosts (photos, documents, voice messages, video covers) and their subdomains. */
export const VK_FILE_HOSTS = ["userapi.com", "vk.com", "vk.ru", "vkuserphoto.ru", "vk-cdn.net", "vkuser.net", "vkuseraudio.net", "vkuservideo.net"] as const;

/** How one process may fetch media: set by the operator, never by a tenant. */
export interface MediaFetchOptions {
  /**
   * Exact origins (scheme://host:port) allowed besides the platforms' own hosts, which may be http
   * or resolve to private addresses: simulators, a local Bot API server.
   */
  extraOrigins?: readonly string[];
  maxBytes?: number;
  /** The whole download, redirects included. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface DownloadRequest extends MediaFetchOptions {
  channel: ChannelKind;
  url: string;
  /** Host names whose files this channel may fetch, with their subdomains (https, public addresses). */
  hosts: readonly string[];
  signal?: AbortSignal;
}

function refused(channel: ChannelKind, message: string): ChannelError {
  return new ChannelError({ channel, kind: "invalid_request", message, reason: { code: "channel.fileForeignHost" }, reasonRu: "ссылка на файл ведёт не на файловый сервер платформы" });
}

function tooLarge(channel: ChannelKind, size: number | string, max: number): ChannelError {
  return new ChannelError({ channel, kind: "invalid_request", message: `file of ${size} bytes exceeds ${max}`, reason: { code: "channel.fileTooLarge" }, reasonRu: "файл слишком большой для сохранения" });
}

function hostAllowed(host: string, hosts: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, "");
  return hosts.some((allowed) => name === allowed || name.endsWith(`.${allowed}`));
}

/** Whether an address may be reached from a link: public unicast only (not loopback, private, link-local, CGNAT…). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

type Target = { url: URL; address: string; family: 4 | 6 };

/** Checks one hop and resolves it to the one address the connection will be made to. */
async function vet(request: DownloadRequest, url: URL): Promise<Target> {
  const { channel } = request;
  const extra = (request.extraOrigins ?? []).includes(url.origin);
  if (!extra) {
    if (url.protocol !== "https:") throw refused(channel, `refused ${url.protocol} link: files come over https`);
    if (!hostAllowed(url.hostname, request.hosts)) throw refused(channel, `refused link to ${url.hostname}: not a ${channel} file host`);
  } else if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw refused(channel, `refused ${url.protocol} link`);
  }
  if (url.username || url.password) throw refused(channel, "refused link with credentials");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let resolved: { address: string; family: number }[];
  if (ipaddr.isValid(host)) resolved = [{ address: host, family: host.includes(":") ? 6 : 4 }];
  else {
    try {
      resolved = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      throw platformUnavailable(channel, error);
    }
  }
  // Every address the name has must be public: a name that also points inside is refused.
  if (!extra && (resolved.length === 0 || !resolved.every((r) => isPublicAddress(r.address)))) {
    throw refused(channel, `refused link to ${url.hostname}: it resolves to a non-public address`);
  }
  const first = resolved[0];
  if (!first) throw refused(channel, `${url.hostname} has no address`);
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/** The connection goes to the vetted address whatever DNS would answer now (no rebinding window). */
function pinnedLookup(target: Target): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  }) as unknown as LookupFunction;
}

function open(target: Target, signal: AbortSignal, connectTimeoutMs: number): Promise<IncomingMessage> {
  const request = target.url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(target.url, { method: "GET", lookup: pinnedLookup(target), signal, agent: false, headers: { "accept-encoding": "identity" } }, resolve);
    const connectTimer = setTimeout(() => req.destroy(Object.assign(new Error("connect timeout"), { code: "ETIMEDOUT" })), connectTimeoutMs);
    req.on("socket", (socket) => socket.once(target.url.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connectTimer)));
    req.on("response", () => clearTimeout(connectTimer));
    req.on("error", (error) => {
      clearTimeout(connectTimer);
      reject(error);
    });
    req.end();
  });
}

async function readCapped(response: IncomingMessage, channel: ChannelKind, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      response.destroy();
      throw tooLarge(channel, `over ${max}`, max);
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks, size));
}

/**
 * Downloads a client's file under the rules above. A refused link is an invalid_request (retrying
 * will not help); a platform that fails or times out is unavailable.
 */
export async function downloadFile(request: DownloadRequest): Promise<DownloadedFile> {
  const { channel } = request;
  const max = request.maxBytes ?? MAX_DOWNLOAD_BYTES;
  const deadline = AbortSignal.timeout(request.timeoutMs ?? DOWNLOAD_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    throw refused(channel, "file link is not a URL");
  }
  for (let hop = 0; ; hop++) {
    const target = await vet(request, url);
    let response: IncomingMessage;
    try {
      response = await open(target, signal, request.connectTimeoutMs ?? DOWNLOAD_CONNECT_TIMEOUT_MS);
    } catch (error) {
      throw platformUnavailable(channel, signal.aborted ? Object.assign(new Error("file download timed out"), { name: "TimeoutError" }) : error);
    }
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (hop >= MAX_DOWNLOAD_REDIRECTS) throw refused(channel, `more than ${MAX_DOWNLOAD_REDIRECTS} redirects`);
      url = new URL(response.headers.location, url);
      continue;
    }
    if (status >= 500 || status === 429) {
      response.resume();
      throw platformUnavailable(channel, new Error(`file server answered ${status}`), { answered: true });
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new ChannelError({ channel, kind: "invalid_request", message: `file download answered ${status}`, reason: { code: "channel.fileGone" }, reasonRu: "файл больше недоступен на платформе", platformCode: status });
    }
    const declared = Number(response.headers["content-length"] ?? 0);
    if (declared > max) {
      response.destroy();
      throw tooLarge(channel, declared, max);
    }
    let data: Uint8Array;
    try {
      data = await readCapped(response, channel, max);
    } catch (error) {
      if (error instanceof ChannelError) throw error;
      throw platformUnavailable(channel, signal.aborted ? Object.assign(new Error("file download timed out"), { name: "TimeoutError" }) : error);
    }
    const mime = response.headers["content-type"]?.split(";")[0]?.trim() || undefined;
    return { data, size: data.byteLength, ...(mime ? { mime } : {}) };
  }
}
