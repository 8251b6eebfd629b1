import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Button } from "./button.tsx";

describe("Button", () => {
  it("is a button that acts on click, and not while disabled", async () => {
    const onClick = vi.fn();
    const { rerender } = render(<Button onClick={onClick}>Сохранить</Button>);
    await userEvent.click(screen.getByRole("button", { name: "Сохранить" }));
    expect(onClick).toHaveBeenCalledTimes(1);
    rerender(
      <Button onClick={onClick} disabled>
        Сохранить
      </Button>,
    );
    await userEvent.click(screen.getByRole("button", { name: "Сохранить" }));
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it("lends its look to a link with asChild, staying a link", () => {
    render(
      <Button asChild variant="outline">
        <a href="/help">Справка</a>
      </Button>,
    );
    const link = screen.getByRole("link", { name: "Справка" });
    expect(link.getAttribute("href")).toBe("/help");
    expect(link.className).toContain("border-slate-300");
    expect(screen.queryByRole("button")).toBeNull();
  });
});
