import { fireEvent, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "@threadline/ui/testing";
import { shortcutOf, ShortcutSheet, useInboxShortcuts } from "./shortcuts.tsx";

const key = (init: Partial<KeyboardEvent> & { target?: EventTarget | null }) =>
  shortcutOf({ key: "", code: "", altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, target: document.body, ...init });

describe("shortcutOf", () => {
  it("reads ? and / outside text fields, by the character or the US key in another layout", () => {
    expect(key({ key: "?", shiftKey: true, code: "Digit7" })).toBe("sheet"); // Russian layout: Shift+7
    expect(key({ key: ",", shiftKey: true, code: "Slash" })).toBe("sheet");
    expect(key({ key: "/", code: "Slash" })).toBe("search");
    expect(key({ key: ".", code: "Slash" })).toBe("search"); // the same key in the Russian layout
    const field = document.createElement("textarea");
    expect(key({ key: "/", code: "Slash", target: field })).toBeNull();
    expect(key({ key: "?", shiftKey: true, target: field })).toBeNull();
    expect(key({ key: "a", code: "KeyA" })).toBeNull();
    expect(key({ key: "/", code: "Slash", ctrlKey: true })).toBeNull();
  });

  it("reads Alt + letter by the physical key, in a text field too", () => {
    const field = document.createElement("textarea");
    expect(key({ altKey: true, key: "ф", code: "KeyA", target: field })).toBe("assignMe");
    expect(key({ altKey: true, key: "ы", code: "KeyS" })).toBe("stage");
    expect(key({ altKey: true, key: "ц", code: "KeyW" })).toBe("won");
    expect(key({ altKey: true, key: "д", code: "KeyL" })).toBe("lost");
    expect(key({ altKey: true, code: "KeyQ" })).toBeNull();
  });
});

function Harness({ conversationId, permissions }: { conversationId: string | null; permissions: string[] }) {
  const shortcuts = useInboxShortcuts({ projectId: "p1", conversationId, access: { permissions, hiddenFields: [], memberId: "m-me" } });
  return (
    <>
      <input data-inbox-search aria-label="Поиск" />
      <textarea aria-label="Ответ" />
      <ShortcutSheet open={shortcuts.sheetOpen} onOpenChange={shortcuts.setSheetOpen} />
    </>
  );
}

describe("useInboxShortcuts", () => {
  it("? opens the sheet, / focuses the search and does not type into the reply", async () => {
    renderWithApi(<Harness conversationId="c1" permissions={["conversations.assign"]} />);
    fireEvent.keyDown(document.body, { key: "?", code: "Slash", shiftKey: true });
    const sheet = await screen.findByRole("dialog", { name: "Сочетания клавиш" });
    expect(sheet.textContent).toContain("Назначить диалог на себя");
    fireEvent.keyDown(document.body, { key: "?", code: "Slash", shiftKey: true });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    const slash = new KeyboardEvent("keydown", { key: "/", code: "Slash", bubbles: true, cancelable: true });
    document.body.dispatchEvent(slash);
    expect(slash.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(screen.getByLabelText("Поиск"));
  });

  it("Alt+A assigns the open conversation to oneself; Alt+W and Alt+L set the stage", async () => {
    const { calls } = renderWithApi(<Harness conversationId="c1" permissions={["conversations.assign"]} />, {
      "conversations.assign": () => undefined,
      "leads.setStage": () => undefined,
    });
    fireEvent.keyDown(screen.getByLabelText("Ответ"), { key: "ф", code: "KeyA", altKey: true });
    await waitFor(() => expect(calls.find((c) => c.path === "conversations.assign")?.input).toEqual({ projectId: "p1", conversationId: "c1", assigneeId: "m-me" }));
    fireEvent.keyDown(document.body, { key: "ц", code: "KeyW", altKey: true });
    fireEvent.keyDown(document.body, { key: "д", code: "KeyL", altKey: true });
    await waitFor(() => expect(calls.filter((c) => c.path === "leads.setStage").map((c) => (c.input as { stage: string }).stage)).toEqual(["won", "lost"]));
  });

  it("does nothing to a conversation without the right, or with none open", () => {
    const { calls } = renderWithApi(<Harness conversationId="c1" permissions={[]} />);
    const press = new KeyboardEvent("keydown", { key: "ф", code: "KeyA", altKey: true, bubbles: true, cancelable: true });
    document.body.dispatchEvent(press);
    expect(press.defaultPrevented).toBe(false);
    expect(calls.filter((c) => c.path !== "templates.list")).toEqual([]);
  });
});
