// What a client wants, as the agent reads it from their messages: stored on the conversation and
// matched by the lead-routing rules (its own module, so both tables' files can use it).
export const conversationIntents = ["purchase", "question", "support", "complaint", "spam"] as const;
export type ConversationIntent = (typeof conversationIntents)[number];
