import type { FormPart } from "../multipart.ts";

// Bot API parameters from JSON, form or multipart bodies, and Bot API errors.

export class TgApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number },
  ) {
    super(description);
  }
}

export function badRequest(description: string): TgApiError {
  return new TgApiError(400, `Bad Request: ${description}`);
}

export type TgInputFile = { kind: "upload"; part: FormPart } | { kind: "id"; id: string };

/** Handlers may read only the parameters their method declares (checked against api.json). */
export class TgParams {
  constructor(
    readonly method: string,
    private readonly declared: readonly string[],
    private readonly fields: Map<string, unknown>,
    private readonly files: Map<string, FormPart>,
  ) {}

  private raw(name: string): unknown {
    if (!this.declared.includes(name)) throw new Error(`${this.method} reads undeclared parameter ${name}`);
    const value = this.fields.get(name);
    return value === "" ? undefined : value;
  }

  optStr(name: string): string | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    if (typeof value === "object") return JSON.stringify(value);
    return String(value);
  }

  optInt(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    const number = typeof value === "number" ? value : /^-?\d+$/.test(String(value).trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(number)) throw badRequest(`field "${name}" must be of type Integer`);
    return number;
  }

  optBool(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    return value === true || value === "true" || value === "1";
  }

  /** chat_id: Integer or String (@username). */
  chatId(): number | string {
    const value = this.raw("chat_id");
    if (value === undefined || value === null) throw badRequest("chat_id is empty");
    if (typeof value === "number") return value;
    const text = String(value).trim();
    return /^-?\d+$/.test(text) ? Number(text) : text;
  }

  /** Arrays may come as JSON text in form bodies. */
  optStringArray(name: string): string[] | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    const parsed: unknown = typeof value === "string" ? safeJson(value) : value;
    if (!Array.isArray(parsed) || parsed.some((v) => typeof v !== "string")) throw badRequest(`can't parse ${name} JSON array`);
    return parsed as string[];
  }

  /** An object parameter (reply_markup): a JSON object, or JSON text in form bodies. */
  optObject(name: string): Record<string, unknown> | undefined {
    const value = this.raw(name);
    if (value === undefined || value === null) return undefined;
    const parsed: unknown = typeof value === "string" ? safeJson(value) : value;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badRequest(`can't parse ${name} JSON object`);
    return parsed as Record<string, unknown>;
  }

  /** InputFile or String: a multipart upload (directly or attach://name) or a file_id. */
  file(name: string): TgInputFile | undefined {
    const direct = this.declared.includes(name) ? this.files.get(name) : undefined;
    if (direct) return { kind: "upload", part: direct };
    const value = this.optStr(name);
    if (value === undefined) return undefined;
    return this.inputFile(value);
  }

  /** A file named inside a JSON parameter (InputMedia's `media`): attach://name or a file_id. */
  inputFile(value: string): TgInputFile {
    if (value.startsWith("attach://")) {
      const part = this.files.get(value.slice("attach://".length));
      if (!part) throw badRequest(`wrong file identifier/HTTP URL specified`);
      return { kind: "upload", part };
    }
    return { kind: "id", id: value };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
