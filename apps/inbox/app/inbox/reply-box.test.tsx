import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TRPCClientError } from "@trpc/client";
import type { AnyRouter } from "@trpc/server";
import { describe, expect, it, vi } from "vitest";
import { renderWithApi, type Fixtures } from "@threadline/ui/testing";
import { ReplyBox } from "./reply-box.tsx";

const templates = [
  { id: "t1", title: "Доставка", text: "{имя}, доставим завтра до 18:00.", updatedAt: new Date() },
  { id: "t2", title: "Оплата", text: "Оплатить можно картой при получении.", updatedAt: new Date() },
];
const menu = { id: "t3", title: "Меню", text: "{имя}, вот наше меню.", updatedAt: new Date(), media: [{ id: "m1", name: "меню.jpg", kind: "photo", mime: "image/jpeg", size: 1000 }] };

function renderBox(props: { onSend?: (text: string, file?: unknown, mediaIds?: string[]) => Promise<{ missingMediaIds?: string[] } | void>; disabledReason?: string; error?: unknown; conversationId?: string } = {}, fixtures: Fixtures = {}) {
  const onSend = vi.fn(props.onSend ?? (() => Promise.resolve()));
  const view = renderWithApi(
    <ReplyBox projectId="p1" conversationId={props.conversationId ?? "conv-1"} clientName="Мария Иванова" disabledReason={props.disabledReason} error={props.error} onSend={onSend} />,
    { "templates.list": () => templates, ...fixtures },
  );
  return { ...view, onSend };
}

const field = () => screen.getByRole<HTMLTextAreaElement>("textbox", { name: /^Сообщение…/ });
const sendButton = () => screen.getByRole<HTMLButtonElement>("button", { name: "Отправить" });

describe("ReplyBox", () => {
  it("can send only when there is something to send", async () => {
    renderBox();
    expect(sendButton().disabled).toBe(true);
    await userEvent.type(field(), "   ");
    expect(sendButton().disabled).toBe(true);
    await userEvent.type(field(), "Добрый день");
    expect(sendButton().disabled).toBe(false);
  });

  it("sends the trimmed text on Enter and empties the field; Shift+Enter starts a new line", async () => {
    const { onSend } = renderBox();
    await userEvent.type(field(), "Добрый день,{Shift>}{Enter}{/Shift}доставка завтра ");
    expect(onSend).not.toHaveBeenCalled();
    expect(field().value).toBe("Добрый день,\nдоставка завтра ");
    await userEvent.keyboard("{Enter}");
    expect(onSend).toHaveBeenCalledWith("Добрый день,\nдоставка завтра", undefined);
    expect(field().value).toBe("");
  });

  it("sends on the button too", async () => {
    const { onSend } = renderBox();
    await userEvent.type(field(), "Спасибо!");
    await userEvent.click(sendButton());
    expect(onSend).toHaveBeenCalledWith("Спасибо!", undefined);
  });

  it("a saved reply with files shows them over the field and sends them with the text; a file can be taken off", async () => {
    const { onSend } = renderBox({}, { "templates.list": () => [...templates, menu] });
    await userEvent.type(field(), "/мен");
    expect((await screen.findByRole("option", { name: /Меню/ })).textContent).toContain("1 файл");
    await userEvent.keyboard("{Enter}");
    expect(field().value).toBe("Мария, вот наше меню.");
    expect(screen.getByRole("list", { name: "1 файл" }).textContent).toContain("меню.jpg");
    await userEvent.keyboard("{Enter}");
    expect(onSend).toHaveBeenCalledWith("Мария, вот наше меню.", undefined, ["m1"]);
    expect(screen.queryByRole("list", { name: "1 файл" })).toBeNull();

    await userEvent.type(field(), "/мен");
    await screen.findByRole("option", { name: /Меню/ });
    await userEvent.keyboard("{Enter}");
    await userEvent.click(screen.getByRole("button", { name: "Убрать файл «меню.jpg»" }));
    await userEvent.click(field());
    await userEvent.keyboard("{Enter}");
    expect(onSend).toHaveBeenLastCalledWith("Мария, вот наше меню.", undefined);
  });

  it("gives the text back with the reason when sending fails", async () => {
    renderBox({ onSend: () => Promise.reject(new Error("Канал недоступен")) });
    await userEvent.type(field(), "Добрый день{Enter}");
    expect((await screen.findByRole("alert")).textContent).toBe("Канал недоступен");
    expect(field().value).toBe("Добрый день");
  });

  it("keeps an unsent draft per conversation", async () => {
    const first = renderBox({ conversationId: "conv-1" });
    await userEvent.type(field(), "Черновик для Марии");
    first.unmount();
    const other = renderBox({ conversationId: "conv-2" });
    expect(field().value).toBe("");
    other.unmount();
    renderBox({ conversationId: "conv-1" });
    expect(field().value).toBe("Черновик для Марии");
  });

  it("keeps the draft across a reload, and shows another tab's draft of the same conversation", async () => {
    const first = renderBox({ conversationId: "conv-reload" });
    await userEvent.type(field(), "Пришлю фото");
    first.unmount();
    // A reload: a new page reads what the last one kept.
    renderBox({ conversationId: "conv-reload" });
    expect(field().value).toBe("Пришлю фото");
    // Another tab types into the same conversation's draft: this tab's field follows it.
    const key = "tl.draft.conv-reload";
    const newValue = JSON.stringify({ text: "Пришлю фото завтра", savedAt: Date.now() });
    localStorage.setItem(key, newValue);
    window.dispatchEvent(new StorageEvent("storage", { key, newValue }));
    await waitFor(() => expect(field().value).toBe("Пришлю фото завтра"));
    // Another conversation's draft changes nothing here.
    window.dispatchEvent(new StorageEvent("storage", { key: "tl.draft.conv-other", newValue: JSON.stringify({ text: "чужой", savedAt: Date.now() }) }));
    expect(field().value).toBe("Пришлю фото завтра");
  });

  it("keeps a saved reply's files with the draft: after a reload, in another tab, until sent", async () => {
    const first = renderBox({ conversationId: "conv-media" }, { "templates.list": () => [...templates, menu] });
    await userEvent.type(field(), "/мен");
    await screen.findByRole("option", { name: /Меню/ });
    await userEvent.keyboard("{Enter}");
    first.unmount();
    // A reload: the text and the file are both back.
    const reloaded = renderBox({ conversationId: "conv-media" });
    expect(field().value).toBe("Мария, вот наше меню.");
    expect(screen.getByRole("list", { name: "1 файл" }).textContent).toContain("меню.jpg");
    // Another tab takes the file off: this tab follows; another conversation's files change nothing.
    const key = "tl.draftLibrary.conv-media";
    window.dispatchEvent(new StorageEvent("storage", { key: "tl.draftLibrary.conv-other", newValue: JSON.stringify({ files: [], savedAt: Date.now() }) }));
    expect(screen.getByRole("list", { name: "1 файл" })).toBeTruthy();
    localStorage.removeItem(key);
    window.dispatchEvent(new StorageEvent("storage", { key, newValue: null }));
    await waitFor(() => expect(screen.queryByRole("list", { name: "1 файл" })).toBeNull());
    // …and puts two files back.
    const files = [
      { id: "m1", name: "меню.jpg", kind: "photo" },
      { id: "m2", name: "прайс.pdf", kind: "document" },
    ];
    const newValue = JSON.stringify({ files, savedAt: Date.now() });
    localStorage.setItem(key, newValue);
    window.dispatchEvent(new StorageEvent("storage", { key, newValue }));
    expect((await screen.findByRole("list", { name: "2 файла" })).textContent).toContain("прайс.pdf");
    await userEvent.click(field());
    await userEvent.keyboard("{Enter}");
    expect(reloaded.onSend).toHaveBeenCalledWith("Мария, вот наше меню.", undefined, ["m1", "m2"]);
    // Sent: nothing is kept for the next reload.
    expect(localStorage.getItem(key)).toBeNull();
    reloaded.unmount();
    renderBox({ conversationId: "conv-media" });
    expect(screen.queryByRole("list", { name: /файл/ })).toBeNull();
  });

  it("drops kept files a month old, and says which files the library no longer had when the reply went", async () => {
    localStorage.setItem("tl.draftLibrary.conv-stale", JSON.stringify({ files: [{ id: "m1", name: "меню.jpg", kind: "photo" }], savedAt: Date.now() - 31 * 86_400_000 }));
    const stale = renderBox({ conversationId: "conv-stale" });
    expect(screen.queryByRole("list", { name: /файл/ })).toBeNull();
    expect(localStorage.getItem("tl.draftLibrary.conv-stale")).toBeNull();
    stale.unmount();

    const files = [
      { id: "m1", name: "меню.jpg", kind: "photo" },
      { id: "m2", name: "прайс.pdf", kind: "document" },
    ];
    localStorage.setItem("tl.draftLibrary.conv-gone", JSON.stringify({ files, savedAt: Date.now() }));
    renderBox({ conversationId: "conv-gone", onSend: () => Promise.resolve({ missingMediaIds: ["m2"] }) });
    await userEvent.type(field(), "Меню{Enter}");
    expect((await screen.findByRole("status")).textContent).toBe("Ответ ушёл без файла «прайс.pdf»: его удалили из библиотеки");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("a reply of removed library files alone fails with the reason and does not bring the files back", async () => {
    localStorage.setItem("tl.draftLibrary.conv-none", JSON.stringify({ files: [{ id: "m1", name: "меню.jpg", kind: "photo" }], savedAt: Date.now() }));
    const refusal = new TRPCClientError<AnyRouter>("Файла больше нет в библиотеке", { result: { error: { code: -32004, message: "x", data: { code: "NOT_FOUND", httpStatus: 404, errorCode: "media.missing" } } } });
    const { onSend } = renderBox({ conversationId: "conv-none", onSend: () => Promise.reject(refusal) });
    await userEvent.click(sendButton());
    expect(onSend).toHaveBeenCalledWith("", undefined, ["m1"]);
    expect((await screen.findByRole("alert")).textContent).toBe("Файла больше нет в библиотеке — выберите другой");
    expect(screen.queryByRole("list", { name: /файл/ })).toBeNull();
    expect(localStorage.getItem("tl.draftLibrary.conv-none")).toBeNull();
  });

  it("drops a draft nobody touched for a month, and forgets a sent one", async () => {
    localStorage.setItem("tl.draft.conv-old", JSON.stringify({ text: "старый черновик", savedAt: Date.now() - 31 * 86_400_000 }));
    const old = renderBox({ conversationId: "conv-old" });
    expect(field().value).toBe("");
    expect(localStorage.getItem("tl.draft.conv-old")).toBeNull();
    old.unmount();
    renderBox({ conversationId: "conv-sent" });
    await userEvent.type(field(), "Готово{Enter}");
    expect(localStorage.getItem("tl.draft.conv-sent")).toBeNull();
  });

  it("refuses a text longer than the channel takes, saying so", async () => {
    const { onSend } = renderBox();
    await userEvent.click(field());
    await userEvent.paste("а".repeat(4097));
    expect(screen.getByRole("alert").textContent).toBe("Сообщение длиннее 4096 символов");
    expect(sendButton().disabled).toBe(true);
    await userEvent.keyboard("{Enter}");
    expect(onSend).not.toHaveBeenCalled();
  });

  it("shows why a reply is impossible instead of the field", () => {
    renderBox({ disabledReason: "Клиент запретил сообщения — ответить нельзя." });
    expect(screen.getByText("Клиент запретил сообщения — ответить нельзя.")).toBeTruthy();
    expect(screen.queryByRole("textbox")).toBeNull();
    expect(screen.queryByRole("button", { name: "Отправить" })).toBeNull();
  });

  it("«/» lists saved replies by title; Enter puts the chosen one in with the client's first name", async () => {
    const { onSend, calls } = renderBox();
    await userEvent.type(field(), "/");
    const list = await screen.findByRole("listbox", { name: "Шаблоны ответов" });
    expect(screen.getAllByRole("option").map((o) => o.querySelector("span")?.textContent)).toEqual(["Доставка", "Оплата"]);
    await userEvent.type(field(), "опл");
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(1));
    await userEvent.clear(field());
    await userEvent.type(field(), "/");
    await userEvent.keyboard("{ArrowDown}{ArrowUp}{Enter}");
    expect(field().value).toBe("Мария, доставим завтра до 18:00.");
    expect(list.isConnected).toBe(false);
    expect(onSend).not.toHaveBeenCalled();
    expect(calls.filter((c) => c.path === "templates.list")).toHaveLength(1);
  });

  it("Esc closes the saved replies and leaves the «/» typed", async () => {
    renderBox();
    await userEvent.type(field(), "/");
    await screen.findByRole("listbox");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("listbox")).toBeNull();
    expect(field().value).toBe("/");
  });
});
