import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { callsTo, FixtureError, renderWithApi } from "@threadline/ui/testing";
import { ManualForm } from "./payments.tsx";

const plain = (s: string | null) => (s ?? "").replace(/[\u00a0\u202f]/g, " ");
const order = (id: string, number: number, totalMinor: number, extra: { status?: string; paymentStatus?: string | null } = {}) => ({
  id,
  number,
  totalMinor,
  currency: "RUB",
  status: extra.status ?? "new",
  paymentStatus: extra.paymentStatus ?? null,
  items: [],
});

function renderForm(orders: unknown[], markPaid: (input: unknown) => unknown = () => ({ paymentId: "pay1" })) {
  let done = 0;
  const view = renderWithApi(<ManualForm projectId="p1" conversationId="c1" onDone={() => done++} />, {
    "orders.forConversation": () => orders,
    "payments.markPaid": markPaid,
    "payments.forConversation": () => ({ payments: [], revenue: 0, currency: "RUB" }),
  });
  return { ...view, done: () => done };
}

describe("«Отметить оплату»", () => {
  it("with one unpaid order: that order is chosen, its total shown instead of an amount, and it is what is paid", async () => {
    const { calls, done } = renderForm([order("o1", 12, 56000), order("o2", 11, 30000, { paymentStatus: "succeeded" }), order("o3", 10, 20000, { status: "cancelled" })]);
    const select = await screen.findByLabelText("Заказ");
    expect((select as HTMLSelectElement).value).toBe("o1");
    // Paid and cancelled orders are not offered.
    expect([...(select as HTMLSelectElement).options].map((o) => plain(o.textContent))).toEqual(["Без заказа", "Заказ №12 · 560 ₽"]);
    expect(plain(screen.getByTestId("manual-payment-order-total").textContent)).toBe("Сумма заказа: 560 ₽");
    expect(screen.queryByLabelText("Сумма, ₽")).toBeNull();
    await userEvent.selectOptions(screen.getByLabelText("Способ"), "cash");
    await userEvent.click(screen.getByRole("button", { name: "Сохранить оплату" }));
    await waitFor(() => expect(callsTo(calls, "payments.markPaid")).toEqual([{ projectId: "p1", conversationId: "c1", method: "cash", orderId: "o1" }]));
    await waitFor(() => expect(done()).toBe(1));
  });

  it("with several unpaid orders the manager picks one; «Без заказа» takes a typed amount", async () => {
    const { calls } = renderForm([order("o1", 12, 56000), order("o2", 13, 41000)]);
    const select = (await screen.findByLabelText("Заказ")) as HTMLSelectElement;
    expect(select.value).toBe("");
    await userEvent.type(screen.getByLabelText("Сумма, ₽"), "1500,50");
    await userEvent.selectOptions(select, "o2");
    expect(plain(screen.getByTestId("manual-payment-order-total").textContent)).toBe("Сумма заказа: 410 ₽");
    await userEvent.selectOptions(select, "");
    await userEvent.click(screen.getByRole("button", { name: "Сохранить оплату" }));
    await waitFor(() => expect(callsTo(calls, "payments.markPaid")).toEqual([{ projectId: "p1", conversationId: "c1", amount: 150050, method: "transfer" }]));
  });

  it("with no order: the amount is asked for and checked, nothing sent without it", async () => {
    const { calls } = renderForm([]);
    await userEvent.click(await screen.findByRole("button", { name: "Сохранить оплату" }));
    expect(screen.getByText("Введите сумму, например 1500 или 1500,50")).toBeTruthy();
    expect(screen.queryByLabelText("Заказ")).toBeNull();
    expect(callsTo(calls, "payments.markPaid")).toEqual([]);
  });

  it("a refusal is shown in words and the form stays open", async () => {
    const { done } = renderForm([order("o1", 12, 56000)], () => {
      throw new FixtureError("BAD_REQUEST", "Заказ №12 уже оплачен", { errorCode: "payments.orderPaid", params: { number: 12 } });
    });
    await screen.findByLabelText("Заказ");
    await userEvent.click(screen.getByRole("button", { name: "Сохранить оплату" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Заказ №12 уже оплачен");
    expect(done()).toBe(0);
  });
});
