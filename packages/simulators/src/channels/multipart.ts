// A multipart/form-data reader for the simulators. Lenient about header spelling because the
// SDKs differ: grammY writes `content-disposition:form-data;name="photo";filename=photo.jpg`
// (no spaces, unquoted filename), vk-io's encoder writes the quoted standard form.

export interface FormPart {
  name: string;
  fileName?: string;
  contentType?: string;
  data: Buffer;
}

function dispositionParams(value: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const piece of value.split(";").slice(1)) {
    const eq = piece.indexOf("=");
    if (eq < 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let raw = piece.slice(eq + 1).trim();
    if (raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1).replace(/\\"/g, '"');
    params[key] = raw;
  }
  return params;
}

export function boundaryOf(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2])?.trim() : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const afterDelimiter = start + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, afterDelimiter);
    if (next < 0) break;
    // Each part: CRLF, headers, CRLF CRLF, data, CRLF before the next delimiter.
    const chunk = body.subarray(afterDelimiter + 2, next - 2);
    const headerEnd = chunk.indexOf("\r\n\r\n");
    if (headerEnd >= 0) {
      const headers = chunk.subarray(0, headerEnd).toString("utf8").split("\r\n");
      const data = chunk.subarray(headerEnd + 4);
      let disposition: Record<string, string> = {};
      let contentType: string | undefined;
      for (const line of headers) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === "content-disposition") disposition = dispositionParams(value);
        if (name === "content-type") contentType = value;
      }
      if (disposition.name !== undefined) {
        parts.push({
          name: disposition.name,
          data: Buffer.from(data),
          ...(disposition.filename !== undefined ? { fileName: disposition.filename } : {}),
          ...(contentType ? { contentType } : {}),
        });
      }
    }
    start = next;
  }
  return parts;
}
