import type { ChannelIdentity, ChannelKind, DownloadedFile, InboundAttachment, MessageEdit, OutboundMessage, PollResult, SentMessage, SentMessageRef, WebhookRegistration } from "./types.ts";

/**
 * One connected channel (a VK community or a Telegram bot). Every method throws ChannelError
 * for platform failures, with kind, retryAfterMs and a Russian reason for managers.
 */
export interface ChannelAdapter {
  readonly kind: ChannelKind;

  /**
   * Whether sending the same message again is harmless: VK drops a repeated random_id, so a send
   * whose answer was lost may be retried; Telegram has no such key and would deliver it twice.
   */
  readonly idempotentSend: boolean;

  /** Checks the token and tells who the channel speaks as. */
  describe(): Promise<ChannelIdentity>;

  /** Sends text, or one file with the text as its caption. */
  send(message: OutboundMessage): Promise<SentMessage>;

  /** Replaces the text (or caption) of a message the channel sent. */
  editMessage(edit: MessageEdit): Promise<void>;

  /** Takes the buttons off a message the channel sent; the text (VK edits it whole) stays as it was. */
  removeButtons(message: MessageEdit): Promise<void>;

  /** Deletes a message the channel sent, for the client too. */
  deleteMessage(message: SentMessageRef): Promise<void>;

  /** Fetches the bytes of a file a client sent. */
  downloadAttachment(attachment: InboundAttachment): Promise<DownloadedFile>;

  /** Points the platform's webhook at url, signed with secret. */
  registerWebhook(input: { url: string; secret: string }): Promise<WebhookRegistration>;

  /**
   * One long-poll round, for channels without a public webhook URL. Pass null the first time,
   * then the returned cursor; stop with the signal.
   */
  pollUpdates(cursor: string | null, options?: { waitSeconds?: number; signal?: AbortSignal }): Promise<PollResult>;
}
