import { ElevenLabsSimulator } from "@threadline/simulators/ai";
import { oggOpusSeconds } from "@threadline/ai";
import { connectTelegramBot, expect, saveElevenLabsVoice, simulatorPorts, telegramSimulator, test } from "./fixtures.ts";

/** An Ogg stream whose first packet is an OpusHead: what Telegram plays as a voice message. */
const isOggOpus = (data: Buffer) => data.subarray(0, 4).toString("latin1") === "OggS" && data.subarray(28, 36).toString("latin1") === "OpusHead";

// Chromium's fake microphone (a beep) stands in for the manager's, and is allowed without asking.
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"],
  },
});

// Voice replies on real parts: «Озвучить» without a voice says what to do; the owner adds the
// project's ElevenLabs key and voice (against the ElevenLabs simulator); the manager voices a
// reply, listens to it, sends it, and the Telegram client gets a voice message with the text as
// its caption; then the manager records a voice message with the microphone and sends that.
test("a manager voices a reply and records one; the client receives both as voice messages", async ({ page, browser, urls, seed, signIn, shot }) => {
  test.setTimeout(180_000);
  const tg = telegramSimulator();
  const elevenlabs = new ElevenLabsSimulator({ voices: ["voice-irina"] });
  await tg.start();
  await elevenlabs.start(simulatorPorts.elevenlabs);
  try {
    const owner = await seed.demoAccount("owner");
    const manager = await seed.demoAccount("manager");
    const bot = tg.addBot({ token: `7100000002:AA${"voice".repeat(7)}`, username: "zerno_voice_bot", firstName: "Кофейня «Зерно»" });

    await signIn(page, urls.admin, owner.email, owner.password);
    await connectTelegramBot(page, { token: bot.token, username: "zerno_voice_bot" });

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const inbox = await context.newPage();
    await signIn(inbox, urls.inbox, manager.email, manager.password);
    const client = { id: 9201, first_name: "Злата", last_name: "Берёзкина" };
    tg.simulateClientMessage({ botToken: bot.token, from: client, text: "Добрый день! Во сколько можно забрать заказ?" });
    const row = inbox.getByTestId("conversation-row").filter({ hasText: "Злата Берёзкина" });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await row.click();

    // No voice yet: a plain reason, nothing sent.
    const reply = inbox.getByTestId("reply-input");
    const text = "Злата, добрый день! Заказ будет готов сегодня к шести вечера, ждём вас.";
    await reply.fill(text);
    const speak = inbox.getByRole("button", { name: "Озвучить" });
    await speak.click();
    // Another spec may have left a channel of this demo project broken: its banner is an alert too.
    await expect(inbox.getByRole("alert").filter({ hasText: "Озвучка не настроена" })).toBeVisible();
    await expect(inbox.getByTestId("voice-draft")).toHaveCount(0);
    const voices = () => tg.sentMessages(client.id, { botToken: bot.token }).filter((m) => m.kind === "voice");
    expect(voices()).toEqual([]);

    // The owner gives the project its ElevenLabs key and voice on the agent page.
    await page.getByRole("link", { name: "ИИ-агент" }).click();
    await saveElevenLabsVoice(page, elevenlabs.apiKey, "voice-irina");
    await page.getByLabel("Ключ API ElevenLabs").scrollIntoViewIfNeeded();
    await shot(page, "admin-voice-settings", { docs: true });

    // The manager voices the text and hears it before sending.
    await speak.click();
    const draft = inbox.getByTestId("voice-draft");
    await expect(draft).toHaveAttribute("data-source", "voiced");
    await expect(draft).toContainText(`Озвучено: ${[...text].length} симв.`);
    const preview = inbox.getByTestId("voice-preview");
    await expect(preview).toHaveAttribute("src", /^blob:/);
    await expect.poll(() => preview.evaluate((audio) => (audio as unknown as { duration: number }).duration), { timeout: 10_000 }).toBeGreaterThan(3);
    await expect(inbox.getByRole("checkbox", { name: "Отправить текст подписью" })).toBeChecked();
    await shot(inbox, "inbox-voice-preview", { docs: true });

    await inbox.getByRole("button", { name: "Отправить голосовое" }).click();
    await expect.poll(() => voices().length, { timeout: 15_000 }).toBe(1);
    const voiced = voices()[0]!;
    expect(voiced.caption).toBe(text);
    expect(isOggOpus(voiced.file!.data)).toBe(true);
    await expect(inbox.getByTestId("voice-draft")).toHaveCount(0);
    await expect(reply).toHaveValue("");
    const sentBubble = inbox.getByTestId("thread").getByTestId("message").filter({ hasText: "к шести вечера" });
    await expect(sentBubble).toHaveAttribute("data-delivery", /sent|read/, { timeout: 10_000 });
    await expect(sentBubble.locator("audio")).toHaveAttribute("src", /\/files\//);
    // Its length as stored from the generated audio, not the player's «0:00».
    await expect(sentBubble.getByTestId("voice-duration")).toHaveText(/^0:(0[1-9]|[1-5]\d)$/);
    // Listening: the position runs against the stored length, and a pause stops it.
    await sentBubble.getByRole("button", { name: "Слушать" }).click();
    await expect(sentBubble.getByTestId("voice-position")).toHaveText(/^0:0[1-9]$/, { timeout: 10_000 });
    await sentBubble.getByRole("button", { name: "Пауза" }).click();
    await expect(sentBubble.getByRole("button", { name: "Слушать" })).toBeVisible();

    // A recording: timer, stop, listen back, send.
    await inbox.getByRole("button", { name: "Записать голосовое" }).click();
    const recording = inbox.getByTestId("voice-recording");
    await expect(recording.getByRole("timer")).toHaveText("0:02", { timeout: 10_000 });
    await shot(inbox, "inbox-voice-recording", { docs: true });
    await inbox.getByRole("button", { name: "Остановить запись" }).click();
    await expect(inbox.getByTestId("voice-draft")).toHaveAttribute("data-source", "recorded");
    await expect(inbox.getByTestId("voice-preview")).toHaveAttribute("src", /^blob:/);
    await inbox.getByRole("button", { name: "Отправить голосовое" }).click();
    await expect.poll(() => voices().length, { timeout: 15_000 }).toBe(2);
    const recorded = voices()[1]!;
    expect(recorded.caption).toBeUndefined();
    expect(isOggOpus(recorded.file!.data)).toBe(true);
    expect(recorded.file!.data.length).toBeGreaterThan(1000);
    // The recording's length shows on its bubble: the length of the Ogg/Opus the client got.
    const seconds = Math.max(1, Math.round(oggOpusSeconds(recorded.file!.data)));
    await expect(inbox.getByTestId("thread").getByTestId("message").last().getByTestId("voice-duration")).toHaveText(`0:${String(seconds).padStart(2, "0")}`, { timeout: 10_000 });
    await shot(inbox, "inbox-voice-sent", { docs: true });
    await context.close();
  } finally {
    await elevenlabs.stop();
    await tg.stop();
  }
});
