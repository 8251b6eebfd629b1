import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createMemoryRouter, Outlet, RouterProvider } from "react-router";
import { describe, expect, it } from "vitest";
import { callsTo, FixtureError, renderWithApi } from "@threadline/ui/testing";
import Agent from "./agent.tsx";
import { formFrom, nextFactKey, settingsUpdate, TEXT_KEYS, type AgentSettings } from "./agent-form.ts";

const texts = Object.fromEntries(TEXT_KEYS.map((k) => [k, ""])) as Record<(typeof TEXT_KEYS)[number], string>;

function stored(): AgentSettings {
  return {
    enabled: true,
    script: {
      greeting: "Здравствуйте!",
      facts: { hours: "10–20", address: "Тверь, ул. Советская, 1" },
      faq: [{ q: ["Есть доставка?", "Доставляете?"], a: "Да, за 2 дня." }],
      handoffTopics: ["опт", "скидк"],
      ...texts,
      handoff: "Передаю менеджеру.",
      maxPhoneAsks: 2,
      timeoutMinutes: 30,
      objections: [],
      collect: ["phone"],
      fieldAsks: {},
      instructions: "",
    },
    // The server's defaults are typed as its literal texts; the form only shows them as placeholders.
    defaults: { ...texts, greeting: "Добрый день!", maxPhoneAsks: 2, timeoutMinutes: 60 } as unknown as AgentSettings["defaults"],
    channels: [
      { id: "chan-vk", kind: "vk", name: "Бодрое утро ВК", state: "active", override: null, agentOn: true },
      { id: "chan-tg", kind: "telegram", name: "Бодрое утро ТГ", state: "active", override: false, agentOn: false },
    ],
    llm: { model: "gpt-4o-mini", hasKey: true, keyStale: false, embeddingModel: null, embeddingDefault: "text-embedding-3-small" },
    transcription: "openai",
  };
}

describe("the agent form", () => {
  it("saves the stored settings unchanged, the saved key kept", () => {
    const update = settingsUpdate("p1", formFrom(stored()));
    const { defaults: _defaults, channels: _channels, llm: _llm, ...same } = stored();
    // What the form does not edit (the questions for collected fields) is left out and kept by the server.
    const { fieldAsks: _fieldAsks, ...edited } = same.script;
    expect(update).toEqual({
      projectId: "p1",
      enabled: same.enabled,
      channels: { "chan-vk": null, "chan-tg": false },
      script: edited,
      llm: { model: "gpt-4o-mini", embeddingModel: null },
      transcription: "openai",
    });
  });

  it("sends the voice recognition chosen: ElevenLabs", () => {
    expect(settingsUpdate("p1", { ...formFrom(stored()), transcription: "elevenlabs" }).transcription).toBe("elevenlabs");
  });

  it("sends objections one wording a line, the phone always among the fields, and the instructions", () => {
    const form = formFrom(stored());
    const update = settingsUpdate("p1", {
      ...form,
      objections: [{ q: " Дорого \nПодумаю", a: "Зато с гарантией год." }, { q: "", a: "" }],
      collect: ["date", "name"],
      instructions: "Сначала предлагайте набор.",
    });
    expect(update.script).toMatchObject({
      objections: [{ q: ["Дорого", "Подумаю"], a: "Зато с гарантией год." }],
      collect: ["phone", "date", "name"],
      instructions: "Сначала предлагайте набор.",
    });
  });

  it("drops empty rows, trims keys and questions, splits topics on commas and lines", () => {
    const form = formFrom(stored());
    const update = settingsUpdate("p1", {
      ...form,
      facts: [{ key: " hours ", value: "9–21" }, { key: " ", value: "" }],
      faq: [{ q: " Есть доставка? \n\n Сколько идёт?", a: "2 дня" }, { q: "", a: " " }],
      handoffTopics: "опт,  скидк\nвозврат, ",
      maxPhoneAsks: "3",
      timeoutMinutes: "45",
      llmModel: "",
    });
    expect(update.script).toMatchObject({
      facts: { hours: "9–21" },
      faq: [{ q: ["Есть доставка?", "Сколько идёт?"], a: "2 дня" }],
      handoffTopics: ["опт", "скидк", "возврат"],
      maxPhoneAsks: 3,
      timeoutMinutes: 45,
    });
    expect(update.llm).toEqual({ model: null, embeddingModel: null });
  });

  it("sends the key only when it was typed or removed", () => {
    const form = formFrom(stored());
    expect(form.llmKey).toBeUndefined();
    expect(settingsUpdate("p1", { ...form, llmKey: "sk-new" }).llm).toEqual({ model: "gpt-4o-mini", embeddingModel: null, apiKey: "sk-new" });
    expect(settingsUpdate("p1", { ...form, llmKey: null }).llm).toEqual({ model: "gpt-4o-mini", embeddingModel: null, apiKey: null });
  });

  it("sends the embedding model typed, trimmed, and the default as null", () => {
    const form = formFrom(stored());
    expect(form.embeddingModel).toBe("");
    expect(settingsUpdate("p1", { ...form, embeddingModel: " bge-m3 " }).llm).toEqual({ model: "gpt-4o-mini", embeddingModel: "bge-m3" });
  });

  it("a new fact suggests hours, then address, then nothing", () => {
    expect(nextFactKey([])).toBe("hours");
    expect(nextFactKey([{ key: "hours" }])).toBe("address");
    expect(nextFactKey([{ key: "address" }, { key: "hours" }])).toBe("");
  });
});

/** The agent page inside the project's outlet, as the console renders it; saving answers the new settings. */
function renderAgent() {
  let settings = stored();
  const router = createMemoryRouter([{ path: "/", element: <Outlet context={{ projectId: "p1", access: { roleKey: "owner", permissions: [], hiddenFields: [] } }} />, children: [{ index: true, element: <Agent /> }] }]);
  return renderWithApi(<RouterProvider router={router} />, {
    "agent.get": () => settings,
    "agent.update": (input: ReturnType<typeof settingsUpdate>) => {
      settings = { ...settings, enabled: input.enabled!, script: { ...settings.script, ...input.script } } as AgentSettings;
      return settings;
    },
    "agent.examples": () => [],
    "agent.backlog": () => ({ waiting: 3, active: 1, delayed: 0, oldestWaitingMs: 4200 }),
    "voice.settings": () => {
      throw new FixtureError("FORBIDDEN");
    },
  });
}

describe("Agent", () => {
  it("saves what the manager edited, mapped to the server's settings, and shows the saved form", async () => {
    const { calls } = renderAgent();
    await userEvent.click(await screen.findByRole("button", { name: "Добавить факт" }));
    // Facts are chosen from a list in Russian, not typed as keys.
    const kinds = screen.getAllByRole<HTMLSelectElement>("combobox", { name: "О чём факт" });
    expect(kinds.map((k) => k.selectedOptions[0]!.textContent)).toEqual(["Часы работы", "Адрес", "Другое…"]);
    await userEvent.selectOptions(kinds[2]!, "Телефон");
    await userEvent.type(screen.getAllByRole("textbox", { name: "Значение" })[2]!, "+7 900 000-00-00");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Агент в канале: Бодрое утро ТГ" }), "project");
    const embedding = screen.getByRole<HTMLInputElement>("textbox", { name: "Модель для поиска по смыслу" });
    expect(embedding.placeholder).toBe("text-embedding-3-small");
    await userEvent.type(embedding, "bge-m3");
    await userEvent.click(screen.getByRole("button", { name: "Сохранить" }));
    await waitFor(() => expect(callsTo(calls, "agent.update")).toHaveLength(1));
    const [update] = callsTo(calls, "agent.update") as ReturnType<typeof settingsUpdate>[];
    expect(update!.channels).toEqual({ "chan-vk": null, "chan-tg": null });
    expect(update!.script!.facts).toEqual({ hours: "10–20", address: "Тверь, ул. Советская, 1", phone: "+7 900 000-00-00" });
    expect(update!.llm).toEqual({ model: "gpt-4o-mini", embeddingModel: "bge-m3" });
    // The form starts again from the server's answer.
    expect(await screen.findByText("Сохранено")).toBeTruthy();
    expect(screen.getAllByRole<HTMLSelectElement>("combobox", { name: "О чём факт" }).map((k) => k.value)).toEqual(["hours", "address", "phone"]);
  });

  it("shows how far behind the agent is", async () => {
    renderAgent();
    const backlog = await screen.findByTestId("agent-backlog");
    await waitFor(() => expect(backlog.textContent).toContain("Ждут ответа агента3"));
    expect(backlog.textContent).toContain("Самый старый ждёт4 с");
    expect(backlog.textContent).toContain("Отвечает сейчас1");
  });
});
