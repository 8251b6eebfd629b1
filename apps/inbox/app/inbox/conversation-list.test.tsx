import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callsTo, renderWithApi, type Fixtures } from "@threadline/ui/testing";
import { MemoryRouter } from "react-router";
import { ConversationList } from "./conversation-list.tsx";
import { listPage, row } from "./testing/fixtures.ts";
import type { ConversationRow } from "./types.ts";

type ListInput = { filter: string; search?: string; channelId?: string; intent?: string; tagId?: string; cursor?: unknown };

const tags = [{ id: "7a000000-0000-4000-8000-000000000001", name: "VIP", color: "amber" }];

const rows = {
  maria: row({ id: "c-maria", name: "Мария Иванова", unread: 2, preview: "Сколько стоит доставка?", lastMessageAt: new Date("2025-11-27T14:05:00") }),
  mine: row({ id: "c-mine", name: "Пётр Сидоров", lastBy: "me", lastDirection: "out", lastAuthor: "member", preview: "Доставим завтра", stage: "assigned", assigneeName: "Анна Смирнова", lastMessageAt: new Date("2025-11-26T18:00:00") }),
  colleague: row({ id: "c-colleague", name: "", contact: { id: "k3", name: "", username: "sasha_k", phone: null, profileUrl: null, active: true }, lastBy: "colleague", lastAuthorName: "Олег Петров", preview: "Счёт отправил", channelKind: "telegram", channelId: "c4a00000-0000-4000-8000-00000000007e", channelName: "Бодрое утро TG", lastMessageAt: new Date("2025-11-20T10:00:00") }),
  agent: row({ id: "c-agent", name: "", contact: { id: "k4", name: "", username: null, phone: null, profileUrl: null, active: false }, lastBy: "agent", preview: "Оставьте, пожалуйста, телефон", stage: "bot", aiEnabled: true, lastMessageAt: new Date("2024-12-31T10:00:00") }),
};
const all = [rows.maria, rows.mine, rows.colleague, rows.agent];

function renderList(fixtures: Fixtures, selectedId: string | null = null, onSelect = vi.fn()) {
  const view = renderWithApi(
    <MemoryRouter>
      <ConversationList projectId="p1" selectedId={selectedId} onSelect={onSelect} />
    </MemoryRouter>,
    { "tags.list": () => tags, ...fixtures },
  );
  return { ...view, onSelect };
}

const shownRows = () => screen.queryAllByTestId("conversation-row");
const rowOf = (id: string) => shownRows().find((el) => el.dataset.conversationId === id)!;

describe("ConversationList", () => {
  beforeEach(() => {
    // Only the clock is fixed (times read «14:05», «вчера», «20.11»); timers run as usual.
    vi.useFakeTimers({ now: new Date("2025-11-27T15:00:00"), toFake: ["Date"] });
    // happy-dom lays nothing out: the list pane gets a height, so the virtualiser has rows to show.
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(800);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("shows who wrote, who wrote last, what is unread and when", async () => {
    renderList({ "conversations.list": () => listPage(all) });
    await waitFor(() => expect(shownRows()).toHaveLength(4));

    const maria = rowOf("c-maria");
    expect(maria.dataset.unread).toBe("true");
    expect(within(maria).getByText("Мария Иванова")).toBeTruthy();
    expect(within(maria).getByText("Сколько стоит доставка?")).toBeTruthy();
    expect(within(maria).getByTitle("Непрочитанных: 2").textContent).toBe("2");
    expect(within(maria).getByText("14:05")).toBeTruthy();
    expect(within(maria).getByText("Новый")).toBeTruthy();

    const mine = rowOf("c-mine");
    expect(mine.dataset.unread).toBe("false");
    expect(within(mine).getByText("Вы: Доставим завтра")).toBeTruthy();
    expect(within(mine).getByText("вчера")).toBeTruthy();
    expect(within(mine).getByText("Анна Смирнова")).toBeTruthy();
    expect(within(mine).queryByTitle(/Непрочитанных/)).toBeNull();

    // No name: the username; a colleague is named by the first name.
    const colleague = rowOf("c-colleague");
    expect(within(colleague).getByText("@sasha_k")).toBeTruthy();
    expect(within(colleague).getByText("Олег: Счёт отправил")).toBeTruthy();
    expect(within(colleague).getByText("TG")).toBeTruthy();
    expect(within(colleague).getByText("20.11")).toBeTruthy();

    const agent = rowOf("c-agent");
    expect(within(agent).getByText("Без имени")).toBeTruthy();
    expect(within(agent).getByText("ИИ: Оставьте, пожалуйста, телефон")).toBeTruthy();
    expect(within(agent).getByText("ИИ")).toBeTruthy();
    expect(within(agent).getByText("неактивен")).toBeTruthy();
    expect(within(agent).getByText("31.12.24")).toBeTruthy();
  });

  it("marks the open conversation and opens another on click", async () => {
    const { onSelect } = renderList({ "conversations.list": () => listPage(all) }, "c-mine");
    await waitFor(() => expect(shownRows()).toHaveLength(4));
    expect(rowOf("c-mine").getAttribute("aria-current")).toBe("true");
    expect(rowOf("c-maria").getAttribute("aria-current")).toBeNull();
    await userEvent.click(rowOf("c-colleague"));
    expect(onSelect).toHaveBeenCalledWith("c-colleague");
  });

  it("moves through the list with ↓ and ↑ while the focus is not in a field", async () => {
    const { onSelect } = renderList({ "conversations.list": () => listPage(all) }, "c-mine");
    await waitFor(() => expect(shownRows()).toHaveLength(4));
    await userEvent.keyboard("{ArrowDown}{ArrowDown}{ArrowUp}");
    expect(onSelect.mock.calls).toEqual([["c-colleague"], ["c-agent"], ["c-colleague"]]);

    onSelect.mockClear();
    await userEvent.click(screen.getByRole("searchbox"));
    await userEvent.keyboard("{ArrowDown}");
    expect(onSelect).not.toHaveBeenCalled();
  });

  it("asks the server for the chosen filter and says when nothing is unread", async () => {
    const { calls } = renderList({ "conversations.list": (input: ListInput) => listPage(input.filter === "unread" ? [] : all) });
    await waitFor(() => expect(shownRows()).toHaveLength(4));
    await userEvent.click(screen.getByRole("tab", { name: "Непрочитанные" }));
    expect(await screen.findByText("Непрочитанных диалогов нет")).toBeTruthy();
    expect(screen.getByRole("tab", { name: "Непрочитанные" }).getAttribute("aria-selected")).toBe("true");
    expect((callsTo(calls, "conversations.list") as ListInput[]).map((i) => i.filter)).toEqual(["all", "unread"]);
  });

  it("a search result shows the message found with the words marked and opens the thread at it", async () => {
    const found = {
      ...row({ id: "c-tulips", name: "Инна Громова", preview: "Спасибо!" }),
      match: { messageId: 4242, sentAt: new Date("2025-11-01T10:00:00"), text: "Хочу букет из 15 тюльпанов", marks: [[17, 26]] as [number, number][] },
    };
    const byName = { ...row({ id: "c-name", name: "Тюльпанова Ольга", preview: "Добрый день" }), match: null };
    const { onSelect } = renderList({ "conversations.list": (input: ListInput) => listPage(input.search ? [found, byName] : all) });
    await userEvent.type(screen.getByRole("searchbox"), "тюльпан");
    await waitFor(() => expect(rowOf("c-tulips")).toBeTruthy());
    const tulips = rowOf("c-tulips");
    expect(within(tulips).getByTestId("search-match").textContent).toBe("Хочу букет из 15 тюльпанов");
    expect(tulips.querySelector("mark")!.textContent).toBe("тюльпанов");
    expect(within(tulips).queryByText("Спасибо!")).toBeNull();
    // A name match marks the name and keeps the last message.
    expect(rowOf("c-name").querySelector("mark")!.textContent).toBe("Тюльпан");
    expect(within(rowOf("c-name")).getByText("Добрый день")).toBeTruthy();
    await userEvent.click(tulips);
    expect(onSelect).toHaveBeenCalledWith("c-tulips", 4242);
  });

  it("searches what is typed and says when nothing is found; the cross clears the search", async () => {
    const { calls } = renderList({ "conversations.list": (input: ListInput) => listPage(input.search ? [] : all) });
    await waitFor(() => expect(shownRows()).toHaveLength(4));
    await userEvent.type(screen.getByRole("searchbox", { name: "Поиск: имя, телефон, текст" }), "  +7 999 ");
    expect(await screen.findByText("Ничего не найдено")).toBeTruthy();
    expect((callsTo(calls, "conversations.list") as ListInput[]).map((i) => i.search)).toContain("+7 999");

    await userEvent.click(screen.getByRole("button", { name: "Очистить поиск" }));
    expect((screen.getByRole("searchbox") as HTMLInputElement).value).toBe("");
    await waitFor(() => expect(shownRows()).toHaveLength(4));
  });

  it("says which words were searched when a mistyped one was corrected, and nothing when the search is as typed", async () => {
    renderList({ "conversations.list": (input: ListInput) => (input.search === "хризантм" ? listPage([rows.maria], null, "хризантем") : listPage(input.search ? [rows.mine] : all)) });
    await waitFor(() => expect(shownRows()).toHaveLength(4));
    expect(screen.queryByTestId("search-corrected")).toBeNull();
    const box = screen.getByRole("searchbox", { name: "Поиск: имя, телефон, текст" });
    await userEvent.type(box, "хризантм");
    expect((await screen.findByTestId("search-corrected")).textContent).toBe("Показаны результаты по запросу «хризантем»");
    await waitFor(() => expect(shownRows()).toHaveLength(1));
    await userEvent.clear(box);
    await userEvent.type(box, "букет");
    await waitFor(() => expect(screen.queryByTestId("search-corrected")).toBeNull());
  });

  it("labels what the client wants and narrows the list to one intent", async () => {
    const complaint = row({ id: "c-complaint", name: "Глеб Орлов", intent: "complaint", preview: "Верните деньги", lastMessageAt: new Date("2025-11-27T14:30:00") });
    const { calls } = renderList({ "conversations.list": (input: ListInput) => listPage(input.intent === "complaint" ? [complaint] : [complaint, ...all]) });
    await waitFor(() => expect(shownRows()).toHaveLength(5));
    expect(within(rowOf("c-complaint")).getByText("Жалоба")).toBeTruthy();
    // No intent yet: no label.
    expect(within(rowOf("c-maria")).queryByText("Жалоба")).toBeNull();
    const intent = screen.getByRole<HTMLSelectElement>("combobox", { name: "Фильтр по намерению" });
    expect([...intent.options].map((o) => o.textContent)).toEqual(["Все намерения", "Покупка", "Вопрос", "Поддержка", "Жалоба", "Спам"]);
    await userEvent.selectOptions(intent, "complaint");
    await waitFor(() => expect(shownRows()).toHaveLength(1));
    expect((callsTo(calls, "conversations.list") as ListInput[]).at(-1)?.intent).toBe("complaint");
  });

  it("offers a channel filter once two channels are seen", async () => {
    const { calls } = renderList({ "conversations.list": (input: ListInput) => listPage(input.channelId ? [rows.colleague] : all) });
    await waitFor(() => expect(shownRows()).toHaveLength(4));
    const channel = screen.getByRole<HTMLSelectElement>("combobox", { name: "Канал" });
    expect([...channel.options].map((o) => o.textContent)).toEqual(["Все каналы", "TG · Бодрое утро TG", "VK · Бодрое утро ВК"]);
    await userEvent.selectOptions(channel, "c4a00000-0000-4000-8000-00000000007e");
    await waitFor(() => expect(shownRows()).toHaveLength(1));
    expect((callsTo(calls, "conversations.list") as ListInput[]).at(-1)?.channelId).toBe("c4a00000-0000-4000-8000-00000000007e");
    // The other channel stays on offer while one is picked.
    expect(channel.options).toHaveLength(3);
  });

  it("loads the next page and shows a conversation that moved between pages once", async () => {
    const first: ConversationRow[] = [rows.maria, rows.mine];
    const second: ConversationRow[] = [rows.mine, rows.colleague];
    const { calls } = renderList({
      "conversations.list": (input: ListInput) => (input.cursor ? listPage(second) : listPage(first, { lastMessageAt: rows.mine.lastMessageAt!, id: rows.mine.id })),
    });
    await waitFor(() => expect(shownRows().map((el) => el.dataset.conversationId)).toEqual(["c-maria", "c-mine", "c-colleague"]));
    expect(callsTo(calls, "conversations.list")).toHaveLength(2);
  });

  it("says the list did not load and loads it again on «Повторить»", async () => {
    let fail = true;
    renderList({
      "conversations.list": () => {
        if (fail) throw new Error("connection reset");
        return listPage(all);
      },
    });
    expect(await screen.findByText("Не удалось загрузить диалоги.")).toBeTruthy();
    fail = false;
    await userEvent.click(screen.getByRole("button", { name: "Повторить" }));
    await waitFor(() => expect(shownRows()).toHaveLength(4));
  });

  it("invites to connect a channel when the project has no conversations", async () => {
    renderList({ "conversations.list": () => listPage([]) });
    expect(await screen.findByText("Подключите канал, чтобы увидеть диалоги")).toBeTruthy();
  });

  it("filters by a tag with the other filters, keeps them in the address, and shows a row's tags", async () => {
    const user = userEvent.setup();
    const tagged = row({ id: "c-tagged", name: "Вера VIP", tags: [{ id: tags[0]!.id, name: "VIP", color: "amber" }] });
    const { calls } = renderList({ "conversations.list": (input: ListInput) => listPage(input.tagId ? [tagged] : all) });
    await waitFor(() => expect(shownRows()).toHaveLength(all.length));
    await user.click(screen.getByRole("tab", { name: "Мои" }));
    await user.selectOptions(screen.getByRole("combobox", { name: "Тег" }), "VIP");
    await waitFor(() => expect(shownRows()).toHaveLength(1));
    expect(within(rowOf("c-tagged")).getByTestId("tag-chip").textContent).toBe("VIP");
    const last = callsTo(calls, "conversations.list").at(-1) as ListInput;
    expect(last).toMatchObject({ filter: "mine", tagId: tags[0]!.id });
  });
});
