import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { errorCodes } from "@threadline/domain/errors.ts";
import { storedErrorText } from "./errors.ts";
import { i18next } from "./i18n/index.ts";
import { SignInScreen } from "./screens/sign-in.tsx";
import { FixtureError, renderWithApi } from "./testing/api.tsx";

afterEach(async () => {
  await act(() => i18next.changeLanguage("ru"));
});

describe("error dictionaries", () => {
  it.each(["ru", "en"])("%s words every code the server sends or stores", (lng) => {
    // A plural-only key exists for a count; a plain key exists with or without one.
    const missing = errorCodes.filter((code) => !i18next.exists(`errors.${code}`, { lng, count: 2 }));
    expect(missing).toEqual([]);
  });

  it("takes Russian plural forms for counts", () => {
    const t = i18next.getFixedT("ru");
    expect(t("errors.templates.tooMany", { count: 21 })).toBe("Не больше 21 шаблона в проекте");
    expect(t("errors.templates.tooMany", { count: 25 })).toBe("Не больше 25 шаблонов в проекте");
    expect(i18next.getFixedT("en")("errors.templates.tooMany", { count: 1 })).toBe("At most 1 template per project");
  });
});

describe("stored reasons", () => {
  it("words a stored code with its parameters in the current language", async () => {
    expect(storedErrorText('channel.telegram.retryAfter {"seconds":5}')).toBe("Telegram просит подождать 5 с, повторим");
    expect(storedErrorText("channel.clientDenied")).toBe("клиент запретил сообщения");
    await act(() => i18next.changeLanguage("en"));
    expect(storedErrorText('channel.telegram.retryAfter {"seconds":5}')).toBe("Telegram asks to wait 5 s, we will retry");
    expect(storedErrorText("channel.clientDenied")).toBe("the client has forbidden messages");
  });

  it("shows text stored before codes, and unknown codes, as they are", () => {
    expect(storedErrorText("Канал отключён")).toBe("Канал отключён");
    expect(storedErrorText("channel.fromTheFuture")).toBe("channel.fromTheFuture");
    expect(storedErrorText(null)).toBeUndefined();
  });
});

function renderSignIn(error: FixtureError) {
  return renderWithApi(
    <MemoryRouter initialEntries={["/login"]}>
      <SignInScreen subtitle="Входящие" />
    </MemoryRouter>,
    {
      "auth.signIn": () => {
        throw error;
      },
    },
  );
}

async function submit(email = "anna@example.ru") {
  await userEvent.type(screen.getByLabelText(/E-mail/), email);
  await userEvent.type(screen.getByLabelText(/Пароль|Password/), "x");
  await userEvent.click(screen.getByRole("button", { name: /Войти|Sign in/ }));
}

describe("a server error on screen", () => {
  const refused = () => new FixtureError("TOO_MANY_REQUESTS", "server wording", { errorCode: "auth.tooManyAttempts", params: { seconds: 42 } });

  it("is worded in Russian from its code", async () => {
    renderSignIn(refused());
    await submit();
    expect((await screen.findByRole("alert")).textContent).toBe("Слишком много неудачных попыток входа. Попробуйте через 42 секунды");
  });

  it("is worded in English from the same code", async () => {
    await act(() => i18next.changeLanguage("en"));
    renderSignIn(refused());
    await submit();
    expect((await screen.findByRole("alert")).textContent).toBe("Too many failed sign-in attempts. Try again in 42 seconds");
  });

  it("falls back to the server's message for a code this UI does not know", async () => {
    renderSignIn(new FixtureError("BAD_REQUEST", "Новая причина", { errorCode: "auth.somethingNew" }));
    await submit();
    expect((await screen.findByRole("alert")).textContent).toBe("Новая причина");
  });

  it("shows an input error under its field, not as a note", async () => {
    renderSignIn(new FixtureError("BAD_REQUEST", "[]", { fieldErrors: { email: { code: "validation.email", params: {}, message: "Введите e-mail" } } }));
    await submit("anna@example");
    expect(await screen.findByText("Введите e-mail")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
