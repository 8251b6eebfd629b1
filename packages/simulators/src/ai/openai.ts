// An OpenAI Chat Completions simulator for tests and the demo: POST /v1/chat/completions with
// JSON-schema structured output and usage, 401 for a key it does not know, 429 / 5xx on request.
// Its answers are deterministic and bounded by the project's knowledge: it classifies with the
// same rules as the agent and words replies from the plan and the knowledge in the prompt.
import { analyzeMessage } from "@threadline/ai";
import { findAnswers } from "@threadline/ai";
import { INTENT_SCHEMA_NAME, knowledgeFromPrompt, REPLY_SCHEMA_NAME } from "@threadline/ai";
import { answerFromPassages, COPILOT_SCHEMA_NAME, defaultScript, summarizeWithRules, SUMMARY_SCHEMA_NAME, type KnowledgePassage } from "@threadline/ai";
import { boundaryOf, parseMultipart } from "../channels/multipart.ts";
import { simulatedEmbedding } from "./embeddings.ts";
import { json, SimulatorServer, type RecordedRequest, type Reply } from "./http.ts";

/**
 * Simulated speech: the text a simulated voice note "says" rides in its bytes after this marker
 * (base64), so any simulated client can send a voice note whose transcription is known.
 */
export const SPEECH_MARKER = "TLSPEECH:";

/** Ogg bytes of a simulated voice note that says `text`: a real Ogg capture pattern, silence, and the text. */
export function simulatedVoice(text: string, durationSec = Math.max(2, Math.ceil(text.length / 15))): Buffer {
  return Buffer.concat([Buffer.from("OggS"), Buffer.alloc(durationSec * 2000), Buffer.from(`${SPEECH_MARKER}${Buffer.from(text, "utf8").toString("base64")}`, "latin1")]);
}

/** The text a simulated voice note carries (empty for any other audio). */
export function spokenText(audio: Buffer): string {
  const at = audio.lastIndexOf(SPEECH_MARKER);
  if (at < 0) return "";
  return Buffer.from(audio.subarray(at + SPEECH_MARKER.length).toString("latin1"), "base64").toString("utf8");
}

export interface OpenAiSimulatorOptions {
  /** Keys it accepts; ["sk-simulator"] unless given. */
  apiKeys?: string[];
}

interface ChatRequest {
  model?: unknown;
  messages?: { role?: string; content?: unknown }[];
  response_format?: { type?: string; json_schema?: { name?: string; schema?: Record<string, unknown> } };
}

interface EmbeddingRequest {
  model?: unknown;
  input?: unknown;
  dimensions?: unknown;
  encoding_format?: unknown;
}

const error = (status: number, message: string, type: string, code: string | null = null, param: string | null = null) =>
  json(status, { error: { message, type, param, code } });

/** Rough token count: about four bytes of UTF-8 per token, as OpenAI's tokenizers average. */
function tokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / 4);
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (part as { text?: string }).text ?? "").join("\n");
  return "";
}

/** The smallest value that fits a JSON schema: for schemas the simulator has no meaning for. */
function exampleOf(schema: Record<string, unknown> | undefined): unknown {
  if (!schema) return {};
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, exampleOf(v)]));
    }
    case "array":
      return [];
    case "string":
      return "";
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export class OpenAiSimulator extends SimulatorServer {
  readonly apiKeys: readonly string[];
  private counter = 0;

  constructor(options: OpenAiSimulatorOptions = {}) {
    super();
    this.apiKeys = options.apiKeys ?? ["sk-simulator"];
  }

  /** A key it accepts. */
  get apiKey(): string {
    return this.apiKeys[0] ?? "";
  }

  /** What to pass as the openai SDK's baseURL. */
  get baseURL(): string {
    return `${this.url}/v1`;
  }

  /** The chat completion requests received, oldest first. */
  get completions(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === "/v1/chat/completions");
  }

  protected faultBody(status: number): unknown {
    if (status === 429) return { error: { message: "Rate limit reached for requests. Please try again later.", type: "requests", param: null, code: "rate_limit_exceeded" } };
    if (status === 401) return { error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } };
    return { error: { message: "The server had an error while processing your request.", type: "server_error", param: null, code: null } };
  }

  protected handle(method: string, path: string, headers: RecordedRequest["headers"], body: unknown): Reply {
    const auth = typeof headers.authorization === "string" ? headers.authorization : "";
    const key = auth.startsWith("Bearer ") ? auth.slice(7) : "";
    if (!this.apiKeys.includes(key)) {
      return error(401, `Incorrect API key provided: ${key.slice(0, 6)}****. You can find your API key in your account settings.`, "invalid_request_error", "invalid_api_key");
    }
    if (method === "GET" && path === "/v1/models") {
      return json(200, { object: "list", data: ["gpt-4o-mini", "gpt-4.1-mini"].map((id) => ({ id, object: "model", created: 0, owned_by: "simulator" })) });
    }
    if (method === "POST" && path === "/v1/audio/transcriptions") return this.transcribe(headers, body);
    if (method === "POST" && path === "/v1/embeddings") return this.embed(body as EmbeddingRequest);
    if (method !== "POST" || path !== "/v1/chat/completions") return error(404, `Unknown request URL: ${method} ${path}.`, "invalid_request_error", "unknown_url");
    return this.complete(body as ChatRequest);
  }

  /** The transcription requests received, oldest first. */
  get transcriptions(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === "/v1/audio/transcriptions");
  }

  /** The embedding requests received, oldest first. */
  get embeddings(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === "/v1/embeddings");
  }

  /** `/v1/embeddings`: one vector per input, as floats or base64 float32 (the SDK's default). */
  private embed(request: EmbeddingRequest): Reply {
    if (typeof request?.model !== "string" || !request.model) return error(400, "you must provide a model parameter", "invalid_request_error", null, "model");
    const inputs = typeof request.input === "string" ? [request.input] : request.input;
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.some((t) => typeof t !== "string" || t === "")) {
      return error(400, "'input' : input must be a non-empty string or an array of non-empty strings", "invalid_request_error", null, "input");
    }
    if (inputs.length > 2048) return error(400, "'input' : maximum 2048 inputs per request", "invalid_request_error", null, "input");
    const dimensions = typeof request.dimensions === "number" ? request.dimensions : request.model.includes("large") ? 3072 : 1536;
    const base64 = request.encoding_format === "base64";
    const data = (inputs as string[]).map((text, index) => {
      const vector = simulatedEmbedding(text, dimensions);
      return { object: "embedding", index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString("base64") : vector };
    });
    const promptTokens = (inputs as string[]).reduce((sum, t) => sum + tokens(t), 0);
    return json(200, { object: "list", data, model: request.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } });
  }

  /** `/v1/audio/transcriptions` (multipart: file, model): the text a simulated voice note carries. */
  private transcribe(headers: RecordedRequest["headers"], body: unknown): Reply {
    const boundary = boundaryOf(String(headers["content-type"] ?? ""));
    if (!boundary || !Buffer.isBuffer(body)) return error(400, "Could not parse multipart form", "invalid_request_error");
    const parts = parseMultipart(body, boundary);
    const file = parts.find((p) => p.name === "file");
    const model = parts.find((p) => p.name === "model")?.data.toString("utf8");
    if (!model) return error(400, "you must provide a model parameter", "invalid_request_error", null, "model");
    if (!file || file.data.length === 0) return error(400, "No file was provided", "invalid_request_error", null, "file");
    return json(200, { text: spokenText(file.data) });
  }

  private complete(request: ChatRequest): Reply {
    if (typeof request?.model !== "string" || !request.model) return error(400, "you must provide a model parameter", "invalid_request_error", null, "model");
    if (!Array.isArray(request.messages) || request.messages.length === 0) {
      return error(400, "'messages' must contain at least one message", "invalid_request_error", null, "messages");
    }
    if ((request as { stream?: unknown }).stream === true) {
      return error(400, "The simulator answers without streaming; call without stream: true", "invalid_request_error", null, "stream");
    }
    const format = request.response_format;
    if (format?.type === "json_schema" && (!format.json_schema?.name || !format.json_schema.schema)) {
      return error(400, "response_format json_schema needs a name and a schema", "invalid_request_error", null, "response_format");
    }
    const system = request.messages.filter((m) => m.role === "system").map((m) => textOf(m.content)).join("\n");
    const user = textOf([...request.messages].reverse().find((m) => m.role === "user")?.content);
    const content =
      format?.type === "json_schema"
        ? JSON.stringify(this.structured(format.json_schema?.name ?? "", format.json_schema?.schema, system, user))
        : format?.type === "json_object"
          ? JSON.stringify({ answer: this.plainAnswer(system, user) })
          : this.plainAnswer(system, user);

    const promptTokens = request.messages.reduce((sum, m) => sum + 3 + tokens(textOf(m.content)), 3);
    const completionTokens = tokens(content);
    this.counter++;
    return json(200, {
      id: `chatcmpl-sim${this.counter.toString().padStart(6, "0")}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [{ index: 0, message: { role: "assistant", content, refusal: null, annotations: [] }, logprobs: null, finish_reason: "stop" }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      service_tier: "default",
      system_fingerprint: "fp_simulator",
    });
  }

  private structured(name: string, schema: Record<string, unknown> | undefined, system: string, user: string): unknown {
    const input = parseJson(user);
    if (name === INTENT_SCHEMA_NAME) {
      const conversation = Array.isArray(input.conversation) ? (input.conversation as { text?: string }[]) : [];
      const lastAgent = conversation.at(-1)?.text ?? "";
      const signals = analyzeMessage(typeof input.newMessage === "string" ? input.newMessage : user, {
        afterPhoneAsk: /номер|телефон/i.test(lastAgent),
      });
      return { intent: signals.intent, refusesPhone: signals.refusal, wantsPerson: signals.humanRequested, isQuestion: signals.question };
    }
    if (name === REPLY_SCHEMA_NAME) {
      const plan = Array.isArray(input.plan) ? (input.plan as { action?: string; text?: string }[]) : [];
      // Words answers a little differently from the rules, keeping every fact as the plan has it.
      return { messages: plan.map((p) => ({ action: p.action ?? "answer", text: p.action === "answer" ? `Конечно! ${p.text ?? ""}` : (p.text ?? "") })) };
    }
    if (name === COPILOT_SCHEMA_NAME) {
      // The manager's suggestion: the passage sentence that answers the question, else the rules' own suggestion.
      const passages = Array.isArray(input.passages) ? (input.passages as KnowledgePassage[]) : [];
      const question = typeof input.question === "string" ? input.question : user;
      const found = answerFromPassages(passages, question)?.text ?? (typeof input.rulesSuggestion === "string" ? input.rulesSuggestion : "");
      return { reply: found ? `Здравствуйте! ${found}` : "Здравствуйте! Уточню и вернусь с ответом." };
    }
    if (name === SUMMARY_SCHEMA_NAME) {
      const conversation = Array.isArray(input.conversation) ? (input.conversation as { author?: string; text?: string }[]) : [];
      const thread = conversation.map((m) => ({ author: m.author === "Клиент" ? ("client" as const) : ("member" as const), text: m.text ?? "", sentAt: new Date(0) }));
      const s = summarizeWithRules({ script: defaultScript(""), thread });
      return { wants: s.wants, budget: s.budget, date: s.date, objections: s.objections };
    }
    return exampleOf(schema);
  }

  private plainAnswer(system: string, user: string): string {
    const knowledge = knowledgeFromPrompt(system);
    const answers = knowledge ? findAnswers(knowledge, user) : [];
    return answers.length ? answers.map((a) => a.text).join(" ") : "Уточню у менеджера и вернусь с ответом.";
  }
}
