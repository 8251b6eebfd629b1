import type { Env } from "@threadline/config";
import { TelegramAdapter, VkAdapter } from "@threadline/channels";

/**
 * Where the platforms and providers are reached: operator settings from the environment, the
 * same for every project (a tenant cannot point the worker at another host).
 */
export type Endpoints = {
  telegramApiRoot: string;
  vkApiBaseUrl: string;
  openaiBaseUrl: string;
  elevenlabsBaseUrl: string;
  /** YooKassa API v3 root (…/v3) and Stripe's API origin. */
  yookassaApiUrl: string;
  stripeApiUrl: string;
  /** Exact origins client files may also come from, http or private allowed (simulators, a local Bot API). */
  mediaExtraOrigins: string[];
};

/** The platforms' and providers' own addresses. */
export const PUBLIC_ENDPOINTS: Readonly<Endpoints> = Object.freeze({
  telegramApiRoot: "https://api.telegram.org",
  vkApiBaseUrl: "https://api.vk.ru/method",
  openaiBaseUrl: "https://api.openai.com/v1",
  elevenlabsBaseUrl: "https://api.elevenlabs.io",
  yookassaApiUrl: "https://api.yookassa.ru/v3",
  stripeApiUrl: "https://api.stripe.com",
  mediaExtraOrigins: [],
});

export function endpointsFromEnv(env: Env): Endpoints {
  return {
    telegramApiRoot: env.TELEGRAM_API_ROOT,
    vkApiBaseUrl: env.VK_API_BASE_URL,
    openaiBaseUrl: env.OPENAI_BASE_URL,
    elevenlabsBaseUrl: env.ELEVENLABS_BASE_URL,
    yookassaApiUrl: env.YOOKASSA_API_URL,
    stripeApiUrl: env.STRIPE_API_URL,
    mediaExtraOrigins: env.MEDIA_FETCH_EXTRA_ORIGINS,
  };
}

/** Base URLs compare without a trailing slash. */
export function sameBaseUrl(a: string | null | undefined, b: string): boolean {
  return !!a && a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** A Telegram bot on the operator's Bot API root; its files only from that root's host. */
export function telegramAdapter(endpoints: Readonly<Endpoints>, token: string): TelegramAdapter {
  return new TelegramAdapter({ token, apiRoot: endpoints.telegramApiRoot, media: { extraOrigins: endpoints.mediaExtraOrigins } });
}

/** A VK community on the operator's VK API; its files only from VK's file hosts. */
export function vkAdapter(endpoints: Readonly<Endpoints>, groupId: number, token: string): VkAdapter {
  return new VkAdapter({ groupId, token, apiBaseUrl: endpoints.vkApiBaseUrl, media: { extraOrigins: endpoints.mediaExtraOrigins } });
}
