import { ElevenLabsSimulator, simulatedVoice } from "@threadline/simulators/ai";
import { hashPassword, createProject } from "@threadline/domain";
import { users } from "@threadline/db";
import { connectTelegramBot, expect, saveElevenLabsVoice, simulatorPorts, telegramSimulator, test } from "./fixtures.ts";

// Speech-to-text is the project's choice: the owner of a project of the spec's own saves the
// project's ElevenLabs key and picks «Распознавание голоса: ElevenLabs» on the agent page; a
// client's voice note through the Telegram webhook is transcribed by the ElevenLabs simulator
// (and by nobody else), and the owner reads the transcript under the voice bubble in the inbox.
test("the owner picks ElevenLabs for speech-to-text; a client's voice note is read by it and shown", async ({ page, browser, urls, seed, signIn }) => {
  test.setTimeout(150_000);
  const tg = telegramSimulator();
  const elevenlabs = new ElevenLabsSimulator({ voices: ["voice-stt"] });
  await tg.start();
  await elevenlabs.start(simulatorPorts.elevenlabs);
  try {
    const suffix = Math.random().toString(36).slice(2, 8);
    const password = "stt-e2e-pass-12";
    const [owner] = await seed.db.insert(users).values({ email: `owner-${suffix}@stt.demo`, name: "Ольга Владелец", passwordHash: await hashPassword(password) }).returning();
    await createProject(seed.db, owner!.id, { name: "Студия «Голос»", slug: `stt-${suffix}` });
    const bot = tg.addBot({ token: `7100000017:AA${"speech".repeat(6)}`, username: `voice_${suffix}_bot`, firstName: "Студия" });

    await signIn(page, urls.admin, owner!.email, password);
    await connectTelegramBot(page, bot);
    await page.getByRole("link", { name: "ИИ-агент" }).click();
    // The project's own ElevenLabs key (saved for voicing) is what Scribe is called with.
    await saveElevenLabsVoice(page, elevenlabs.apiKey, "voice-stt");
    await page.getByLabel("Распознавание голоса").selectOption({ label: "ElevenLabs" });
    const agentForm = page.locator("form").first();
    await agentForm.getByRole("button", { name: "Сохранить" }).click();
    await expect(agentForm).toContainText("Сохранено");

    const says = "Здравствуйте, можно записаться на урок вокала в субботу?";
    tg.simulateClientMessage({ botToken: bot.token, from: { id: 9301, first_name: "Вера", last_name: "Звонкая" }, voice: { durationSec: 4, data: simulatedVoice(says, 4) } });
    await expect.poll(() => elevenlabs.transcriptions.length, { timeout: 20_000 }).toBe(1);

    const context = await browser.newContext({ locale: "ru-RU", viewport: { width: 1440, height: 900 } });
    const inbox = await context.newPage();
    await signIn(inbox, urls.inbox, owner!.email, password);
    const row = inbox.getByTestId("conversation-row").filter({ hasText: "Вера Звонкая" });
    await expect(row).toBeVisible({ timeout: 15_000 });
    await row.click();
    const bubble = inbox.getByTestId("thread").getByTestId("message").filter({ has: inbox.getByTestId("transcript") });
    await expect(bubble.getByTestId("transcript")).toContainText(says, { timeout: 15_000 });
    await context.close();
  } finally {
    await elevenlabs.stop();
    await tg.stop();
  }
});
