import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { callsTo, FixtureError, renderWithApi } from "../testing/api.tsx";
import { InviteScreen } from "./invite.tsx";

const invitation = { projectName: "Бодрое утро", email: "oleg@example.ru", roleName: "Менеджер", hasAccount: false };

describe("InviteScreen", () => {
  it("lets a newcomer set a name and password and join the project", async () => {
    const onAccepted = vi.fn();
    const { calls } = renderWithApi(<InviteScreen token="tok-1" onAccepted={onAccepted} />, {
      "auth.invitation": () => invitation,
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

  it("asks a person with an account only for their password", async () => {
    const { calls } = renderWithApi(<InviteScreen token="tok-2" onAccepted={() => {}} />, {
      "auth.invitation": () => ({ ...invitation, hasAccount: true }),
      "auth.acceptInvitation": () => ({ projectId: "p-7" }),
    });
    await userEvent.type(await screen.findByLabelText("Пароль от вашей учётной записи"), "secret");
    expect(screen.queryByLabelText("Ваше имя")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Принять приглашение" }));
    await waitFor(() => expect(callsTo(calls, "auth.acceptInvitation")).toEqual([{ token: "tok-2", name: undefined, password: "secret" }]));
  });

  it("says why an invitation cannot be used", async () => {
    renderWithApi(<InviteScreen token="old" onAccepted={() => {}} />, {
      "auth.invitation": () => {
        throw new FixtureError("NOT_FOUND", "Приглашение истекло");
      },
    });
    expect((await screen.findByRole("alert")).textContent).toBe("Приглашение истекло");
    expect(screen.queryByRole("button", { name: "Принять приглашение" })).toBeNull();
  });
});
