export * from "./identity.ts";
export * from "./tenancy.ts";
export * from "./channels.ts";
export * from "./conversations.ts";
export * from "./operations.ts";
export * from "./agent.ts";
export * from "./templates.ts";
export * from "./payments.ts";
