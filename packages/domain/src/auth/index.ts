export { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH } from "./password.ts";
export { LoginLimiter, DEFAULT_LOGIN_LIMITS, backoffSeconds, type Backoff, type LoginLimits } from "./rate-limit.ts";
export {
  SESSION_COOKIE,
  SESSION_TTL_DAYS,
  createSession,
  resolveSession,
  sessionIdOf,
  touchSession,
  revokeSession,
  revokeUserSessions,
  type SessionUser,
  type ResolvedSession,
} from "./sessions.ts";
export { signIn, findUserByEmail, type SignInInput } from "./service.ts";
