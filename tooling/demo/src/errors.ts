/**
 * A failure the person running the launcher can act on. Its message is printed as it is, without
 * a stack trace, so it must say what went wrong and what to do about it.
 */
export class LaunchError extends Error {
  override name = "LaunchError";
}

/** A readable text for anything that was thrown or rejected, including `undefined`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message || error.name;
    return typeof code === "string" && !message.includes(code) ? `${message} (${code})` : message;
  }
  if (error === undefined || error === null) return "no details were given";
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
