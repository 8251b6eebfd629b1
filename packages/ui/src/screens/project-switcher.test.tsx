import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ProjectSwitcher } from "./project-switcher.tsx";

const projects = [
  { id: "p1", name: "Бодрое утро", badge: 3 },
  { id: "p2", name: "Северный ветер" },
];

describe("ProjectSwitcher", () => {
  it("offers to choose a project until one is chosen, with unread counts beside names", async () => {
    const onChange = vi.fn();
    render(<ProjectSwitcher projects={projects} onChange={onChange} />);
    const select = screen.getByRole<HTMLSelectElement>("combobox", { name: "Проект" });
    expect([...select.options].map((o) => o.textContent)).toEqual(["Выберите проект", "Бодрое утро (3)", "Северный ветер"]);
    await userEvent.selectOptions(select, "p2");
    expect(onChange).toHaveBeenCalledWith("p2");
  });

  it("shows the current project without the prompt", () => {
    render(<ProjectSwitcher projects={projects} current="p1" onChange={() => {}} />);
    const select = screen.getByRole<HTMLSelectElement>("combobox", { name: "Проект" });
    expect(select.value).toBe("p1");
    expect([...select.options].map((o) => o.value)).toEqual(["p1", "p2"]);
  });
});
