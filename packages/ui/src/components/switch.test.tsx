import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { Checkbox, Switch } from "./switch.tsx";

function AiSwitch({ onChange, disabled }: { onChange: (on: boolean) => void; disabled?: boolean }) {
  const [on, setOn] = useState(false);
  return <Switch aria-label="ИИ-агент" checked={on} disabled={disabled} onCheckedChange={(v) => (setOn(v), onChange(v))} />;
}

describe("Switch", () => {
  it("turns on and off by click and by Space", async () => {
    const onChange = vi.fn();
    render(<AiSwitch onChange={onChange} />);
    const sw = screen.getByRole("switch", { name: "ИИ-агент" });
    expect(sw.getAttribute("aria-checked")).toBe("false");
    await userEvent.click(sw);
    expect(sw.getAttribute("aria-checked")).toBe("true");
    await userEvent.keyboard(" ");
    expect(sw.getAttribute("aria-checked")).toBe("false");
    expect(onChange.mock.calls).toEqual([[true], [false]]);
  });

  it("does not change while disabled", async () => {
    const onChange = vi.fn();
    render(<AiSwitch onChange={onChange} disabled />);
    await userEvent.click(screen.getByRole("switch", { name: "ИИ-агент" }));
    expect(onChange).not.toHaveBeenCalled();
  });
});

describe("Checkbox", () => {
  it("is ticked and unticked by click", async () => {
    const onChange = vi.fn();
    function Caption() {
      const [checked, setChecked] = useState(true);
      return <Checkbox aria-label="С подписью" checked={checked} onCheckedChange={(v) => (setChecked(v === true), onChange(v))} />;
    }
    render(<Caption />);
    const box = screen.getByRole("checkbox", { name: "С подписью" });
    expect(box.getAttribute("aria-checked")).toBe("true");
    await userEvent.click(box);
    expect(box.getAttribute("aria-checked")).toBe("false");
    expect(onChange).toHaveBeenCalledWith(false);
  });
});
