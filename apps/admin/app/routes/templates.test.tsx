import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, Outlet, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import { callsTo, renderWithApi } from "@threadline/ui/testing";
import Templates from "./templates.tsx";

type Template = { id: string; title: string; text: string; updatedAt: Date; media: { id: string; name: string }[] };
const library = [{ id: "m1", name: "меню.jpg", mime: "image/jpeg", kind: "photo", size: 1000, createdAt: new Date() }];

/** The templates page inside the project's outlet, as the console renders it. */
function renderTemplates(initial: Template[]) {
  let stored = [...initial];
  const router = createMemoryRouter([{ path: "/", element: <Outlet context={{ projectId: "p1", access: { roleKey: "owner", permissions: [], hiddenFields: [] } }} />, children: [{ index: true, element: <Templates /> }] }]);
  return renderWithApi(<RouterProvider router={router} />, {
    "templates.list": () => stored,
    "media.list": () => library,
    "templates.create": (input: { title: string; text: string; mediaIds: string[] }) => {
      const media = library.filter((m) => input.mediaIds.includes(m.id));
      stored = [...stored, { id: `t${stored.length + 1}`, title: input.title, text: input.text, updatedAt: new Date(), media }];
      return { id: `t${stored.length}` };
    },
    "templates.remove": (input: { templateId: string }) => {
      stored = stored.filter((t) => t.id !== input.templateId);
      return { ok: true };
    },
  });
}

const delivery: Template = { id: "t1", title: "Доставка", text: "{имя}, доставим завтра до 18:00.", updatedAt: new Date(), media: [] };

describe("Templates", () => {
  it("adds a saved reply and shows it in the list", async () => {
    const { calls } = renderTemplates([]);
    expect(await screen.findByText("Шаблонов пока нет")).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Название"), "Оплата");
    await userEvent.type(screen.getByLabelText("Текст"), "Картой при получении.");
    await userEvent.click(screen.getByRole("button", { name: "Добавить шаблон" }));
    const list = await screen.findByRole("list", { name: "Шаблоны ответов" });
    expect(within(list).getByText("Оплата")).toBeTruthy();
    expect(callsTo(calls, "templates.create")).toEqual([{ projectId: "p1", title: "Оплата", text: "Картой при получении.", mediaIds: [] }]);
    expect((screen.getByLabelText("Название") as HTMLInputElement).value).toBe("");
  });

  it("asks before removing a saved reply, naming it", async () => {
    const { calls } = renderTemplates([delivery]);
    const list = await screen.findByRole("list", { name: "Шаблоны ответов" });
    await userEvent.click(await within(list).findByRole("button", { name: "Удалить" }));
    const dialog = screen.getByRole("dialog", { name: "Удалить шаблон?" });
    expect(dialog.textContent).toContain("Шаблон «Доставка» пропадёт у всех менеджеров проекта.");
    await userEvent.click(within(dialog).getByRole("button", { name: "Удалить" }));
    expect(await screen.findByText("Шаблонов пока нет")).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(callsTo(calls, "templates.remove")).toEqual([{ projectId: "p1", templateId: "t1" }]);
  });

  it("attaches a library file to a saved reply and lists it under the text", async () => {
    const { calls } = renderTemplates([]);
    await userEvent.type(await screen.findByLabelText("Название"), "Меню");
    await userEvent.click(await screen.findByRole("checkbox", { name: "меню.jpg" }));
    await userEvent.click(screen.getByRole("button", { name: "Добавить шаблон" }));
    const list = await screen.findByRole("list", { name: "Шаблоны ответов" });
    expect(within(list).getByText("меню.jpg")).toBeTruthy();
    expect(callsTo(calls, "templates.create")).toEqual([{ projectId: "p1", title: "Меню", text: "", mediaIds: ["m1"] }]);
  });
});
