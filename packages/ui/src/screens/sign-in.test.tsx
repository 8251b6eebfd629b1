import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { callsTo, FixtureError, renderWithApi, type Fixtures } from "../testing/api.tsx";
import { SignInScreen } from "./sign-in.tsx";

function renderSignIn(url: string, fixtures: Fixtures) {
  return renderWithApi(
    <MemoryRouter initialEntries={[url]}>
      <SignInScreen subtitle="Входящие" />
    </MemoryRouter>,
    fixtures,
  );
}

async function fillAndSubmit() {
  await userEvent.type(screen.getByLabelText("E-mail"), "anna@example.ru");
  await userEvent.type(screen.getByLabelText("Пароль"), "correct horse");
  await userEvent.click(screen.getByRole("button", { name: "Войти" }));
}

describe("SignInScreen", () => {
  afterEach(() => vi.restoreAllMocks());

  it("signs in with the typed credentials and goes on to the page it was sent from", async () => {
    const assign = vi.spyOn(window.location, "assign").mockImplementation(() => {});
    const { calls } = renderSignIn("/login?next=%2Fp%2F42", { "auth.signIn": () => ({ ok: true }) });
    await fillAndSubmit();
    await waitFor(() => expect(assign).toHaveBeenCalledWith("/p/42"));
    expect(callsTo(calls, "auth.signIn")).toEqual([{ email: "anna@example.ru", password: "correct horse" }]);
  });

  it("shows the server's refusal and stays on the page", async () => {
    const assign = vi.spyOn(window.location, "assign").mockImplementation(() => {});
    renderSignIn("/login", {
      "auth.signIn": () => {
        throw new FixtureError("UNAUTHORIZED", "Неверный e-mail или пароль");
      },
    });
    await fillAndSubmit();
    expect((await screen.findByRole("alert")).textContent).toBe("Неверный e-mail или пароль");
    expect(assign).not.toHaveBeenCalled();
    expect(screen.getByRole<HTMLButtonElement>("button", { name: "Войти" }).disabled).toBe(false);
  });

  it("says the session ended when sent back after it expired", () => {
    renderSignIn("/login?expired=1", {});
    expect(screen.getByText("Сессия завершена. Войдите снова.")).toBeTruthy();
  });
});
