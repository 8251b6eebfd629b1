import { describe, expect, it } from "vitest";
import { boundaryOf, parseMultipart } from "./multipart.ts";

describe("multipart reader", () => {
  it("reads grammY's compact headers with an unquoted file name", () => {
    const boundary = "----------abc";
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition:form-data;name="chat_id"\r\n\r\n42\r\n--${boundary}\r\n`),
      Buffer.from(`content-disposition:form-data;name="photo"\r\n\r\nattach://xyz\r\n--${boundary}\r\n`),
      Buffer.from(`content-disposition:form-data;name="xyz";filename=bouquet.png\r\ncontent-type:application/octet-stream\r\n\r\n`),
      Buffer.from([0, 1, 2, 13, 10, 3]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    expect(boundaryOf(`multipart/form-data; boundary=${boundary}`)).toBe(boundary);
    expect(parseMultipart(body, boundary)).toEqual([
      { name: "chat_id", data: Buffer.from("42") },
      { name: "photo", data: Buffer.from("attach://xyz") },
      { name: "xyz", fileName: "bouquet.png", contentType: "application/octet-stream", data: Buffer.from([0, 1, 2, 13, 10, 3]) },
    ]);
  });

  it("reads the standard form that fetch and vk-io send", async () => {
    const form = new FormData();
    form.append("title", "Прайс");
    form.append("file", new Blob([Buffer.from("данные")], { type: "text/plain" }), "прайс.txt");
    const request = new Request("http://localhost/", { method: "POST", body: form });
    const boundary = boundaryOf(request.headers.get("content-type") ?? "")!;
    const parts = parseMultipart(Buffer.from(await request.arrayBuffer()), boundary);
    expect(parts.map((p) => [p.name, p.fileName, p.data.toString()])).toEqual([
      ["title", undefined, "Прайс"],
      ["file", "прайс.txt", "данные"],
    ]);
  });
});
