import { act, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { VoicePlayer } from "./voice-player.tsx";

// jsdom has no media playback: play and pause flip `paused` and fire the events a browser fires.
function fakePlayback() {
  const state = new WeakMap<HTMLMediaElement, boolean>();
  vi.spyOn(HTMLMediaElement.prototype, "paused", "get").mockImplementation(function (this: HTMLMediaElement) {
    return state.get(this) ?? true;
  });
  vi.spyOn(HTMLMediaElement.prototype, "play").mockImplementation(function (this: HTMLMediaElement) {
    state.set(this, false);
    this.dispatchEvent(new Event("play"));
    return Promise.resolve();
  });
  vi.spyOn(HTMLMediaElement.prototype, "pause").mockImplementation(function (this: HTMLMediaElement) {
    state.set(this, true);
    this.dispatchEvent(new Event("pause"));
  });
}

const audioOf = (player: HTMLElement) => player.querySelector("audio")!;
const reach = (audio: HTMLAudioElement, seconds: number) =>
  act(() => {
    audio.currentTime = seconds;
    audio.dispatchEvent(new Event("timeupdate"));
  });

describe("the voice player", () => {
  beforeEach(fakePlayback);
  afterEach(() => vi.restoreAllMocks());

  it("shows the stored length, then the position against it while playing, and starts over at the end", async () => {
    render(<VoicePlayer src="/files/a1" storedSeconds={67} />);
    expect(screen.getByTestId("voice-duration").textContent).toBe("1:07");
    expect(screen.queryByTestId("voice-position")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Слушать" }));
    const audio = audioOf(screen.getByTestId("voice-player"));
    await reach(audio, 12.4);
    expect(screen.getByTestId("voice-position").textContent).toBe("0:12");
    expect(screen.getByTestId("voice-player").textContent).toContain("0:12 / 1:07");
    expect(screen.getByRole("slider", { name: "Позиция в записи" })).toHaveProperty("value", "12.4");

    fireEvent.click(screen.getByRole("button", { name: "Пауза" }));
    expect(screen.getByRole("button", { name: "Слушать" })).toBeTruthy();

    act(() => void audio.dispatchEvent(new Event("ended")));
    expect(audio.currentTime).toBe(0);
    expect(screen.queryByTestId("voice-position")).toBeNull();
  });

  it("seeks where the slider is moved and steps through the speeds", () => {
    render(<VoicePlayer src="/files/a1" storedSeconds={40} />);
    const audio = audioOf(screen.getByTestId("voice-player"));
    fireEvent.change(screen.getByRole("slider", { name: "Позиция в записи" }), { target: { value: "30" } });
    expect(audio.currentTime).toBe(30);
    expect(screen.getByTestId("voice-position").textContent).toBe("0:30");

    const speed = screen.getByRole("button", { name: "Скорость воспроизведения" });
    expect(speed.textContent).toBe("1×");
    fireEvent.click(speed);
    expect(speed.textContent).toBe("1,5×");
    expect(audio.playbackRate).toBe(1.5);
    fireEvent.click(speed);
    fireEvent.click(speed);
    expect(speed.textContent).toBe("1×");
    expect(audio.playbackRate).toBe(1);
  });

  it("one voice at a time: starting another pauses the one playing", () => {
    render(
      <>
        <VoicePlayer src="/files/a1" storedSeconds={10} />
        <VoicePlayer src="/files/a2" storedSeconds={20} />
      </>,
    );
    const [first, second] = screen.getAllByRole("button", { name: "Слушать" });
    fireEvent.click(first!);
    expect(screen.getAllByRole("button", { name: "Пауза" })).toHaveLength(1);
    fireEvent.click(second!);
    const [a1, a2] = screen.getAllByTestId("voice-player").map(audioOf);
    expect(a1!.paused).toBe(true);
    expect(a2!.paused).toBe(false);
    expect(screen.getAllByRole("button", { name: "Пауза" })).toHaveLength(1);
  });

  it("without a stored length it uses the browser's own, and none when the browser has none", () => {
    render(<VoicePlayer src="/files/a3" storedSeconds={null} />);
    const audio = audioOf(screen.getByTestId("voice-player"));
    expect(screen.queryByTestId("voice-duration")).toBeNull();
    expect(screen.getByRole("slider", { name: "Позиция в записи" })).toHaveProperty("disabled", true);
    vi.spyOn(audio, "duration", "get").mockReturnValue(Infinity);
    act(() => void audio.dispatchEvent(new Event("loadedmetadata")));
    expect(screen.queryByTestId("voice-duration")).toBeNull();
    vi.spyOn(audio, "duration", "get").mockReturnValue(9.2);
    act(() => void audio.dispatchEvent(new Event("durationchange")));
    expect(screen.getByTestId("voice-duration").textContent).toBe("0:09");
  });
});
