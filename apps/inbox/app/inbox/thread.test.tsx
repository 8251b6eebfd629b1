import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callsTo, FixtureError, renderWithApi, type Fixtures } from "@threadline/ui/testing";
import { conversation, historyPage, message } from "./testing/fixtures.ts";
import { Thread } from "./thread.tsx";
import type { Access } from "./types.ts";

const manager: Access = { permissions: ["conversations.reply"], hiddenFields: [] };

const history = [
  message({ text: "Здравствуйте! Есть доставка в Тверь?", sentAt: new Date("2025-11-20T10:00:00") }),
  message({ direction: "out", author: "agent", text: "Да, доставляем за 2 дня.", delivery: "read", sentAt: new Date("2025-11-20T10:01:00") }),
  message({ text: "А сколько стоит?", sentAt: new Date("2025-11-26T09:00:00") }),
  message({ direction: "out", author: "member", authorName: "Анна Смирнова", text: "300 ₽, подробности: https://example.ru/delivery", delivery: "sent", sentAt: new Date("2025-11-27T11:00:00") }),
  message({ direction: "out", author: "member", authorName: "Анна Смирнова", text: "Счёт во вложении", delivery: "failed", failureReason: "Клиент ограничил сообщения", sentAt: new Date("2025-11-27T11:02:00") }),
];

function renderThread(fixtures: Fixtures, access: Access | undefined = manager, onClose = vi.fn()) {
  const view = renderWithApi(
    <Thread projectId="p1" conversationId="conv-1" access={access} myName="Анна Смирнова" panelOpen={false} onTogglePanel={() => {}} onClose={onClose} />,
    {
      "conversations.get": () => conversation(),
      "conversations.messages": () => historyPage(history),
      "conversations.markRead": () => ({ ok: true }),
      ...fixtures,
    },
  );
  return { ...view, onClose };
}

const bubbles = () => screen.queryAllByTestId("message");

describe("Thread", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2025-11-27T15:00:00"), toFake: ["Date"] });
  });
  afterEach(() => vi.useRealTimers());

  it("reads oldest to newest with day separators, authors and delivery marks", async () => {
    const { calls } = renderThread({ "conversations.list": () => ({ items: [], nextCursor: null }) });
    expect(await screen.findByText("Мария Иванова")).toBeTruthy();
    await waitFor(() => expect(bubbles()).toHaveLength(5));
    const log = screen.getByTestId("thread");
    // Separators and bubbles in reading order.
    const order = [...log.querySelectorAll("div.sticky > span, [data-testid=message] span.whitespace-pre-wrap")].map((el) => el.textContent);
    expect(order).toEqual([
      "20 ноября",
      "Здравствуйте! Есть доставка в Тверь?",
      "Да, доставляем за 2 дня.",
      "Вчера",
      "А сколько стоит?",
      "Сегодня",
      "300 ₽, подробности: https://example.ru/delivery",
      "Счёт во вложении",
    ]);
    expect(screen.getByText("Начало переписки")).toBeTruthy();

    const [fromClient, fromAgent, , fromAnna, failed] = bubbles();
    expect(fromClient!.dataset.direction).toBe("in");
    expect(within(fromAgent!).getByText("ИИ-агент")).toBeTruthy();
    expect(within(fromAgent!).getByLabelText("Прочитано")).toBeTruthy();
    expect(within(fromAnna!).getByText("Анна Смирнова")).toBeTruthy();
    expect(within(fromAnna!).getByLabelText("Отправлено")).toBeTruthy();
    expect(within(fromAnna!).getByRole("link", { name: "https://example.ru/delivery" }).getAttribute("href")).toBe("https://example.ru/delivery");
    // The second of two messages in a row by the same person does not repeat the name.
    expect(within(failed!).queryByText("Анна Смирнова")).toBeNull();
    expect(within(failed!).getByRole("alert").textContent).toBe("Клиент ограничил сообщения");
    expect(failed!.dataset.delivery).toBe("failed");
    // Opened in a focused tab, the conversation is read.
    await waitFor(() => expect(callsTo(calls, "conversations.markRead")).toEqual([{ projectId: "p1", conversationId: "conv-1" }]));
  });

  it("shows a client's /start as the client opening the bot by the campaign's link", async () => {
    renderWithApi(
      <Thread projectId="p1" conversationId="conv-1" access={manager} myName="Анна Смирнова" panelOpen={false} onTogglePanel={() => {}} onClose={() => {}} />,
      {
        "conversations.get": () => ({ ...conversation(), attribution: { utmSource: "vk_ads", utmCampaign: "spring" } }),
        "conversations.messages": () => historyPage([message({ text: "/start", sentAt: new Date("2025-11-27T10:00:00") }), message({ text: "Здравствуйте", sentAt: new Date("2025-11-27T10:00:05") })]),
        "conversations.markRead": () => ({ ok: true }),
      },
    );
    expect(await screen.findByText("Клиент открыл бота по ссылке кампании «spring»")).toBeTruthy();
    expect(screen.queryByText("/start")).toBeNull();
  });

  it("sends a reply that shows at once as pending, then as the server has it", async () => {
    let sent = false;
    let deliver = () => {};
    const { calls } = renderThread({
      "conversations.messages": () => historyPage(sent ? [...history, message({ id: 900, direction: "out", author: "member", authorName: "Анна Смирнова", text: "Уже едем", delivery: "sent" })] : history),
      "conversations.reply": () =>
        new Promise((resolve) => {
          deliver = () => {
            sent = true;
            resolve({ id: 900 });
          };
        }),
      "conversations.list": () => ({ items: [], nextCursor: null }),
    });
    await waitFor(() => expect(bubbles()).toHaveLength(5));
    await userEvent.type(screen.getByRole("textbox"), "Уже едем{Enter}");
    await waitFor(() => expect(bubbles()).toHaveLength(6));
    expect(callsTo(calls, "conversations.reply")).toEqual([{ projectId: "p1", conversationId: "conv-1", text: "Уже едем", file: undefined }]);
    const last = () => bubbles().at(-1)!;
    expect(within(last()).getByText("Уже едем")).toBeTruthy();
    expect(within(last()).getByLabelText("Отправляется")).toBeTruthy();
    expect(last().dataset.delivery).toBe("pending");
    deliver();
    await waitFor(() => expect(last().dataset.delivery).toBe("sent"));
    expect(bubbles()).toHaveLength(6);
  });

  it("a reply the server refuses does not stay in the thread, and its text comes back", async () => {
    renderThread({
      "conversations.reply": () => {
        throw new FixtureError("BAD_REQUEST", "Канал отключён");
      },
      "conversations.list": () => ({ items: [], nextCursor: null }),
    });
    await waitFor(() => expect(bubbles()).toHaveLength(5));
    await userEvent.type(screen.getByRole("textbox"), "Уже едем{Enter}");
    expect((await screen.findAllByRole("alert")).map((a) => a.textContent)).toContain("Канал отключён");
    expect(bubbles()).toHaveLength(5);
    expect((screen.getByRole("textbox") as HTMLTextAreaElement).value).toBe("Уже едем");
  });

  it("says why a manager cannot reply", async () => {
    renderThread({ "conversations.get": () => conversation({ contact: { ...conversation().contact, active: false } }) });
    expect(await screen.findByText("Клиент запретил сообщения — ответить нельзя.")).toBeTruthy();
    expect(screen.getByText("неактивен")).toBeTruthy();
    expect(screen.queryByRole("textbox")).toBeNull();
  });

  it("without the reply permission shows that instead of the box", async () => {
    renderThread({}, { permissions: [], hiddenFields: [] });
    expect(await screen.findByText("Ваша роль не позволяет отвечать клиентам.")).toBeTruthy();
  });

  it("says the conversation is gone when the server does not find it", async () => {
    renderThread({
      "conversations.get": () => {
        throw new FixtureError("NOT_FOUND", "Диалог не найден");
      },
    });
    expect(await screen.findByText("Диалог недоступен")).toBeTruthy();
  });

  it("«Отметить непрочитанным» marks it and closes the conversation", async () => {
    const { calls, onClose } = renderThread({ "conversations.markUnread": () => ({ ok: true }), "conversations.list": () => ({ items: [], nextCursor: null }) });
    await waitFor(() => expect(bubbles()).toHaveLength(5));
    await userEvent.click(screen.getByRole("button", { name: "Отметить непрочитанным" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(callsTo(calls, "conversations.markUnread")).toEqual([{ projectId: "p1", conversationId: "conv-1" }]);
  });
});
