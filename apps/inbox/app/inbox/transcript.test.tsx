import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "@threadline/ui/testing";
import { MessageBubble } from "./message.tsx";
import { message } from "./testing/fixtures.ts";

describe("a voice note's transcript", () => {
  it("shows under the voice bubble, labelled as a transcript", () => {
    const voice = message({
      kind: "voice",
      text: "",
      transcript: "подскажите до скольки вы сегодня работаете",
      attachments: [{ id: "a1", messageId: 1, kind: "voice", mime: "audio/ogg", size: 9000, fileName: null, durationSec: 67, state: "ready", error: null }],
    });
    renderWithApi(<MessageBubble message={voice} projectId="p1" showAuthor={false} />, {});
    expect(screen.getByTestId("transcript").textContent).toBe("Расшифровка: подскажите до скольки вы сегодня работаете");
    // Its stored length, not the player's «0:00».
    expect(screen.getByTestId("voice-duration").textContent).toBe("1:07");
  });

  it("a voice note the provider refused: the reason in Russian instead of a transcript", () => {
    const voice = message({
      kind: "voice",
      text: "",
      transcriptError: 'transcription.keyRejected {"provider":"ElevenLabs"}',
      attachments: [{ id: "a2", messageId: 2, kind: "voice", mime: "audio/ogg", size: 9000, fileName: null, durationSec: null, state: "ready", error: null }],
    });
    renderWithApi(<MessageBubble message={voice} projectId="p1" showAuthor={false} />, {});
    expect(screen.getByTestId("transcript-error").textContent).toBe("Голосовое не расшифровано: ElevenLabs не принял ключ проекта. Владелец проверяет ключ в настройках агента.");
    expect(screen.queryByTestId("transcript")).toBeNull();
  });

  it("a PDF's text is labelled as the document's text; a message without one shows none", () => {
    renderWithApi(<MessageBubble message={message({ kind: "document", text: "реквизиты", transcript: "INN 7701234567" })} projectId="p1" showAuthor={false} />, {});
    expect(screen.getByTestId("transcript").textContent).toBe("Текст документа: INN 7701234567");
  });
});
