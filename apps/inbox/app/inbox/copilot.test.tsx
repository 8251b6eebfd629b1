import { act, screen } from "@testing-library/react";
import { useEffect, useState } from "react";
import { describe, expect, it } from "vitest";
import { callsTo, renderWithApi } from "@threadline/ui/testing";
import { ReplyBox } from "./reply-box.tsx";

type Shown = { copilot: boolean; lastInboundSeq: number };
let show: (next: Shown) => void = () => undefined;

/** The reply box as the thread renders it, its copilot switch and newest client message driven by the test. */
function Thread() {
  const [shown, setShown] = useState<Shown>({ copilot: true, lastInboundSeq: 1 });
  useEffect(() => void (show = setShown), []);
  return <ReplyBox projectId="p1" conversationId="conv-1" copilot={shown.copilot} lastInboundSeq={shown.lastInboundSeq} error={null} onSend={() => Promise.resolve()} />;
}

describe("copilot suggestion", () => {
  it("is asked once per client message, also when the message comes while the agent's switch goes off", async () => {
    // What the server answers depends on the newest client message it has stored.
    let stored = 1;
    const { calls } = renderWithApi(<Thread />, {
      "templates.list": () => [],
      "copilot.suggest": () => ({ text: `Ответ на сообщение ${stored}`, sources: [], passages: [], mode: "rules" }),
    });
    expect((await screen.findByTestId("copilot-text")).textContent).toContain("Ответ на сообщение 1");

    // The switch flickers while the manager takes over, and the client writes meanwhile.
    act(() => show({ copilot: false, lastInboundSeq: 1 }));
    stored = 2;
    act(() => show({ copilot: true, lastInboundSeq: 2 }));
    await screen.findByText(/Ответ на сообщение 2/);
    expect(callsTo(calls, "copilot.suggest")).toHaveLength(2);

    // The same message again (a re-render, the switch off and on) is not asked again.
    act(() => show({ copilot: false, lastInboundSeq: 2 }));
    act(() => show({ copilot: true, lastInboundSeq: 2 }));
    expect(screen.getByTestId("copilot-text").textContent).toContain("Ответ на сообщение 2");
    expect(callsTo(calls, "copilot.suggest")).toHaveLength(2);
  });
});
