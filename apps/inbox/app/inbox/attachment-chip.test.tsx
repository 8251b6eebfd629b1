import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { renderWithApi } from "@threadline/ui/testing";
import { AttachmentChip } from "./attachment-chip.tsx";

const invoice = new File([new Uint8Array(300 * 1024)], "счёт.pdf", { type: "application/pdf" });

describe("AttachmentChip", () => {
  it("names the attached file with its size; the cross removes it", async () => {
    const onRemove = vi.fn();
    renderWithApi(<AttachmentChip file={invoice} upload={null} onRemove={onRemove} />, {});
    expect(screen.getByTestId("reply-file").textContent).toContain("счёт.pdf");
    expect(screen.getByText("300 КБ")).toBeTruthy();
    expect(screen.queryByRole("progressbar")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Убрать файл" }));
    expect(onRemove).toHaveBeenCalled();
  });

  it("while uploading shows how far it got and the cross cancels the upload instead", async () => {
    const onRemove = vi.fn();
    const abort = new AbortController();
    const startedAt = Date.now() - 2_000;
    renderWithApi(<AttachmentChip file={invoice} upload={{ progress: { sent: 100 * 1024, total: 300 * 1024, startedAt }, abort }} onRemove={onRemove} />, {});
    const bar = screen.getByRole("progressbar", { name: "Загрузка файла" });
    expect(bar.getAttribute("aria-valuenow")).toBe("33");
    expect(screen.getByTestId("reply-file-upload").textContent).toMatch(/^33 % · ещё \d+ с$/);
    await userEvent.click(screen.getByRole("button", { name: "Отменить загрузку" }));
    expect(abort.signal.aborted).toBe(true);
    expect(onRemove).not.toHaveBeenCalled();
  });
});
