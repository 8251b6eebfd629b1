import { TRPCClientError } from "@trpc/client";
import { i18next } from "./i18n/index.ts";

// The server sends (and stores) errors as codes with parameters; these words them in the
// person's language. A code this UI does not know falls back to the server's own message.

type Params = Record<string, string | number>;
type FieldError = { code: string; params?: Params; message: string };
type ErrorData = { errorCode?: string; params?: Params; fieldErrors?: Record<string, FieldError> };

const STORED = /^([a-zA-Z][\w]*(?:\.[\w]+)+)(?: (\{.*\}))?$/s;

/** The text for a code, or undefined when the dictionaries do not have it. */
export function errorText(code: string, params: Params = {}): string | undefined {
  const key = `errors.${code}`;
  // A count drives the plural form: the limit or amount the code names.
  const count = params.count ?? params.max ?? params.min ?? params.seconds;
  if (!i18next.exists(key, { count: typeof count === "number" ? count : undefined })) return undefined;
  const words: Params = {};
  // A parameter may itself be a stored code (the platform's reason inside a connect error).
  for (const [name, value] of Object.entries(params)) words[name] = typeof value === "string" ? (storedErrorText(value) ?? value) : value;
  return i18next.t(key, { ...words, count }) as string;
}

/**
 * A reason kept in the database (a failed message, a failed import): "code" or
 * `code {"param":…}`. Text from before codes (or anything unknown) is shown as it is.
 */
export function storedErrorText(stored: string | null | undefined): string | undefined {
  if (!stored) return undefined;
  const match = STORED.exec(stored);
  if (!match) return stored;
  let params: Params = {};
  try {
    if (match[2]) params = JSON.parse(match[2]) as Params;
  } catch {
    return stored;
  }
  return errorText(match[1]!, params) ?? stored;
}

function dataOf(error: unknown): ErrorData | undefined {
  return error instanceof TRPCClientError ? (error.data as ErrorData | undefined) : undefined;
}

/** The server's code for what went wrong (a tRPC error), to act on one case. */
export function errorCodeOf(error: unknown): string | undefined {
  return dataOf(error)?.errorCode;
}

/** What went wrong, in the person's language: a tRPC error, a plain error, or nothing. */
export function errorMessage(error: unknown): string | undefined {
  if (!error) return undefined;
  const data = dataOf(error);
  if (data?.errorCode) return errorText(data.errorCode, data.params) ?? (error as Error).message;
  const fields = data?.fieldErrors && Object.values(data.fieldErrors);
  if (fields && fields[0]) return errorText(fields[0].code, fields[0].params) ?? fields[0].message;
  if (error instanceof TRPCClientError && error.data?.code === "BAD_REQUEST" && error.message.startsWith("[")) {
    // An older server: zod's issues as the message.
    try {
      const issues = JSON.parse(error.message) as { message: string }[];
      if (issues[0]) return issues[0].message;
    } catch {
      // not JSON after all
    }
  }
  return (error as Error).message;
}

/** The server's complaint about one input field ("email", "script.maxPhoneAsks"), if any. */
export function fieldError(error: unknown, field: string): string | undefined {
  const found = dataOf(error)?.fieldErrors?.[field];
  return found && (errorText(found.code, found.params) ?? found.message);
}

/** The message for a form's note: none when the error is only about `fields` shown under their inputs. */
export function formError(error: unknown, fields: readonly string[]): string | undefined {
  const about = dataOf(error)?.fieldErrors;
  if (about && Object.keys(about).every((f) => fields.includes(f))) return undefined;
  return errorMessage(error);
}
