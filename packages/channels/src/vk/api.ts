import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { API, APIError, ExecuteError, Upload, type APIRequest } from "vk-io";

export const VK_API_VERSION = "5.199";
export const VK_API_BASE_URL = "https://api.vk.ru/method";

/**
 * vk-io's request worker paces calls at its own rate and retries error 6 forever. Threadline's
 * outbound queue owns pacing and retries per community token, so every call here goes straight
 * to VK through vk-io's own request encoding, and every error reaches the caller.
 */
class DirectVkApi extends API {
  override async callWithRequest<T>(request: APIRequest): Promise<T> {
    const raw = (await request.make()) as {
      response?: unknown;
      error?: ConstructorParameters<typeof APIError>[0];
      execute_errors?: ConstructorParameters<typeof ExecuteError>[0][];
    };
    if (raw.error !== undefined) throw new APIError(raw.error);
    if (request.method === "execute" || request.method.startsWith("execute.")) {
      return { response: raw.response, errors: (raw.execute_errors ?? []).map((e) => new ExecuteError(e)) } as T;
    }
    return raw.response as T;
  }
}

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/**
 * vk-io hands its agent to node-fetch, which also accepts a function of the URL: upload and
 * long-poll URLs come from VK's answers and need the agent of their own protocol.
 */
const agentFor = ((url: URL) => (url.protocol === "http:" ? httpAgent : httpsAgent)) as unknown as HttpsAgent;

export interface VkApiOptions {
  token: string;
  /** VK's https://api.vk.ru/method unless the channel is configured otherwise. */
  apiBaseUrl?: string;
  timeoutMs?: number;
}

export interface VkClient {
  api: API;
  upload: Upload;
}

export function createVkClient(options: VkApiOptions): VkClient {
  const api = new DirectVkApi({
    token: options.token,
    apiBaseUrl: options.apiBaseUrl ?? VK_API_BASE_URL,
    apiVersion: VK_API_VERSION,
    apiTimeout: options.timeoutMs ?? 10_000,
    agent: agentFor,
  });
  const upload = new Upload({ api, agent: agentFor, uploadTimeout: options.timeoutMs ?? 20_000 });
  return { api, upload };
}
