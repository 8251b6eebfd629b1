import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@threadline/api/trpc";

type Out = inferRouterOutputs<AppRouter>["conversations"];
type In = inferRouterInputs<AppRouter>["conversations"];

export type ListFilter = NonNullable<In["list"]["filter"]>;
export type ConversationRow = Out["list"]["items"][number];
export type Conversation = Out["get"];
export type Message = Out["messages"]["items"][number];
export type Attachment = Message["attachments"][number];
/** A lead stage; null is «Продажа» for a role with payments hidden. */
export type Stage = NonNullable<ConversationRow["stage"]>;
/** What the client wants (purchase, question, support, complaint, spam). */
export type Intent = NonNullable<ConversationRow["intent"]>;
export type ChannelKind = ConversationRow["channelKind"];
export type Attribution = NonNullable<Conversation["attribution"]>;

/** What the member's role allows here (projects.access). */
export type Access = { permissions: string[]; hiddenFields: string[]; memberId?: string };
export const can = (access: Access | undefined, permission: string) => !!access?.permissions.includes(permission);
export const hidden = (access: Access | undefined, field: string) => !!access?.hiddenFields.includes(field);
