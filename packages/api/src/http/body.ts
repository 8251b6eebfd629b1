import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** A body past its cap: refused with 413 as soon as the cap is passed, declared or streamed. */
export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`Тело запроса больше ${maxBytes} байт`);
  }
}

/**
 * A request body read whole, but never more than `maxBytes`: a larger Content-Length is refused
 * before anything is read, and a chunked body stops being read at the chunk that passes the cap.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(new BodyTooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      stop();
      req.pause();
      reject(new BodyTooLarge(maxBytes));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/**
 * Streams a request body into `out` (a temporary file), never more than `maxBytes`: past the cap
 * the request stops being read (it is not destroyed, so the 413 can still be answered) and this
 * fails with BodyTooLarge. Resolves with the number of bytes written.
 */
export async function streamBody(req: IncomingMessage, out: Writable, maxBytes: number): Promise<number> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLarge(maxBytes);
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new BodyTooLarge(maxBytes));
      done(null, chunk);
    },
  });
  const aborted = () => {
    if (!req.readableEnded) cap.destroy(new Error("request aborted"));
  };
  req.once("close", aborted);
  req.pipe(cap);
  try {
    await pipeline(cap, out);
    return size;
  } catch (err) {
    req.unpipe(cap);
    req.pause();
    throw err;
  } finally {
    req.off("close", aborted);
  }
}

/**
 * A JSON answer that leaves the rest of the body unread: the connection is closed after it, so a
 * refused upload is never read to its end (the sender sees the answer, then the connection end).
 */
export function answerUnread(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  if (!req.readableEnded) res.setHeader("connection", "close");
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}
