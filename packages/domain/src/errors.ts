// Domain errors with messages a person can act on. The tRPC layer maps `code` to the HTTP status.
export type DomainErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_REQUEST"
  | "CONFLICT"
  | "TOO_MANY_REQUESTS";

export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const notFound = (what = "Объект") => new DomainError("NOT_FOUND", `${what} не найден`);
export const forbidden = (message = "Недостаточно прав для этого действия") => new DomainError("FORBIDDEN", message);
export const unauthorized = (message = "Войдите в систему") => new DomainError("UNAUTHORIZED", message);
export const badRequest = (message: string) => new DomainError("BAD_REQUEST", message);
export const conflict = (message: string) => new DomainError("CONFLICT", message);
