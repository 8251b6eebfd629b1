export * from "./catalog.ts";
export { assertCan, can, type Member } from "./member.ts";
export { maskPhones, redactContact, redactConversation, redactStage, redactText, type Viewer } from "./redact.ts";
export { loadMember, memberOfSession } from "./load.ts";
