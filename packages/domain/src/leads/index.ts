// The lead pipeline: routing of new leads, the first-contact agent's turns and silence timeouts,
// rotation, stage changes with their history, the example library and members' notifications.
export { processLeadMessage, processLeadTimeout, continueAgentReplies, loadThread, type LeadDeps, type LeadTurnOutcome, type TimeoutOutcome } from "./agent.ts";
export { lockConversation } from "./lock.ts";
export { loadAgentConfig, llmKeyFor, getAgentSettings, updateAgentSettings, agentOnFor, scriptFrom, type AgentConfig, type AgentSettingsPatch } from "./settings.ts";
export { nextInRotation, rotationMembers, type RotationMember } from "./rotation.ts";
export { moveLead, handOver, NOTIFICATION_TEXTS, type LeadActor } from "./stages.ts";
export { setLeadStage, listLeadEvents, manualStages, type ManualStage } from "./stage-change.ts";
export { addWonExample, listWonExamples, removeWonExample } from "./examples.ts";
export { listNotifications, countUnreadNotifications, markNotificationsRead } from "./notifications.ts";
