import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, Outlet, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import { callsTo, renderWithApi } from "@threadline/ui/testing";
import MediaLibrary from "./media.tsx";

type LibraryFile = { id: string; name: string; mime: string; kind: string; size: number; createdAt: Date; usedBy: { id: string; title: string }[]; channels: { id: string; name: string; kind: string; since: Date }[] };

const menu: LibraryFile = {
  id: "m1",
  name: "меню.jpg",
  mime: "image/jpeg",
  kind: "photo",
  size: 2048,
  createdAt: new Date("2026-12-01T10:00:00Z"),
  usedBy: [{ id: "t1", title: "Меню недели" }],
  channels: [{ id: "c1", name: "@zerno_bot", kind: "telegram", since: new Date() }],
};
const price: LibraryFile = { id: "m2", name: "прайс.pdf", mime: "application/pdf", kind: "document", size: 500, createdAt: new Date("2026-12-02T10:00:00Z"), usedBy: [], channels: [] };

/** The library page inside the project's outlet, as the console renders it. */
function renderLibrary(initial: LibraryFile[]) {
  let stored = [...initial];
  const router = createMemoryRouter([{ path: "/", element: <Outlet context={{ projectId: "p1", access: { roleKey: "owner", permissions: [], hiddenFields: [] } }} />, children: [{ index: true, element: <MediaLibrary /> }] }]);
  return renderWithApi(<RouterProvider router={router} />, {
    "media.library": () => stored,
    "media.rename": (input: { mediaId: string; name: string }) => {
      stored = stored.map((f) => (f.id === input.mediaId ? { ...f, name: input.name.trim() } : f));
      return null;
    },
    "media.remove": (input: { mediaId: string }) => {
      stored = stored.filter((f) => f.id !== input.mediaId);
      return null;
    },
  });
}

describe("MediaLibrary", () => {
  it("shows each file with its kind, size, saved replies and the channels that hold it", async () => {
    renderLibrary([menu, price]);
    const row = await screen.findByRole("listitem", { name: "меню.jpg" });
    expect(row.textContent).toContain("Фото · 2 КБ");
    expect(row.textContent).toContain("В шаблонах: «Меню недели»");
    expect(row.textContent).toContain("Уже загружен в мессенджер: @zerno_bot");
    const other = screen.getByRole("listitem", { name: "прайс.pdf" });
    expect(other.textContent).toContain("Ни в одном шаблоне");
    expect(other.textContent).toContain("В мессенджер ещё не отправлялся");
  });

  it("renames a file", async () => {
    const { calls } = renderLibrary([price]);
    const row = await screen.findByRole("listitem", { name: "прайс.pdf" });
    await userEvent.click(within(row).getByRole("button", { name: "Переименовать" }));
    const field = within(row).getByLabelText("Название файла");
    await userEvent.clear(field);
    await userEvent.type(field, "Прайс декабрь.pdf{Enter}");
    expect(await screen.findByRole("listitem", { name: "Прайс декабрь.pdf" })).toBeTruthy();
    expect(callsTo(calls, "media.rename")).toEqual([{ projectId: "p1", mediaId: "m2", name: "Прайс декабрь.pdf" }]);
  });

  it("removing a file a saved reply carries names the reply and takes the file out of it; an unused one goes plainly", async () => {
    const { calls } = renderLibrary([menu, price]);
    await userEvent.click(within(await screen.findByRole("listitem", { name: "меню.jpg" })).getByRole("button", { name: "Удалить" }));
    const dialog = screen.getByRole("dialog", { name: "Удалить файл из библиотеки?" });
    expect(dialog.textContent).toContain("Файл «меню.jpg» есть в шаблоне «Меню недели»");
    await userEvent.click(within(dialog).getByRole("button", { name: "Удалить и убрать из шаблонов" }));
    await waitFor(() => expect(screen.queryByRole("listitem", { name: "меню.jpg" })).toBeNull());

    await userEvent.click(within(screen.getByRole("listitem", { name: "прайс.pdf" })).getByRole("button", { name: "Удалить" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Удалить" }));
    await waitFor(() => expect(screen.queryByRole("listitem", { name: "прайс.pdf" })).toBeNull());
    expect(callsTo(calls, "media.remove")).toEqual([
      { projectId: "p1", mediaId: "m1", detach: true },
      { projectId: "p1", mediaId: "m2" },
    ]);
  });
});
