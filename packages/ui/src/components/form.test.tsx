import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { ErrorNote, Field, Input } from "./form.tsx";

describe("Field", () => {
  it("labels its input, so a click on the label focuses it and the input is found by its label", async () => {
    render(
      <Field label="Название проекта" htmlFor="name" error="Название не может быть пустым">
        <Input id="name" />
      </Field>,
    );
    const input = screen.getByLabelText("Название проекта");
    await userEvent.click(screen.getByText("Название проекта"));
    expect(document.activeElement).toBe(input);
    await userEvent.type(input, "Бодрое утро");
    expect((input as HTMLInputElement).value).toBe("Бодрое утро");
    expect(screen.getByText("Название не может быть пустым")).toBeTruthy();
  });

  it("shows no error line when there is none", () => {
    const { container } = render(
      <Field label="E-mail" htmlFor="email">
        <Input id="email" />
      </Field>,
    );
    expect(container.querySelector("p")).toBeNull();
  });
});

describe("ErrorNote", () => {
  it("announces an error as an alert", () => {
    render(<ErrorNote>Неверный пароль</ErrorNote>);
    expect(screen.getByRole("alert").textContent).toBe("Неверный пароль");
  });

  it("renders nothing without an error", () => {
    render(<ErrorNote>{undefined}</ErrorNote>);
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
