export * from "./catalog.ts";
export { assertCan, can, type Member } from "./member.ts";
export { redactContact, redactAttribution } from "./redact.ts";
export { loadMember, memberOfSession } from "./load.ts";
