import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { DeliveryQueue, type DeliveryAttempt } from "../delivery.ts";
import { BodyTooLargeError, readBody, readParams, sendJson, startHttpServer, type RunningServer } from "../http.ts";
import { imageSize, mimeOfImage, solidPng } from "../images.ts";
import { SlidingWindowLimiter } from "../rate-limit.ts";
import { executeParams, ExecuteCompileError, parseExecuteCode } from "./execute.ts";
import { SeededCommunityHistory, type SeedOptions } from "./seeded.ts";
import { VkFaults, type VkFaultSchedule } from "./faults.ts";
import { keyboardButtons, type VkButton } from "./keyboard.ts";
import { uploadHash, VK_METHODS_BY_NAME, type VkMethodHost } from "./methods.ts";
import { VK_ERRORS, VkApiError, VkParams } from "./params.ts";
import {
  audioMessageObject,
  docObject,
  messageObject,
  photoObject,
  stickerObject,
  videoObject,
  VkCommunity,
  VkWorld,
  type VkButtonEvent,
  type VkJson,
  type VkSimMessage,
  type VkSimUser,
} from "./world.ts";

export interface VkSimulatorOptions {
  port?: number;
  /** Requests per token allowed in the window before error 6 (VK: 20 per second for communities). */
  rateLimit?: { limit: number; windowMs: number };
  /** Waits between Callback API delivery attempts; VK retries an event several times. */
  callbackRetryDelaysMs?: number[];
  callbackTimeoutMs?: number;
  /** Events kept for Long Poll clients that fall behind. */
  longPollHistory?: number;
}

export type VkClientAttachment =
  | { type: "photo"; data?: Buffer }
  | { type: "doc"; title: string; data: Buffer }
  | { type: "audio_message"; durationSec: number; data?: Buffer }
  | { type: "sticker"; stickerId: number }
  | { type: "video"; title: string; durationSec: number };

export interface VkSentAttachment {
  type: string;
  fileName?: string;
  data?: Buffer;
}

export interface VkSentMessage {
  id: number;
  peerId: number;
  text: string;
  randomId: number;
  date: number;
  attachments: VkSentAttachment[];
  /** When the community last edited it (unix seconds). */
  updateTime?: number;
  /** When the community deleted it for everyone (unix seconds). */
  deletedAt?: number;
  /** The buttons of its keyboard, while it has one. */
  buttons?: VkButton[];
}

/** A file that reached VK's upload servers (each send without a saved attachment string makes one). */
export interface VkUploadRecord {
  groupId: number;
  kind: "photo" | "doc";
  fileName: string;
}

interface InjectedFailure {
  method?: string;
  code: number;
  message: string;
  remaining: number;
}

const ERROR_MESSAGES: Record<number, string> = {
  [VK_ERRORS.tooMany]: "Too many requests per second",
  [VK_ERRORS.flood]: "Flood control",
  [VK_ERRORS.server]: "Internal server error",
  [VK_ERRORS.denySend]: "Can't send messages for users without permission",
  [VK_ERRORS.privacy]: "Can't send messages to this user due to their privacy settings",
};

/** Fake Ogg/Opus bytes for simulated voice messages: a real header, silence after it. */
function voiceBytes(durationSec: number): Buffer {
  return Buffer.concat([Buffer.from("OggS", "ascii"), Buffer.alloc(Math.max(1, durationSec) * 2000)]);
}

/**
 * An in-process VK API: /method/<name> for the methods Threadline uses (and execute batches),
 * upload servers, Bots Long Poll, Callback API delivery with the secret and retries, and a
 * control API that plays the clients.
 */
export class VkApiSimulator implements VkMethodHost {
  readonly world = new VkWorld();
  /** Every file the upload servers took, oldest first. */
  readonly uploads: VkUploadRecord[] = [];
  private server: RunningServer | undefined;
  private readonly limiter: SlidingWindowLimiter;
  private readonly failures: InjectedFailure[] = [];
  private faults: VkFaults | null = null;
  private readonly deliveries = new Map<string, DeliveryQueue>();
  private readonly longPollWaiters = new Set<() => void>();
  private readonly sentListeners = new Set<() => void>();
  private nextGroupId = 200_000_001;

  constructor(private readonly options: VkSimulatorOptions = {}) {
    const rate = options.rateLimit ?? { limit: 20, windowMs: 1000 };
    this.limiter = new SlidingWindowLimiter(rate.limit, rate.windowMs);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(): Promise<{ url: string; apiBaseUrl: string }> {
    this.server = await startHttpServer((req, res, url) => this.route(req, res, url), { port: this.options.port });
    this.world.baseUrl = this.server.url;
    return { url: this.server.url, apiBaseUrl: this.apiBaseUrl };
  }

  async stop(): Promise<void> {
    for (const queue of this.deliveries.values()) queue.stop();
    for (const wake of this.longPollWaiters) wake();
    await this.server?.close();
    this.server = undefined;
  }

  get url(): string {
    if (!this.server) throw new Error("VK simulator is not started");
    return this.server.url;
  }

  /** What vk-io takes as apiBaseUrl. */
  get apiBaseUrl(): string {
    return `${this.url}/method`;
  }

  // ---- control API ----------------------------------------------------------------------------

  addCommunity(input: { groupId?: number; name?: string; screenName?: string; token?: string; confirmation?: string } = {}) {
    const groupId = input.groupId ?? this.nextGroupId++;
    const community = new VkCommunity(
      groupId,
      input.name ?? `Сообщество ${groupId}`,
      input.screenName ?? `club${groupId}`,
      input.confirmation ?? randomBytes(4).toString("hex"),
    );
    const token = input.token ?? `vk1.a.${randomBytes(32).toString("base64url")}`;
    community.tokens.add(token);
    this.world.communities.set(groupId, community);
    return { groupId, token, confirmation: community.confirmation };
  }

  /**
   * Adds a community with a generated past of `dialogs` dialogs (see SeededCommunityHistory):
   * the same seed gives the same community, message for message.
   */
  seedCommunity(input: SeedOptions & { name?: string }) {
    const added = this.addCommunity({ name: input.name ?? "Сообщество для импорта" });
    const community = this.community(added.groupId);
    const history = new SeededCommunityHistory(input, added.groupId, community.nextMessageId, (key, fileName) => this.world.fileUrl(key, fileName));
    community.seed(history);
    this.world.fileSources.push((key) => history.file(key));
    return { ...added, dialogs: history.dialogs, messages: history.messages, community, history };
  }

  addUser(user: VkSimUser): void {
    this.world.users.set(user.id, user);
  }

  /** Registers a Callback API server directly (as the community's settings page would) and confirms it. */
  addCallbackServer(input: { groupId: number; url: string; secret: string; events?: string[]; apiVersion?: string }): number {
    const community = this.community(input.groupId);
    const server = {
      id: community.nextServerId++,
      url: input.url,
      title: "Threadline",
      secretKey: input.secret,
      status: "unconfigured" as const,
      apiVersion: input.apiVersion ?? "5.199",
      events: new Set(input.events ?? ["message_new", "message_reply", "message_edit", "message_allow", "message_deny", "message_read", "message_event"]),
    };
    community.servers.push(server);
    this.confirmServer(community, server.id);
    return server.id;
  }

  callbackServerStatus(groupId: number, serverId: number): string | undefined {
    return this.community(groupId).servers.find((s) => s.id === serverId)?.status;
  }

  simulateClientMessage(input: {
    groupId: number;
    userId: number;
    text?: string;
    attachments?: VkClientAttachment[];
    ref?: string;
    refSource?: string;
  }): VkJson {
    const community = this.community(input.groupId);
    this.world.user(input.userId);
    const state = community.peer(input.userId);
    // A client who writes lets the community answer, as in VK.
    state.canWrite = true;
    const message: VkSimMessage = {
      id: community.nextMessageId++,
      peerId: input.userId,
      fromId: input.userId,
      date: Math.floor(Date.now() / 1000),
      text: input.text ?? "",
      out: 0,
      conversationMessageId: state.nextConversationMessageId++,
      attachments: (input.attachments ?? []).map((a) => this.clientAttachment(input.userId, a)),
      randomId: 0,
      version: community.nextVersion++,
      ...(input.ref !== undefined ? { ref: input.ref } : {}),
      ...(input.refSource !== undefined ? { refSource: input.refSource } : {}),
    };
    community.addMessage(message);
    const object = messageObject(message);
    this.emit(community, "message_new", {
      message: object,
      client_info: {
        button_actions: ["text", "vkpay", "open_app", "location", "open_link", "callback", "intent_subscribe", "intent_unsubscribe"],
        keyboard: true,
        inline_keyboard: true,
        carousel: true,
        lang_id: 0,
      },
    });
    return object;
  }

  simulateEdit(input: { groupId: number; messageId: number; text: string }): VkJson {
    const community = this.community(input.groupId);
    const message = community.message(input.messageId);
    if (!message) throw new Error(`no message ${input.messageId} in community ${input.groupId}`);
    message.text = input.text;
    message.updateTime = Math.floor(Date.now() / 1000);
    message.version = community.nextVersion++;
    const object = messageObject(message);
    this.emit(community, "message_edit", object);
    return object;
  }

  /**
   * The client presses a callback button of a community message (by default its newest message
   * with a keyboard): by the button's label, or, for a forged press, any payload. The community's
   * servers get a message_event; returns its event_id, whose answer eventAnswer shows.
   */
  pressButton(input: { groupId: number; userId: number; label?: string | RegExp; payload?: string; conversationMessageId?: number; peerId?: number }): string {
    const community = this.community(input.groupId);
    const peerId = input.peerId ?? input.userId;
    const history = community.history(peerId);
    const message =
      input.conversationMessageId !== undefined
        ? history.find((m) => m.conversationMessageId === input.conversationMessageId)
        : history.filter((m) => m.out === 1 && m.keyboard).at(-1);
    if (!message && input.payload === undefined) throw new Error(`no message with buttons for ${peerId} in community ${input.groupId}`);
    let payload = input.payload;
    if (payload === undefined) {
      const buttons = keyboardButtons(message!.keyboard).filter((b) => b.type === "callback");
      const button = buttons.find((b) => (typeof input.label === "string" ? b.label === input.label : input.label!.test(b.label)));
      if (!button) throw new Error(`no button «${String(input.label)}» on message ${message!.conversationMessageId}: ${buttons.map((b) => b.label).join(" | ")}`);
      payload = button.payload ?? "{}";
    }
    const eventId = randomBytes(6).toString("hex");
    const conversationMessageId = message?.conversationMessageId ?? input.conversationMessageId ?? 1;
    community.buttonEvents.set(eventId, { userId: input.userId, peerId, conversationMessageId, payload, at: Date.now() });
    this.emit(community, "message_event", { user_id: input.userId, peer_id: peerId, event_id: eventId, payload, conversation_message_id: conversationMessageId });
    return eventId;
  }

  /** The community's answer to a press (messages.sendMessageEventAnswer), once given. */
  eventAnswer(groupId: number, eventId: string): VkButtonEvent | undefined {
    return this.community(groupId).buttonEvents.get(eventId);
  }

  /** The community's newest message to a peer with a keyboard (what a client sees as the menu). */
  lastKeyboardMessage(groupId: number, peerId: number): (VkSimMessage & { buttons: VkButton[] }) | undefined {
    const message = this.community(groupId).history(peerId).filter((m) => m.out === 1 && m.keyboard && m.deletedAt === undefined).at(-1);
    return message ? { ...message, buttons: keyboardButtons(message.keyboard) } : undefined;
  }

  /** The client opens the dialog and reads everything the community sent. */
  simulateRead(input: { groupId: number; userId: number }): void {
    const community = this.community(input.groupId);
    const last = community.history(input.userId).filter((m) => m.out === 1).at(-1);
    if (!last) return;
    community.peer(input.userId).outRead = last.id;
    this.emit(community, "message_read", {
      from_id: input.userId,
      peer_id: input.userId,
      read_message_id: last.id,
      conversation_message_id: last.conversationMessageId,
    });
  }

  /** The client forbids messages from the community (message_deny); sends then fail with 901. */
  blockBot(userId: number, groupId?: number): void {
    for (const community of this.communitiesOf(userId, groupId)) {
      community.peer(userId).canWrite = false;
      this.emit(community, "message_deny", { user_id: userId });
    }
  }

  /** The client allows messages again (message_allow). */
  unblockBot(userId: number, groupId?: number): void {
    for (const community of this.communitiesOf(userId, groupId)) {
      community.peer(userId).canWrite = true;
      this.emit(community, "message_allow", { user_id: userId, key: randomBytes(8).toString("hex") });
    }
  }

  /** Messages the community sent to a client, with the bytes of their files. */
  sentMessages(peerId: number, groupId?: number): VkSentMessage[] {
    const communities = groupId !== undefined ? [this.community(groupId)] : [...this.world.communities.values()];
    return communities.flatMap((community) =>
      community
        .history(peerId)
        .filter((m) => m.out === 1)
        .map((m) => ({
          id: m.id,
          peerId: m.peerId,
          text: m.text,
          randomId: m.randomId,
          date: m.date,
          attachments: m.attachments.map((a) => this.describeSent(a)),
          ...(m.updateTime !== undefined ? { updateTime: m.updateTime } : {}),
          ...(m.deletedAt !== undefined ? { deletedAt: m.deletedAt } : {}),
          ...(m.keyboard ? { buttons: keyboardButtons(m.keyboard) } : {}),
        })),
    );
  }

  /** Resolves when the community has sent at least `count` messages to the peer. */
  async waitForSent(peerId: number, count: number, timeoutMs = 5000): Promise<VkSentMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.sentMessages(peerId).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} messages to ${peerId}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.sentListeners.add(done);
      });
    }
    return this.sentMessages(peerId);
  }

  /**
   * A saved photo or document is gone (deleted, or its access key no longer valid): messages.send
   * naming it is refused with error 100, as VK refuses any attachment it does not know.
   */
  forgetAttachment(reference: string): void {
    const match = /^([a-z_]+?)(-?\d+)_(\d+)/.exec(reference.trim());
    if (match) this.world.media.delete(`${match[1]}${match[2]}_${match[3]}`);
  }

  /** The next `count` calls (of `method`, or any) fail with `code`; e.g. 9 for flood control. */
  failNext(input: { code: number; method?: string; count?: number; message?: string }): void {
    this.failures.push({
      code: input.code,
      method: input.method,
      remaining: input.count ?? 1,
      message: input.message ?? ERROR_MESSAGES[input.code] ?? "Unknown error occurred",
    });
  }

  /**
   * From now on about one API request in `every` fails (5xx, error 6, error 10 or a dropped
   * connection, from a seeded schedule); null stops it. Returns the counts of faults injected.
   */
  scheduleFaults(schedule: VkFaultSchedule | null): VkFaults["injected"] | null {
    this.faults = schedule ? new VkFaults(schedule) : null;
    return this.faults?.injected ?? null;
  }

  /** Requests refused with error 6 (over a token's rate) since the limit was last set. */
  get rateRejections(): number {
    return this.limiter.rejected;
  }

  setRateLimit(limit: number, windowMs = 1000): void {
    this.limiter.limit = limit;
    this.limiter.windowMs = windowMs;
    this.limiter.reset();
  }

  /** Every Callback API delivery attempt so far, in order. */
  get callbackAttempts(): DeliveryAttempt[] {
    return [...this.deliveries.values()].flatMap((queue) => queue.attempts).sort((a, b) => a.at - b.at);
  }

  /** Resolves once queued Callback API deliveries have finished or given up. */
  async deliveriesIdle(): Promise<void> {
    await Promise.all([...this.deliveries.values()].map((queue) => queue.idle()));
  }

  // ---- VkMethodHost ---------------------------------------------------------------------------

  emit(community: VkCommunity, type: string, object: VkJson): void {
    const event = { group_id: community.groupId, type, event_id: randomBytes(20).toString("hex"), v: "5.199", object };
    community.longPollEvents.push({ ts: community.nextLongPollTs++, event });
    const keep = this.options.longPollHistory ?? 1000;
    if (community.longPollEvents.length > keep) community.longPollEvents.splice(0, community.longPollEvents.length - keep);
    for (const wake of this.longPollWaiters) wake();

    for (const server of community.servers) {
      if (server.status === "failed" || !server.events.has(type)) continue;
      const body = { ...event, v: server.apiVersion, ...(server.secretKey ? { secret: server.secretKey } : {}) };
      this.queueFor(server.url).enqueue({
        url: server.url,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        accepted: (status, text) => status === 200 && text.trim() === "ok",
        // Events reach confirmed servers only; the handshake queued before them settles it.
        skip: () => server.status !== "ok",
      });
    }
  }

  confirmServer(community: VkCommunity, serverId: number): void {
    const server = community.servers.find((s) => s.id === serverId);
    if (!server) return;
    server.status = "wait";
    const body = {
      type: "confirmation",
      group_id: community.groupId,
      event_id: randomBytes(20).toString("hex"),
      v: server.apiVersion,
      ...(server.secretKey ? { secret: server.secretKey } : {}),
    };
    this.queueFor(server.url).enqueue({
      url: server.url,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      accepted: (status, text) => status === 200 && text.trim() === community.confirmation,
      onDone: (confirmed) => {
        server.status = confirmed ? "ok" : "failed";
      },
    });
  }

  recordSent(): void {
    for (const listener of this.sentListeners) listener();
    this.sentListeners.clear();
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    if (path.startsWith("/method/")) return this.handleMethod(req, res, url, decodeURIComponent(path.slice("/method/".length)));
    if (path === "/upload/photo" || path === "/upload/doc") return this.handleUpload(req, res, url);
    if (path.startsWith("/lp/")) return this.handleLongPoll(res, url, Number(path.slice("/lp/".length)));
    if (path.startsWith("/files/")) return this.handleFile(res, path.split("/")[2] ?? "");
    sendJson(res, 404, { error: "not found" });
  }

  private async handleMethod(req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
    let fields: Map<string, unknown>;
    try {
      fields = readParams(url, req.headers["content-type"], await readBody(req)).fields;
    } catch (error) {
      const message = error instanceof BodyTooLargeError ? "Invalid request: request is too large" : "Invalid request: malformed body";
      return sendJson(res, 200, this.errorBody(VK_ERRORS.request, message, method, new Map()));
    }
    const fault = this.faults?.next();
    if (fault === "drop") return void req.socket.destroy();
    if (fault === "http_5xx") {
      // What VK's front answers when a backend is down: an HTML page, not the API's JSON.
      res.writeHead(502, { "content-type": "text/html" });
      return void res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    }
    if (fault) {
      const code = fault === "too_many" ? VK_ERRORS.tooMany : VK_ERRORS.server;
      return sendJson(res, 200, this.errorBody(code, ERROR_MESSAGES[code]!, method, fields));
    }
    try {
      sendJson(res, 200, this.callMethod(method, fields));
    } catch (error) {
      // Anything but an API error is a fault of the simulator: it surfaces as HTTP 500, loudly.
      if (!(error instanceof VkApiError)) throw error;
      sendJson(res, 200, this.errorBody(error.code, error.message, method, fields));
    }
  }

  private callMethod(method: string, fields: Map<string, unknown>): VkJson {
    const token = fields.get("access_token");
    if (typeof token !== "string" || token === "") throw new VkApiError(VK_ERRORS.auth, "User authorization failed: no access_token passed.");
    const community = this.world.byToken(token);
    if (!community) throw new VkApiError(VK_ERRORS.auth, "User authorization failed: invalid access_token (4).");
    if (!fields.get("v")) throw new VkApiError(VK_ERRORS.request, "Invalid request: v (version) is required");
    const limited = this.limiter.hit(token);
    if (!limited.ok) throw new VkApiError(VK_ERRORS.tooMany, ERROR_MESSAGES[VK_ERRORS.tooMany]!);
    if (method === "execute") return this.execute(community, fields);
    return { response: this.invoke(community, method, fields) };
  }

  private invoke(community: VkCommunity, name: string, fields: Map<string, unknown>): unknown {
    const failure = this.failures.find((f) => f.remaining > 0 && (f.method === undefined || f.method === name));
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining === 0) this.failures.splice(this.failures.indexOf(failure), 1);
      throw new VkApiError(failure.code, failure.message);
    }
    const method = VK_METHODS_BY_NAME.get(name);
    if (!method) throw new VkApiError(VK_ERRORS.unknownMethod, "Unknown method passed");
    return method.handle({ host: this, community, params: new VkParams(name, method.params, fields) });
  }

  private execute(community: VkCommunity, fields: Map<string, unknown>): VkJson {
    const code = fields.get("code");
    let parsed: ReturnType<typeof parseExecuteCode>;
    try {
      parsed = parseExecuteCode(typeof code === "string" ? code : "");
    } catch (error) {
      if (error instanceof ExecuteCompileError) throw new VkApiError(VK_ERRORS.compile, `Unable to compile code: ${error.message}`);
      throw error;
    }
    if (parsed.calls.length > 25) {
      throw new VkApiError(VK_ERRORS.runtime, "Runtime error occurred during code invocation: Too many API calls");
    }
    const errors: VkJson[] = [];
    const results = parsed.calls.map((call) => {
      try {
        return this.invoke(community, call.method, executeParams(call.params));
      } catch (error) {
        if (!(error instanceof VkApiError)) throw error;
        errors.push({ method: call.method, error_code: error.code, error_msg: error.message });
        return false;
      }
    });
    return {
      response: parsed.returnsArray ? results : results[0],
      ...(errors.length > 0 ? { execute_errors: errors } : {}),
    };
  }

  private errorBody(code: number, message: string, method: string, fields: Map<string, unknown>): VkJson {
    const requestParams = [
      { key: "method", value: method },
      { key: "oauth", value: "1" },
      ...[...fields.entries()]
        .filter(([key]) => key !== "access_token")
        .map(([key, value]) => ({ key, value: typeof value === "string" ? value : JSON.stringify(value) })),
    ];
    // inner_type is the discriminator the VK API schema requires on error objects.
    return { error: { inner_type: "base_error", error_code: code, error_msg: message, request_params: requestParams } };
  }

  private async handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const groupId = Number(url.searchParams.get("gid"));
    let files;
    try {
      files = readParams(url, req.headers["content-type"], await readBody(req)).files;
    } catch {
      return sendJson(res, 200, { error: "ERR_UPLOAD_FILE_NOT_UPLOADED: file is too large" });
    }
    if (url.pathname === "/upload/photo") {
      const part = files.get("photo") ?? files.get("file");
      const size = part ? imageSize(part.data) : undefined;
      // VK answers a non-image with an empty photo list, which photos.saveMessagesPhoto refuses.
      if (part && size) this.uploads.push({ groupId, kind: "photo", fileName: part.fileName ?? "photo.jpg" });
      const list = part && size ? [{ file: this.world.storeFile({ data: part.data, mime: mimeOfImage(part.data), fileName: part.fileName ?? "photo.jpg" }), ...size, gid: groupId }] : [];
      const photo = JSON.stringify(list);
      return sendJson(res, 200, { server: 1, photo, hash: uploadHash(photo) });
    }
    const part = files.get("file");
    if (!part || part.data.length === 0) return sendJson(res, 200, { error: "ERR_UPLOAD_FILE_NOT_UPLOADED: file not uploaded" });
    const type = url.searchParams.get("type") ?? "doc";
    const fileName = part.fileName ?? "file";
    this.uploads.push({ groupId, kind: "doc", fileName });
    const file = this.world.storeFile({ data: part.data, mime: part.contentType ?? "application/octet-stream", fileName });
    const payload = Buffer.from(JSON.stringify({ file, type, name: fileName, size: part.data.length, gid: groupId })).toString("base64url");
    sendJson(res, 200, { file: `${payload}|${uploadHash(payload)}` });
  }

  private async handleLongPoll(res: ServerResponse, url: URL, groupId: number): Promise<void> {
    const community = this.world.community(groupId);
    if (!community) return sendJson(res, 404, { failed: 2 });
    if (url.searchParams.get("key") !== community.longPollKey) return sendJson(res, 200, { failed: 2 });
    const ts = Number(url.searchParams.get("ts"));
    const oldest = community.longPollEvents[0]?.ts ?? community.nextLongPollTs;
    if (!Number.isSafeInteger(ts) || ts > community.nextLongPollTs || ts < oldest) {
      return sendJson(res, 200, { failed: 1, ts: String(community.nextLongPollTs) });
    }
    const waitSeconds = Math.min(Number(url.searchParams.get("wait") ?? 25) || 0, 90);
    const deadline = Date.now() + waitSeconds * 1000;
    let updates = community.longPollEvents.filter((e) => e.ts >= ts);
    while (updates.length === 0 && Date.now() < deadline && this.server) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, deadline - Date.now());
        const waiters = this.longPollWaiters;
        function wake() {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        }
        waiters.add(wake);
      });
      updates = community.longPollEvents.filter((e) => e.ts >= ts);
    }
    if (res.destroyed) return;
    sendJson(res, 200, { ts: String(community.nextLongPollTs), updates: updates.map((e) => e.event) });
  }

  private handleFile(res: ServerResponse, key: string): void {
    const file = this.world.file(key);
    if (!file) return sendJson(res, 404, { error: "file not found" });
    res.writeHead(200, { "content-type": file.mime, "content-length": file.data.length });
    res.end(file.data);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private community(groupId: number): VkCommunity {
    const community = this.world.community(groupId);
    if (!community) throw new Error(`no simulated community ${groupId}`);
    return community;
  }

  private communitiesOf(userId: number, groupId?: number): VkCommunity[] {
    if (groupId !== undefined) return [this.community(groupId)];
    return [...this.world.communities.values()].filter((c) => c.hasPeer(userId));
  }

  private queueFor(url: string): DeliveryQueue {
    let queue = this.deliveries.get(url);
    if (!queue) {
      queue = new DeliveryQueue({
        retryDelaysMs: this.options.callbackRetryDelaysMs ?? [500, 2000, 5000, 10000],
        timeoutMs: this.options.callbackTimeoutMs ?? 5000,
      });
      this.deliveries.set(url, queue);
    }
    return queue;
  }

  private clientAttachment(userId: number, attachment: VkClientAttachment): VkJson {
    const world = this.world;
    switch (attachment.type) {
      case "photo": {
        const data = attachment.data ?? solidPng(640, 480);
        const size = imageSize(data) ?? { width: 640, height: 480 };
        const fileKey = world.storeFile({ data, mime: mimeOfImage(data), fileName: "photo.jpg" });
        return { type: "photo", photo: photoObject(world, { ownerId: userId, fileKey, ...size }) };
      }
      case "doc": {
        const fileKey = world.storeFile({ data: attachment.data, mime: "application/octet-stream", fileName: attachment.title });
        return { type: "doc", doc: docObject(world, { ownerId: userId, fileKey, title: attachment.title, size: attachment.data.length }) };
      }
      case "audio_message": {
        const data = attachment.data ?? voiceBytes(attachment.durationSec);
        const fileKey = world.storeFile({ data, mime: "audio/ogg", fileName: "voice.ogg" });
        return { type: "audio_message", audio_message: audioMessageObject(world, { ownerId: userId, fileKey, durationSec: attachment.durationSec }) };
      }
      case "sticker": {
        const fileKey = world.storeFile({ data: solidPng(128, 128, [250, 200, 80]), mime: "image/png", fileName: "sticker.png" });
        return { type: "sticker", sticker: stickerObject(world, attachment.stickerId, fileKey) };
      }
      case "video":
        return { type: "video", video: videoObject(world, { ownerId: userId, title: attachment.title, durationSec: attachment.durationSec }) };
    }
  }

  private describeSent(attachment: VkJson): VkSentAttachment {
    const type = String(attachment.type);
    const object = (attachment[type] ?? {}) as VkJson;
    const url = typeof object.url === "string" ? object.url : typeof object.link_ogg === "string" ? object.link_ogg : (object.sizes as { url: string }[] | undefined)?.at(-1)?.url;
    const key = url ? new URL(url).pathname.split("/")[2] : undefined;
    const file = key ? this.world.file(key) : undefined;
    return { type, ...(file ? { fileName: file.fileName, data: file.data } : {}) };
  }
}
