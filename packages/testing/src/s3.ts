import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A small S3-compatible object store for tests: path-style PUT / GET / HEAD / DELETE of objects in named
// buckets, requests authenticated with AWS Signature Version 4 exactly as S3 checks them
// (canonical request, scope, signing key, payload hash), and S3's XML errors.

type Obj = { data: Buffer; contentType: string };

export class S3Simulator {
  private server?: Server;
  private readonly buckets = new Map<string, Map<string, Obj>>();
  endpoint = "";

  constructor(private readonly credentials: { accessKeyId: string; secretAccessKey: string; region: string } = { accessKeyId: "test-access-key", secretAccessKey: "test-secret-key", region: "us-east-1" }) {}

  get accessKeyId() {
    return this.credentials.accessKeyId;
  }
  get secretAccessKey() {
    return this.credentials.secretAccessKey;
  }
  get region() {
    return this.credentials.region;
  }

  createBucket(name: string) {
    this.buckets.set(name, new Map());
  }

  /** Object keys of a bucket, for assertions. */
  keys(bucket: string): string[] {
    return [...(this.buckets.get(bucket)?.keys() ?? [])];
  }

  async start() {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://s3");
    const denied = this.verify(req, url, body);
    if (denied) return error(res, 403, denied.code, denied.message);
    const [, bucketName, ...rest] = url.pathname.split("/");
    const bucket = this.buckets.get(decodeURIComponent(bucketName ?? ""));
    if (!bucket) return error(res, 404, "NoSuchBucket", "The specified bucket does not exist");
    const key = rest.map(decodeURIComponent).join("/");
    if (req.method === "PUT") {
      bucket.set(key, { data: body, contentType: String(req.headers["content-type"] ?? "binary/octet-stream") });
      res.writeHead(200, { ETag: `"${createHash("md5").update(body).digest("hex")}"` }).end();
      return;
    }
    if (req.method === "GET" || req.method === "HEAD") {
      const obj = bucket.get(key);
      if (!obj) return error(res, 404, "NoSuchKey", "The specified key does not exist.", req.method === "HEAD");
      res.writeHead(200, { "Content-Type": obj.contentType, "Content-Length": obj.data.byteLength });
      res.end(req.method === "GET" ? obj.data : undefined);
      return;
    }
    if (req.method === "DELETE") {
      // S3 answers 204 whether or not the key existed.
      bucket.delete(key);
      res.writeHead(204).end();
      return;
    }
    error(res, 405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
  }

  private verify(req: IncomingMessage, url: URL, body: Buffer): { code: string; message: string } | null {
    const auth = String(req.headers.authorization ?? "");
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) return { code: "AccessDenied", message: "Access Denied" };
    const [, accessKeyId, date, region, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
    if (accessKeyId !== this.credentials.accessKeyId) return { code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records." };
    const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
    if (payloadHash !== "UNSIGNED-PAYLOAD" && payloadHash !== createHash("sha256").update(body).digest("hex")) {
      return { code: "XAmzContentSHA256Mismatch", message: "The provided 'x-amz-content-sha256' header does not match what was computed." };
    }
    const query = [...url.searchParams.entries()]
      .map(([k, v]) => [encode(k), encode(v)])
      .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    const headers = signedHeaders
      .split(";")
      .map((h) => `${h}:${String(req.headers[h] ?? "").trim().replace(/\s+/g, " ")}\n`)
      .join("");
    const canonical = [req.method, url.pathname, query, headers, signedHeaders, payloadHash].join("\n");
    const amzDate = String(req.headers["x-amz-date"] ?? "");
    const scope = `${date}/${region}/s3/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
    let key: Buffer = hmac(`AWS4${this.credentials.secretAccessKey}`, date);
    for (const part of [region, "s3", "aws4_request"]) key = hmac(key, part);
    const expected = hmac(key, toSign);
    if (!timingSafeEqual(expected, Buffer.from(signature, "hex"))) {
      return { code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match the signature you provided. Check your key and signing method." };
    }
    return null;
  }
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

// RFC 3986 encoding, as SigV4 canonicalises query parameters.
function encode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function error(res: ServerResponse, status: number, code: string, message: string, headOnly = false) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>0</RequestId></Error>`;
  res.writeHead(status, { "Content-Type": "application/xml" });
  res.end(headOnly ? undefined : xml);
}
