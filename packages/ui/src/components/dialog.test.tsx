import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { ConfirmDialog, Dialog } from "./dialog.tsx";

function Confirm({ onConfirm, pending }: { onConfirm: () => void; pending?: boolean }) {
  const [open, setOpen] = useState(true);
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={setOpen}
      title="Удалить канал?"
      description="Переписки канала останутся в архиве."
      confirmLabel="Удалить"
      cancelLabel="Отмена"
      onConfirm={onConfirm}
      pending={pending}
    />
  );
}

describe("ConfirmDialog", () => {
  it("asks with a title and description, and confirms on the destructive button", async () => {
    const onConfirm = vi.fn();
    render(<Confirm onConfirm={onConfirm} />);
    const dialog = screen.getByRole("dialog", { name: "Удалить канал?" });
    expect(dialog.textContent).toContain("Переписки канала останутся в архиве.");
    await userEvent.click(screen.getByRole("button", { name: "Удалить" }));
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });

  it("closes on «Отмена» without confirming", async () => {
    const onConfirm = vi.fn();
    render(<Confirm onConfirm={onConfirm} />);
    await userEvent.click(screen.getByRole("button", { name: "Отмена" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it("closes on Escape", async () => {
    render(<Confirm onConfirm={() => {}} />);
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("cannot be confirmed twice while the action is pending", async () => {
    const onConfirm = vi.fn();
    render(<Confirm onConfirm={onConfirm} pending />);
    const confirm = screen.getByRole<HTMLButtonElement>("button", { name: "Удалить" });
    expect(confirm.disabled).toBe(true);
    await userEvent.click(confirm);
    expect(onConfirm).not.toHaveBeenCalled();
  });
});

describe("Dialog", () => {
  it("renders nothing while closed", () => {
    render(
      <Dialog open={false} onOpenChange={() => {}} title="Новый шаблон">
        <p>Текст</p>
      </Dialog>,
    );
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(screen.queryByText("Текст")).toBeNull();
  });

  it("names itself by its title when it has no description", () => {
    render(
      <Dialog open onOpenChange={() => {}} title="Новый шаблон">
        <p>Текст</p>
      </Dialog>,
    );
    expect(screen.getByRole("dialog", { name: "Новый шаблон" }).textContent).toContain("Текст");
  });
});
