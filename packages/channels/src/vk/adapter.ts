import { createHash, randomUUID } from "node:crypto";
import type { API, Upload } from "vk-io";
import type { ChannelAdapter } from "../adapter.ts";
import { downloadFile, VK_FILE_HOSTS, type MediaFetchOptions } from "../download.ts";
import { ChannelError, isChannelError } from "../errors.ts";
import { assertUploadFits, fileRefRefused, isFileRef } from "../file-refs.ts";
import type {
  MenuChannel,
  MenuKeyboard,
  MenuShown,
  ChannelIdentity,
  ClientIdentity,
  DownloadedFile,
  InboundAttachment,
  MessageEdit,
  OutboundFile,
  OutboundMessage,
  PollResult,
  SentMessage,
  SentMessageRef,
  WebhookRegistration,
} from "../types.ts";
import { createVkClient } from "./api.ts";
import { mapVkErrors, toVkChannelError } from "./errors.ts";
import { vkProfileUrl } from "./events.ts";
import { fetchVkConversations, fetchVkHistory, type VkConversationPage, type VkHistoryRequest, type VkHistoryResult } from "./history.ts";
import { pollVkLongPoll } from "./long-poll.ts";
import { vkMenuKeyboard, vkSnackbarText } from "./menu.ts";

export interface VkChannelConfig {
  groupId: number;
  /** Community access token with the messages, photos, docs and manage rights. */
  token: string;
  /** The operator's VK API (VK_API_BASE_URL); defaults to https://api.vk.ru/method. */
  apiBaseUrl?: string;
  timeoutMs?: number;
  /** How client files and the Long Poll server may be fetched (operator settings). */
  media?: MediaFetchOptions;
}

/** The message events the Callback API server is subscribed to. */
export const VK_CALLBACK_EVENTS = [
  "message_new",
  "message_reply",
  "message_edit",
  "message_allow",
  "message_deny",
  "message_read",
  "message_event",
] as const;

/**
 * random_id makes messages.send idempotent: VK delivers a message with a random_id it has
 * already seen only once. It is derived from our message id, so a retried send keeps it.
 */
export function vkRandomId(idempotencyKey: string): number {
  const value = createHash("sha256").update(idempotencyKey).digest().readUInt32BE(0) & 0x7fffffff;
  return value === 0 ? 1 : value;
}

function parsePeerId(chatId: string): number {
  const peerId = Number(chatId);
  if (!Number.isSafeInteger(peerId) || peerId === 0) {
    throw new ChannelError({
      channel: "vk",
      kind: "invalid_request",
      message: `"${chatId}" is not a VK peer id`,
      reason: { code: "channel.vk.badPeer" }, reasonRu: "неверный идентификатор диалога VK",
    });
  }
  return peerId;
}

export class VkAdapter implements ChannelAdapter, MenuChannel {
  readonly kind = "vk" as const;
  // messages.send drops a random_id it has seen from this community.
  readonly idempotentSend = true;
  readonly api: API;
  private readonly upload: Upload;

  constructor(readonly config: VkChannelConfig) {
    const client = createVkClient(config);
    this.api = client.api;
    this.upload = client.upload;
  }

  async describe(): Promise<ChannelIdentity> {
    const result = await mapVkErrors(() => this.api.groups.getById({ group_id: this.config.groupId }));
    const group = result.groups?.[0];
    if (!group) {
      throw new ChannelError({
        channel: "vk",
        kind: "auth",
        message: `community ${this.config.groupId} not found`,
        reason: { code: "channel.vk.groupNotFound" }, reasonRu: "сообщество не найдено — проверьте ID сообщества",
      });
    }
    return { externalId: String(group.id), name: group.name ?? "", ...(group.screen_name ? { username: group.screen_name } : {}) };
  }

  async send(message: OutboundMessage): Promise<SentMessage> {
    const peerId = parsePeerId(message.chatId);
    const { file } = message;
    // A saved attachment string is passed as it is: no upload.
    const reused = file && isFileRef(file) ? file.platformRef : undefined;
    const attachment = reused ?? (file && !isFileRef(file) ? await this.uploadFile(peerId, file) : undefined);
    if (!attachment && !message.text) {
      throw new ChannelError({ channel: "vk", kind: "invalid_request", message: "nothing to send", reason: { code: "channel.emptyMessage" }, reasonRu: "пустое сообщение" });
    }
    let id: Awaited<ReturnType<API["messages"]["send"]>>;
    try {
      id = await mapVkErrors(() =>
        this.api.messages.send({
          peer_id: peerId,
          random_id: vkRandomId(message.idempotencyKey),
          ...(message.text ? { message: message.text } : {}),
          ...(attachment ? { attachment } : {}),
          ...(message.keyboard ? { keyboard: vkMenuKeyboard(message.keyboard) } : {}),
        }),
      );
    } catch (error) {
      // VK answers 100 naming the attachment when the saved photo or document is gone.
      if (reused && isChannelError(error) && error.platformCode === 100 && /attachment/i.test(error.message)) throw fileRefRefused("vk", error);
      throw error;
    }
    return { externalMessageId: String(id), sentAt: new Date().toISOString(), ...(attachment ? { fileRef: attachment } : {}) };
  }

  /**
   * A menu message with its inline keyboard. Sent with peer_ids, whose answer carries the
   * message's number in the dialog (conversation_message_id): presses name the menu by it, and
   * messages.edit takes it. A menu is sent once by its job (never retried), so its random_id is
   * fresh.
   */
  async sendMenu(input: { chatId: string; text: string; keyboard: MenuKeyboard; photo?: OutboundFile }): Promise<SentMessage> {
    const peerId = parsePeerId(input.chatId);
    const attachment = input.photo ? await this.uploadFile(peerId, input.photo) : undefined;
    const sent = (await mapVkErrors(() =>
      this.api.messages.send({
        peer_ids: [peerId],
        random_id: vkRandomId(`menu:${peerId}:${randomUUID()}`),
        message: input.text,
        keyboard: vkMenuKeyboard(input.keyboard),
        ...(attachment ? { attachment } : {}),
      } as Parameters<API["messages"]["send"]>[0]),
    )) as unknown as { peer_id: number; conversation_message_id?: number; error?: { code: number; description: string } }[];
    const item = sent.find((s) => s.peer_id === peerId);
    if (!item?.conversation_message_id) {
      throw new ChannelError({
        channel: "vk",
        kind: "invalid_request",
        message: `VK did not send the menu: ${item?.error?.description ?? "no message"}`,
        reason: { code: "channel.sendFailed" },
        reasonRu: "VK не отправил меню",
      });
    }
    return { externalMessageId: String(item.conversation_message_id), sentAt: new Date().toISOString() };
  }

  /**
   * Replaces the menu message's text, photo and buttons (by its number in the dialog). A photo is
   * attached in place; a card that leaves its photo for a text screen is sent anew, since an edit
   * without `attachment` keeps the photo.
   */
  async editMenu(input: { chatId: string; externalMessageId: string; text: string; keyboard: MenuKeyboard; photo?: OutboundFile; shown?: MenuShown }): Promise<SentMessage | void> {
    const peerId = parsePeerId(input.chatId);
    if (!input.photo && input.shown && input.shown !== "text") {
      // A photo card cannot lose its photo in place: the screen is sent anew and the card deleted
      // by its number in the dialog (a refused delete leaves it, its buttons then answer «меню устарело»).
      const sent = await this.sendMenu({ chatId: input.chatId, text: input.text, keyboard: input.keyboard });
      await mapVkErrors(() =>
        this.api.messages.delete({ group_id: this.config.groupId, peer_id: peerId, cmids: [Number(input.externalMessageId)], delete_for_all: 1 } as Parameters<API["messages"]["delete"]>[0]),
      ).catch(() => undefined);
      return sent;
    }
    const attachment = input.photo ? await this.uploadFile(peerId, input.photo) : undefined;
    await mapVkErrors(() =>
      this.api.messages.edit({
        peer_id: peerId,
        cmid: Number(input.externalMessageId),
        message: input.text,
        keyboard: vkMenuKeyboard(input.keyboard),
        group_id: this.config.groupId,
        ...(attachment ? { attachment } : {}),
      } as unknown as Parameters<API["messages"]["edit"]>[0]),
    );
  }

  /** Answers a press: a snackbar with the text (VK has no alert), or just stops the spinner. */
  async answerButton(input: { callbackId: string; chatId: string; userId: string; text?: string }): Promise<void> {
    await mapVkErrors(() =>
      this.api.messages.sendMessageEventAnswer({
        event_id: input.callbackId,
        user_id: Number(input.userId),
        peer_id: parsePeerId(input.chatId),
        ...(input.text ? { event_data: JSON.stringify({ type: "show_snackbar", text: vkSnackbarText(input.text) }) } : {}),
      }),
    );
  }

  async editMessage(edit: MessageEdit): Promise<void> {
    const peerId = parsePeerId(edit.chatId);
    // keep_* leave the message's attachments, links and forwards as they were.
    await mapVkErrors(() =>
      this.api.messages.edit({ group_id: this.config.groupId, peer_id: peerId, message_id: Number(edit.externalMessageId), message: edit.text, keep_snippets: 1, keep_forward_messages: 1 }),
    );
  }

  /**
   * messages.edit with the same text and an empty keyboard (`{"buttons":[]}`, as VK hides a
   * keyboard); keep_* leave the attachments' snippets and forwards as they were.
   */
  async removeButtons(message: MessageEdit): Promise<void> {
    await mapVkErrors(() =>
      this.api.messages.edit({
        group_id: this.config.groupId,
        peer_id: parsePeerId(message.chatId),
        message_id: Number(message.externalMessageId),
        message: message.text,
        keyboard: JSON.stringify({ inline: true, buttons: [] }),
        keep_snippets: 1,
        keep_forward_messages: 1,
      } as unknown as Parameters<API["messages"]["edit"]>[0]),
    );
  }

  async deleteMessage(message: SentMessageRef): Promise<void> {
    parsePeerId(message.chatId);
    const messageId = Number(message.externalMessageId);
    const result = await mapVkErrors(() => this.api.messages.delete({ group_id: this.config.groupId, message_ids: [messageId], delete_for_all: 1 }));
    // VK answers per message: response 1 when deleted, an error when it is gone or not ours.
    const outcome = (result as unknown as { message_id?: number; response?: number }[]).find((item) => item.message_id === messageId);
    if (outcome?.response !== 1) {
      throw new ChannelError({ channel: "vk", kind: "invalid_request", message: `messages.delete left ${message.externalMessageId}`, reason: { code: "channel.messageNotFound" }, reasonRu: "сообщение не найдено в VK" });
    }
  }

  /** Uploads through VK's upload servers and returns the attachment string for messages.send. */
  private async uploadFile(peerId: number, file: OutboundFile): Promise<string> {
    assertUploadFits("vk", file);
    const source = {
      value: Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength),
      filename: file.fileName,
      ...(file.mime ? { contentType: file.mime } : {}),
    };
    try {
      const attachment =
        file.kind === "photo"
          ? await this.upload.messagePhoto({ source, peer_id: peerId })
          : file.kind === "voice"
            ? await this.upload.audioMessage({ source, peer_id: peerId })
            : await this.upload.messageDocument({ source, peer_id: peerId, title: file.fileName });
      return attachment.toString();
    } catch (error) {
      const mapped = toVkChannelError(error);
      if (isChannelError(mapped)) throw mapped;
      // The upload server refused the file (vk-io throws a plain Error with its status text).
      throw new ChannelError({
        channel: "vk",
        kind: "invalid_request",
        message: `VK refused the ${file.kind}: ${error instanceof Error ? error.message : String(error)}`,
        reason: { code: "channel.fileRejected", params: { platform: "VK" } },
        reasonRu: "VK не принял файл",
        cause: error,
      });
    }
  }

  downloadAttachment(attachment: InboundAttachment): Promise<DownloadedFile> {
    if (!attachment.url) {
      throw new ChannelError({
        channel: "vk",
        kind: "invalid_request",
        message: `VK gave no link for this ${attachment.kind}`,
        reason: { code: "channel.fileNoLink" }, reasonRu: "VK не даёт ссылку на этот файл",
      });
    }
    return downloadFile({ ...this.config.media, channel: "vk", url: attachment.url, hosts: VK_FILE_HOSTS });
  }

  /** The string the Callback API handshake must answer; store it before registerWebhook. */
  async fetchConfirmationCode(): Promise<string> {
    const result = await mapVkErrors(() => this.api.groups.getCallbackConfirmationCode({ group_id: this.config.groupId }));
    return result.code;
  }

  async registerWebhook(input: { url: string; secret: string; title?: string }): Promise<WebhookRegistration> {
    const groupId = this.config.groupId;
    const confirmation = await this.fetchConfirmationCode();
    const servers = await mapVkErrors(() => this.api.groups.getCallbackServers({ group_id: groupId }));
    const existing = servers.items?.find((server) => server.url === input.url);
    const serverId =
      existing?.id ??
      (
        await mapVkErrors(() =>
          this.api.groups.addCallbackServer({
            group_id: groupId,
            url: input.url,
            title: (input.title ?? "Threadline").slice(0, 14),
            secret_key: input.secret,
          }),
        )
      ).server_id;
    const subscribed = Object.fromEntries(VK_CALLBACK_EVENTS.map((event) => [event, 1]));
    await mapVkErrors(() =>
      this.api.groups.setCallbackSettings({ group_id: groupId, server_id: serverId, api_version: "5.199", ...subscribed }),
    );
    return { confirmation };
  }

  pollUpdates(cursor: string | null, options: { waitSeconds?: number; signal?: AbortSignal } = {}): Promise<PollResult> {
    return pollVkLongPoll({ api: this.api, groupId: this.config.groupId, cursor, media: this.config.media, ...options });
  }

  /** Names and profile links for VK users: callback events carry only their ids. */
  async fetchClientProfiles(userIds: string[]): Promise<ClientIdentity[]> {
    if (userIds.length === 0) return [];
    const users = await mapVkErrors(() => this.api.users.get({ user_ids: userIds, fields: ["screen_name"] }));
    return users.map((user) => {
      const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
      return {
        externalUserId: String(user.id),
        ...(name ? { name } : {}),
        ...(user.first_name ? { firstName: user.first_name } : {}),
        ...(user.last_name ? { lastName: user.last_name } : {}),
        ...(user.screen_name ? { username: user.screen_name } : {}),
        profileUrl: vkProfileUrl(user.id),
      };
    });
  }

  /** One page of the community's dialogs, for an import. */
  fetchConversations(page: { offset: number; count: number }): Promise<VkConversationPage> {
    return fetchVkConversations(this.api, this.config.groupId, page);
  }

  /** History pages of several dialogs in one execute call (up to 25). */
  fetchHistory(requests: VkHistoryRequest[]): Promise<VkHistoryResult[]> {
    return fetchVkHistory(this.api, this.config.groupId, requests);
  }
}
