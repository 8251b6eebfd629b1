import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sleep, type DeliveryAttempt } from "../delivery.ts";
import { BodyTooLargeError, readBody, readParams, sendJson, startHttpServer, type RunningServer } from "../http.ts";
import { imageSize, mimeOfImage, solidPng } from "../images.ts";
import { russianName } from "../names.ts";
import { SlidingWindowLimiter } from "../rate-limit.ts";
import { isDescribedResult, TG_METHODS_BY_NAME, type TgMethodHost } from "./methods.ts";
import { TgApiError, TgParams } from "./params.ts";
import {
  documentObject,
  mimeFromName,
  extensionOf,
  privateChat,
  TgBot,
  userObject,
  voiceObject,
  type TgJson,
  type TgSentMessage,
  type TgUser,
} from "./world.ts";

export interface TelegramSimulatorOptions {
  port?: number;
  /** Sends per bot in the window before 429 (Telegram: about 30 messages per second). */
  botRate?: { limit: number; windowMs: number };
  /** Sends per chat in the window before 429 (Telegram: about one per second, short bursts pass). */
  chatRate?: { limit: number; windowMs: number };
  /** Waits between webhook attempts for an update the receiver failed; then it is dropped. */
  webhookRetryDelaysMs?: number[];
  webhookTimeoutMs?: number;
}

export type TgClient = number | (Partial<TgUser> & { id: number });

export interface TgClientMessageInput {
  /** Which bot the client writes to; may be omitted when the simulator has one bot. */
  botToken?: string;
  from: TgClient;
  /** The private chat id is the client's user id; kept for symmetry with the Bot API. */
  chatId?: number;
  text?: string;
  photo?: { data?: Buffer };
  document?: { data: Buffer; fileName: string; mime?: string };
  voice?: { data?: Buffer; durationSec: number };
  contact?: { phoneNumber: string };
  /** Sends `/start <payload>` as a deep link does. */
  startPayload?: string;
  caption?: string;
}

interface InjectedFailure {
  method?: string;
  error: TgApiError;
  remaining: number;
}

/**
 * An in-process Telegram Bot API: /bot<token>/<method> with JSON, form and multipart bodies,
 * getUpdates long polling, webhook delivery with the secret token header and retries, file
 * downloads, Business connections, and a control API that plays the clients.
 */
/** An answer the simulator holds back (`holdNextAnswer`). */
export type HeldAnswer = { reached: Promise<void>; released: Promise<void>; release(): void; reach(): void };

export class TelegramBotApiSimulator implements TgMethodHost {
  private server: RunningServer | undefined;
  readonly bots = new Map<string, TgBot>();
  private readonly users = new Map<number, TgUser>();
  private readonly botRate: SlidingWindowLimiter;
  private readonly chatRate: SlidingWindowLimiter;
  private readonly failures: InjectedFailure[] = [];
  private readonly lostAnswers: string[] = [];
  private readonly heldAnswers: { method: string; match: (fields: ReadonlyMap<string, unknown>) => boolean; hold: HeldAnswer }[] = [];
  private readonly updateWaiters = new Set<() => void>();
  private readonly sentListeners = new Set<() => void>();
  private readonly pumping = new Set<TgBot>();
  /** Every webhook delivery attempt so far, in order. */
  readonly webhookAttempts: DeliveryAttempt[] = [];
  private readonly stopSignal = new AbortController();
  private nextBotId = 7_000_000_001;

  constructor(private readonly options: TelegramSimulatorOptions = {}) {
    const botRate = options.botRate ?? { limit: 30, windowMs: 1000 };
    const chatRate = options.chatRate ?? { limit: 5, windowMs: 5000 };
    this.botRate = new SlidingWindowLimiter(botRate.limit, botRate.windowMs);
    this.chatRate = new SlidingWindowLimiter(chatRate.limit, chatRate.windowMs);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  async start(): Promise<{ url: string; apiRoot: string }> {
    this.server = await startHttpServer((req, res, url) => this.route(req, res, url), { port: this.options.port });
    return { url: this.server.url, apiRoot: this.server.url };
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    for (const wake of this.updateWaiters) wake();
    await this.server?.close();
    this.server = undefined;
  }

  /** What grammY takes as client.apiRoot. */
  get apiRoot(): string {
    if (!this.server) throw new Error("Telegram simulator is not started");
    return this.server.url;
  }

  // ---- control API ----------------------------------------------------------------------------

  addBot(input: { username?: string; firstName?: string; token?: string } = {}): { token: string; botId: number; username: string } {
    const botId = input.token ? Number(input.token.split(":")[0]) : this.nextBotId++;
    const token = input.token ?? `${botId}:AA${randomBytes(25).toString("base64url")}`;
    const username = input.username ?? `threadline_${botId}_bot`;
    this.bots.set(token, new TgBot(botId, token, username, input.firstName ?? "Threadline"));
    return { token, botId, username };
  }

  addUser(user: TgUser): void {
    this.users.set(user.id, user);
  }

  simulateClientMessage(input: TgClientMessageInput): TgJson {
    const bot = this.bot(input.botToken);
    const client = this.client(input.from);
    if (bot.blockedBy.has(client.id)) this.unblockBot(client.id, input.botToken);
    bot.startedBy.add(client.id);
    return this.clientMessage(bot, client, input, undefined);
  }

  simulateEdit(input: { botToken?: string; from: TgClient; messageId: number; text: string }): TgJson {
    const bot = this.bot(input.botToken);
    const client = this.client(input.from);
    const message = {
      message_id: input.messageId,
      from: userObject(client),
      chat: privateChat(client),
      date: Math.floor(Date.now() / 1000) - 60,
      edit_date: Math.floor(Date.now() / 1000),
      text: input.text,
    };
    this.pushUpdate(bot, "edited_message", message);
    return message;
  }

  /**
   * The client blocks the bot: my_chat_member kicked; sends then fail with 403. With
   * `updateDelayed`, the update is not delivered (yet): the bot learns of the block from a send.
   */
  blockBot(userId: number, botToken?: string, options: { updateDelayed?: boolean } = {}): void {
    const bot = this.bot(botToken);
    const client = this.client(userId);
    bot.blockedBy.add(userId);
    if (!options.updateDelayed) this.pushUpdate(bot, "my_chat_member", this.membershipChange(bot, client, "member", "kicked"));
  }

  unblockBot(userId: number, botToken?: string): void {
    const bot = this.bot(botToken);
    const client = this.client(userId);
    bot.blockedBy.delete(userId);
    this.pushUpdate(bot, "my_chat_member", this.membershipChange(bot, client, "kicked", "member"));
  }

  /** A Telegram Business account connects the bot (business_connection). */
  simulateBusinessConnection(input: { botToken?: string; owner: TgClient; connectionId?: string; canReply?: boolean; isEnabled?: boolean }): string {
    const bot = this.bot(input.botToken);
    const owner = this.client(input.owner);
    const id = input.connectionId ?? randomBytes(12).toString("base64url");
    const connection = { id, owner, date: Math.floor(Date.now() / 1000), canReply: input.canReply ?? true, isEnabled: input.isEnabled ?? true };
    bot.businessConnections.set(id, connection);
    this.pushUpdate(bot, "business_connection", {
      id,
      user: userObject(owner),
      user_chat_id: owner.id,
      date: connection.date,
      rights: { can_reply: connection.canReply, can_read_messages: true },
      is_enabled: connection.isEnabled,
    });
    return id;
  }

  /** A client writes to the business account that connected the bot (business_message). */
  simulateBusinessMessage(input: Omit<TgClientMessageInput, "startPayload"> & { connectionId: string }): TgJson {
    const bot = this.bot(input.botToken);
    if (!bot.businessConnections.has(input.connectionId)) throw new Error(`no business connection ${input.connectionId}`);
    return this.clientMessage(bot, this.client(input.from), input, input.connectionId);
  }

  /**
   * The client presses an inline button of one of the bot's messages: by the button's text (or,
   * for a forged press, any callback data). The bot gets a callback_query update; the press's
   * id is returned, and the bot's answer is read with callbackAnswer.
   */
  pressButton(input: { botToken?: string; from: TgClient; messageId: number; text?: string | RegExp; data?: string; chatId?: number }): string {
    const bot = this.bot(input.botToken);
    const client = this.client(input.from);
    const chatId = input.chatId ?? client.id;
    const message = bot.sent.find((m) => m.chatId === chatId && m.messageId === input.messageId && !m.businessConnectionId);
    if (!message) throw new Error(`no bot message ${input.messageId} in chat ${chatId}`);
    let data = input.data;
    if (data === undefined) {
      const buttons = (message.keyboard ?? []).flat();
      const button = buttons.find((b) => (typeof input.text === "string" ? b.text === input.text : input.text?.test(b.text)));
      if (!button) throw new Error(`no button ${String(input.text)} on message ${input.messageId}: ${buttons.map((b) => b.text).join(" | ")}`);
      data = button.callback_data;
    }
    const id = `${BigInt(client.id) * 1000n + BigInt(bot.nextUpdateId % 1000)}${randomBytes(3).readUIntBE(0, 3)}`;
    bot.callbacks.set(id, { chatId, answered: false });
    this.pushUpdate(bot, "callback_query", {
      id,
      from: userObject(client),
      message: {
        message_id: message.messageId,
        from: bot.user,
        chat: privateChat(this.client(chatId)),
        date: message.date,
        ...(message.text !== undefined ? { text: message.text } : {}),
        ...(message.caption !== undefined ? { caption: message.caption } : {}),
        ...(message.keyboard ? { reply_markup: { inline_keyboard: message.keyboard } } : {}),
      },
      chat_instance: String(BigInt(chatId) * 7919n),
      data,
    });
    return id;
  }

  /** The bot's answer to a press, once it answered (answerCallbackQuery). */
  callbackAnswer(callbackId: string, botToken?: string): { answered: boolean; text?: string; showAlert?: boolean } | undefined {
    return this.bot(botToken).callbacks.get(callbackId);
  }

  /** The newest bot message in the chat that carries an inline keyboard: the menu the client sees. */
  lastKeyboardMessage(chatId: number, botToken?: string): TgSentMessage | undefined {
    return this.sentMessages(chatId, { botToken }).filter((m) => m.keyboard?.length).at(-1);
  }

  sentMessages(chatId: number, options: { botToken?: string; businessConnectionId?: string } = {}): TgSentMessage[] {
    const bots = options.botToken ? [this.bot(options.botToken)] : [...this.bots.values()];
    return bots.flatMap((bot) =>
      bot.sent.filter((m) => m.chatId === chatId && (options.businessConnectionId === undefined || m.businessConnectionId === options.businessConnectionId)),
    );
  }

  async waitForSent(chatId: number, count: number, timeoutMs = 5000): Promise<TgSentMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.sentMessages(chatId).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} messages to ${chatId}`);
      await new Promise<void>((resolve) => {
        const listeners = this.sentListeners;
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          listeners.delete(done);
          resolve();
        }
        listeners.add(done);
      });
    }
    return this.sentMessages(chatId);
  }

  /**
   * The bot's file is gone for Telegram (as when a file_id stops working): sending it by its id
   * is refused with "wrong file identifier", as the Bot API refuses any id it does not know.
   */
  forgetFile(fileId: string, botToken?: string): void {
    const bot = this.bot(botToken);
    bot.files.delete(fileId);
    bot.files.delete(`${fileId}_t`);
  }

  /** The next `count` calls (of `method`, or any) fail with this Bot API error. */
  /**
   * The next call of `method` is carried out (a message is delivered) but its answer is lost: the
   * connection drops before the response, as on a network failure mid-request.
   */
  loseNextAnswer(method: string): void {
    this.lostAnswers.push(method.toLowerCase());
  }

  /**
   * The next call of `method` (whose parameters `match`) is carried out at once, the message
   * delivered and its buttons pressable, but its answer waits until `release()`: a slow network
   * between the bot and Telegram. `reached` resolves when the call has been carried out.
   */
  holdNextAnswer(method: string, match: (fields: ReadonlyMap<string, unknown>) => boolean = () => true): HeldAnswer {
    let release!: () => void;
    let reach!: () => void;
    const hold: HeldAnswer = { released: new Promise<void>((r) => (release = r)), reached: new Promise<void>((r) => (reach = r)), release: () => release(), reach: () => reach() };
    this.heldAnswers.push({ method: method.toLowerCase(), match, hold });
    return hold;
  }

  failNext(input: { errorCode: number; description: string; method?: string; retryAfter?: number; count?: number }): void {
    const parameters = input.retryAfter !== undefined ? { retry_after: input.retryAfter } : undefined;
    this.failures.push({ method: input.method?.toLowerCase(), error: new TgApiError(input.errorCode, input.description, parameters), remaining: input.count ?? 1 });
  }

  setRates(rates: { botRate?: { limit: number; windowMs: number }; chatRate?: { limit: number; windowMs: number } }): void {
    for (const [limiter, rate] of [[this.botRate, rates.botRate], [this.chatRate, rates.chatRate]] as const) {
      if (!rate) continue;
      limiter.limit = rate.limit;
      limiter.windowMs = rate.windowMs;
      limiter.reset();
    }
  }

  /** Updates waiting for getUpdates or for webhook delivery. */
  pendingUpdates(botToken?: string): TgJson[] {
    return [...this.bot(botToken).pending];
  }

  // ---- TgMethodHost ---------------------------------------------------------------------------

  user(id: number): TgUser | undefined {
    return this.users.get(id);
  }

  /** Sends refused with 429 since the rates were last set: over the bot's rate, or a chat's. */
  get rateRejections(): { bot: number; chat: number } {
    return { bot: this.botRate.rejected, chat: this.chatRate.rejected };
  }

  checkSendRate(bot: TgBot, chatId: number, businessConnectionId?: string): void {
    // A business account's chat with a client is another chat than the bot's own with them.
    const chatKey = `${bot.id}:${businessConnectionId ?? ""}:${chatId}`;
    for (const check of [this.botRate.hit(`${bot.id}`), this.chatRate.hit(chatKey)]) {
      if (!check.ok) {
        const seconds = Math.max(1, Math.ceil(check.retryAfterMs / 1000));
        throw new TgApiError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
      }
    }
  }

  setWebhook(bot: TgBot, webhook: { url: string; secretToken?: string; maxConnections: number } | undefined, dropPending: boolean): void {
    bot.webhook = webhook;
    if (dropPending) bot.pending.length = 0;
    for (const wake of this.updateWaiters) wake();
    if (webhook) void this.pump(bot);
  }

  async waitForUpdates(bot: TgBot, timeoutSec: number): Promise<void> {
    const deadline = Date.now() + timeoutSec * 1000;
    const generation = bot.pollGeneration;
    while (bot.pending.length === 0 && !bot.webhook && bot.pollGeneration === generation && Date.now() < deadline && this.server) {
      await new Promise<void>((resolve) => {
        const waiters = this.updateWaiters;
        const timer = setTimeout(wake, deadline - Date.now());
        function wake() {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        }
        waiters.add(wake);
      });
    }
  }

  recordSent(): void {
    for (const listener of [...this.sentListeners]) listener();
  }

  interruptPolls(): void {
    for (const wake of [...this.updateWaiters]) wake();
  }

  // ---- updates and webhook delivery -----------------------------------------------------------

  private pushUpdate(bot: TgBot, type: string, object: TgJson): void {
    if (!bot.wants(type)) return;
    bot.pending.push({ update_id: bot.nextUpdateId++, [type]: object });
    for (const wake of this.updateWaiters) wake();
    if (bot.webhook) void this.pump(bot);
  }

  /** Delivers pending updates to the webhook in order, one at a time, as Telegram does. */
  private async pump(bot: TgBot): Promise<void> {
    if (this.pumping.has(bot)) return;
    this.pumping.add(bot);
    const delays = this.options.webhookRetryDelaysMs ?? [1000, 3000, 10000, 30000];
    let failures = 0;
    try {
      while (bot.webhook && bot.pending.length > 0 && !this.stopSignal.signal.aborted) {
        const webhook = bot.webhook;
        const update = bot.pending[0]!;
        const attempt = await this.post(webhook.url, update, webhook.secretToken);
        this.webhookAttempts.push(attempt);
        if (attempt.status !== null && attempt.status >= 200 && attempt.status < 300) {
          if (bot.pending[0] === update) bot.pending.shift();
          failures = 0;
          continue;
        }
        webhook.lastErrorDate = Math.floor(attempt.at / 1000);
        webhook.lastErrorMessage = attempt.status === null ? "Connection refused" : `Wrong response from the webhook: ${attempt.status}`;
        failures += 1;
        if (failures > delays.length) {
          if (bot.pending[0] === update) bot.pending.shift();
          failures = 0;
          continue;
        }
        await sleep(delays[failures - 1]!, this.stopSignal.signal);
      }
    } finally {
      this.pumping.delete(bot);
    }
  }

  private async post(url: string, update: TgJson, secretToken: string | undefined): Promise<DeliveryAttempt> {
    const at = Date.now();
    try {
      const signal = AbortSignal.any([this.stopSignal.signal, AbortSignal.timeout(this.options.webhookTimeoutMs ?? 5000)]);
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(secretToken ? { "X-Telegram-Bot-Api-Secret-Token": secretToken } : {}) },
        body: JSON.stringify(update),
        signal,
      });
      return { url, status: response.status, responseText: await response.text(), at };
    } catch (error) {
      return { url, status: null, responseText: "", error: String(error), at };
    }
  }

  // ---- HTTP -----------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const api = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (api) return this.handleMethod(req, res, url, decodeURIComponent(api[1]!), api[2]!);
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.handleFile(res, decodeURIComponent(file[1]!), decodeURIComponent(file[2]!));
    sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
  }

  private async handleMethod(req: IncomingMessage, res: ServerResponse, url: URL, token: string, name: string): Promise<void> {
    const bot = this.bots.get(token);
    if (!bot) return sendJson(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const method = TG_METHODS_BY_NAME.get(name.toLowerCase());
    if (!method) return sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    try {
      let params;
      try {
        params = readParams(url, req.headers["content-type"], await readBody(req));
      } catch (error) {
        throw new TgApiError(error instanceof BodyTooLargeError ? 413 : 400, error instanceof BodyTooLargeError ? "Request Entity Too Large" : "Bad Request: can't parse request body");
      }
      const failure = this.failures.find((f) => f.remaining > 0 && (f.method === undefined || f.method === method.name.toLowerCase()));
      if (failure) {
        failure.remaining -= 1;
        if (failure.remaining === 0) this.failures.splice(this.failures.indexOf(failure), 1);
        throw failure.error;
      }
      const result = await method.handle({ host: this, bot, params: new TgParams(method.name, method.params, params.fields, params.files) });
      const held = this.heldAnswers.findIndex((h) => h.method === method.name.toLowerCase() && h.match(params.fields));
      if (held >= 0) {
        const { hold } = this.heldAnswers.splice(held, 1)[0]!;
        hold.reach();
        await hold.released;
      }
      const lost = this.lostAnswers.indexOf(method.name.toLowerCase());
      if (lost >= 0) {
        this.lostAnswers.splice(lost, 1);
        res.socket?.destroy();
        return;
      }
      if (res.destroyed) return;
      if (isDescribedResult(result)) sendJson(res, 200, { ok: true, result: result.result, description: result.description });
      else sendJson(res, 200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof TgApiError)) throw error;
      sendJson(res, error.code, {
        ok: false,
        error_code: error.code,
        description: error.description,
        ...(error.parameters ? { parameters: error.parameters } : {}),
      });
    }
  }

  private handleFile(res: ServerResponse, token: string, path: string): void {
    const file = this.bots.get(token)?.filesByPath.get(path);
    if (!file) return sendJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    // Telegram's file server does not know the type; clients rely on the message's mime_type.
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.data.length });
    res.end(file.data);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private bot(token?: string): TgBot {
    if (token !== undefined) {
      const bot = this.bots.get(token);
      if (!bot) throw new Error("no simulated bot with this token");
      return bot;
    }
    if (this.bots.size !== 1) throw new Error("pass botToken: the simulator has several bots");
    return this.bots.values().next().value!;
  }

  private client(from: TgClient): TgUser {
    const id = typeof from === "number" ? from : from.id;
    const known = this.users.get(id);
    if (typeof from === "number" && known) return known;
    const name = russianName(id);
    // A client given as an object is taken as written; a bare id gets a generated Russian name.
    const user: TgUser =
      typeof from === "object"
        ? { ...known, ...from, first_name: from.first_name ?? known?.first_name ?? name.firstName }
        : { id, first_name: name.firstName, last_name: name.lastName, language_code: "ru" };
    this.users.set(id, user);
    return user;
  }

  private membershipChange(bot: TgBot, client: TgUser, before: string, after: string): TgJson {
    const member = (status: string) => (status === "kicked" ? { status, user: bot.user, until_date: 0 } : { status, user: bot.user });
    return {
      chat: privateChat(client),
      from: userObject(client),
      date: Math.floor(Date.now() / 1000),
      old_chat_member: member(before),
      new_chat_member: member(after),
    };
  }

  private clientMessage(bot: TgBot, client: TgUser, input: TgClientMessageInput, businessConnectionId: string | undefined): TgJson {
    const content: TgJson = {};
    const text = input.startPayload !== undefined ? `/start ${input.startPayload}` : input.text;
    if (text !== undefined) {
      content.text = text;
      if (text.startsWith("/")) content.entities = [{ type: "bot_command", offset: 0, length: text.split(/\s/)[0]!.length }];
    }
    if (input.photo) {
      const data = input.photo.data ?? solidPng(800, 600);
      const size = imageSize(data) ?? { width: 800, height: 600 };
      const file = bot.storeFile({ data, mime: mimeOfImage(data), fileName: "photo.jpg", folder: "photos", ext: "jpg" });
      content.photo = bot.photoSizes(file, size.width, size.height);
    }
    if (input.document) {
      const { data, fileName } = input.document;
      const file = bot.storeFile({ data, mime: mimeFromName(fileName, input.document.mime), fileName, folder: "documents", ext: extensionOf(fileName, "dat") });
      content.document = documentObject(file);
    }
    if (input.voice) {
      const data = input.voice.data ?? Buffer.concat([Buffer.from("OggS"), Buffer.alloc(input.voice.durationSec * 2000)]);
      const file = bot.storeFile({ data, mime: "audio/ogg", fileName: "voice.oga", folder: "voice", ext: "oga" });
      content.voice = voiceObject(file, input.voice.durationSec);
    }
    if (input.contact) {
      content.contact = { phone_number: input.contact.phoneNumber, first_name: client.first_name, ...(client.last_name ? { last_name: client.last_name } : {}), user_id: client.id };
    }
    if (input.caption !== undefined && content.text === undefined) content.caption = input.caption;
    const message = {
      message_id: bot.messageId(client.id, businessConnectionId),
      from: userObject(client),
      chat: privateChat(client),
      date: Math.floor(Date.now() / 1000),
      ...(businessConnectionId ? { business_connection_id: businessConnectionId } : {}),
      ...content,
    };
    this.pushUpdate(bot, businessConnectionId ? "business_message" : "message", message);
    return message;
  }
}
