import { describe, expect, it } from "vitest";
import { displayPhone } from "./phone.ts";

describe("displayPhone", () => {
  it("writes a Russian number as the agent writes it in the chat («+7 912 345-67-89»)", () => {
    expect(displayPhone("+79123456789")).toBe("+7 912 345-67-89");
    expect(displayPhone("+74951234567")).toBe("+7 495 123-45-67");
  });
  it("leaves other numbers in E.164", () => {
    expect(displayPhone("+380501234567")).toBe("+380501234567");
  });
});
