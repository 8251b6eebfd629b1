import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { i18next } from "../i18n/index.ts";
import { callsTo, renderWithApi } from "../testing/api.tsx";
import { UserMenu } from "./user-menu.tsx";

describe("UserMenu", () => {
  afterEach(async () => {
    vi.restoreAllMocks();
    await i18next.changeLanguage("ru");
  });

  it("signs out everywhere and goes to sign-in", async () => {
    const assign = vi.spyOn(window.location, "assign").mockImplementation(() => {});
    const { calls } = renderWithApi(<UserMenu name="Анна Смирнова" email="anna@example.ru" />, { "auth.signOutEverywhere": () => ({ ok: true }) });
    await userEvent.click(screen.getByRole("button", { name: "Анна Смирнова" }));
    expect(screen.getByText("anna@example.ru")).toBeTruthy();
    await userEvent.click(screen.getByRole("menuitem", { name: "Выйти на всех устройствах" }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith("/login"));
    expect(callsTo(calls, "auth.signOutEverywhere")).toHaveLength(1);
    expect(callsTo(calls, "auth.signOut")).toHaveLength(0);
  });

  it("switches the interface to English and remembers it", async () => {
    renderWithApi(<UserMenu name="Анна Смирнова" email="anna@example.ru" />);
    await userEvent.click(screen.getByRole("button", { name: "Анна Смирнова" }));
    await userEvent.click(screen.getByRole("menuitem", { name: "Язык: English" }));
    expect(i18next.language).toBe("en");
    expect(localStorage.getItem("tl.lang")).toBe("en");
  });
});
