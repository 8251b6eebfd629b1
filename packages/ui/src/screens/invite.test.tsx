import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { callsTo, FixtureError, renderWithApi } from "../testing/api.tsx";
import { InviteScreen } from "./invite.tsx";

const invitation = { projectName: "Бодрое утро", email: "oleg@example.ru", roleName: "Менеджер" };
const signedInAs = (email: string) => ({ user: { id: "u-1", email, name: "Олег" }, projects: [] });

describe("InviteScreen", () => {
  it("lets a newcomer set a name and password and join the project", async () => {
    const onAccepted = vi.fn();
    const { calls } = renderWithApi(<InviteScreen token="tok-1" onAccepted={onAccepted} />, {
      "auth.invitation": () => invitation,
      "auth.me": () => null,
      "auth.acceptInvitation": () => ({ projectId: "p-7" }),
    });
    expect(await screen.findByRole("heading", { name: "Приглашение в проект «Бодрое утро»" })).toBeTruthy();
    expect(screen.getByText(/oleg@example\.ru · Роль: Менеджер/)).toBeTruthy();
    await userEvent.type(screen.getByLabelText("Ваше имя"), "Олег Петров");
    await userEvent.type(screen.getByLabelText("Придумайте пароль (от 8 символов)"), "long enough");
    await userEvent.click(screen.getByRole("button", { name: "Принять приглашение" }));
    await waitFor(() => expect(onAccepted).toHaveBeenCalledWith("p-7"));
    expect(callsTo(calls, "auth.acceptInvitation")).toEqual([{ token: "tok-1", name: "Олег Петров", password: "long enough" }]);
  });

  it("joins with one button, no password, when signed in as the invited address", async () => {
    const onAccepted = vi.fn();
    const { calls } = renderWithApi(<InviteScreen token="tok-2" onAccepted={onAccepted} />, {
      "auth.invitation": () => invitation,
      "auth.me": () => signedInAs("oleg@example.ru"),
      "auth.acceptInvitation": () => ({ projectId: "p-7" }),
    });
    expect(await screen.findByText("Вы вошли как oleg@example.ru.")).toBeTruthy();
    expect(screen.queryByLabelText("Ваше имя")).toBeNull();
    expect(screen.queryByLabelText(/пароль/i)).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Принять приглашение" }));
    await waitFor(() => expect(onAccepted).toHaveBeenCalledWith("p-7"));
    expect(callsTo(calls, "auth.acceptInvitation")).toEqual([{ token: "tok-2" }]);
  });

  it("signed in as another address, offers to sign out instead of accepting", async () => {
    renderWithApi(<InviteScreen token="tok-3" onAccepted={() => {}} />, {
      "auth.invitation": () => invitation,
      "auth.me": () => signedInAs("maria@example.ru"),
    });
    expect(await screen.findByText(/Приглашение отправлено на oleg@example\.ru, а вы вошли как maria@example\.ru/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Принять приглашение" })).toBeNull();
    expect(screen.getByRole("button", { name: "Выйти" })).toBeTruthy();
  });

  it("says why an invitation cannot be used", async () => {
    renderWithApi(<InviteScreen token="old" onAccepted={() => {}} />, {
      "auth.invitation": () => {
        throw new FixtureError("NOT_FOUND", "Приглашение истекло");
      },
      "auth.me": () => null,
    });
    expect((await screen.findByRole("alert")).textContent).toBe("Приглашение истекло");
    expect(screen.queryByRole("button", { name: "Принять приглашение" })).toBeNull();
  });
});
