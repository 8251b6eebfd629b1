import type { ZodError } from "zod";
import type { ErrorCode, ErrorParams } from "@threadline/domain/errors.ts";

export type FieldError = { code: ErrorCode; params: ErrorParams; message: string };

type Issue = ZodError["issues"][number];

/**
 * The code for one zod issue. A schema names a specific code through a refinement's
 * `params.code`; the built-in checks map to general ones with their limit as the parameter.
 */
function describe(issue: Issue): Omit<FieldError, "message"> {
  switch (issue.code) {
    case "custom": {
      const { code, ...params } = (issue.params ?? {}) as ErrorParams & { code?: ErrorCode };
      return { code: code ?? "validation.invalid", params };
    }
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string") return min <= 1 ? { code: "validation.required", params: {} } : { code: "validation.tooShort", params: { min } };
      if (issue.origin === "array" || issue.origin === "set") return { code: "validation.tooFew", params: { min } };
      return { code: "validation.tooSmall", params: { min } };
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return { code: "validation.tooLong", params: { max } };
      if (issue.origin === "array" || issue.origin === "set") return { code: "validation.tooMany", params: { max } };
      return { code: "validation.tooLarge", params: { max } };
    }
    case "invalid_format":
      return issue.format === "email" ? { code: "validation.email", params: {} } : { code: "validation.format", params: {} };
    default:
      return { code: "validation.invalid", params: {} };
  }
}

/** The first issue of each input field, by its dotted path ("script.maxPhoneAsks"; "" for the whole input). */
export function fieldErrorsOf(error: ZodError): Record<string, FieldError> {
  const fields: Record<string, FieldError> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join(".");
    fields[path] ??= { ...describe(issue), message: issue.message };
  }
  return fields;
}
