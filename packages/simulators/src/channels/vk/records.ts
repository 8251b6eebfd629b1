// The simulated VK's stored records, shared by the world, its mailboxes and the seeded history.

export type VkJson = Record<string, unknown>;

export interface VkSimMessage {
  id: number;
  peerId: number;
  fromId: number;
  date: number;
  text: string;
  out: 0 | 1;
  conversationMessageId: number;
  /** VK attachment objects: {type, [type]: object}. */
  attachments: VkJson[];
  randomId: number;
  ref?: string;
  refSource?: string;
  updateTime?: number;
  /** The community deleted it for everyone (unix seconds): the client no longer sees it. */
  deletedAt?: number;
  version: number;
  /** The bot keyboard the community attached (checked by parseKeyboard). */
  keyboard?: VkJson;
}

export interface VkPeerState {
  nextConversationMessageId: number;
  /** Whether the community may write: the client wrote first or allowed messages, and did not deny. */
  canWrite: boolean;
  /** Last inbound message the community has read, last outbound message the client has read. */
  inRead: number;
  outRead: number;
}

export interface StoredFile {
  data: Buffer;
  mime: string;
  fileName: string;
}
