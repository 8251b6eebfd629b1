// The help center names buttons, tabs and screens in «ёлочки», as the interface shows them. A name
// that the interface does not have (renamed, never built) fails here: the pages are read, every
// «name» after a word that points at an interface element (нажмите, кнопка, вкладка, раздел, …)
// is taken, and it must be one of the Russian interface texts.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ruWithErrors } from "./ru.ts";

// happy-dom gives modules an http URL; the file's own path comes from vitest's `import.meta.dirname`.
const docsDir = join(import.meta.dirname, "../../../../apps/docs/docs");

function pages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? pages(join(dir, e.name)) : /\.mdx?$/.test(e.name) ? [join(dir, e.name)] : []));
}

/** Every Russian interface text, with {{placeholders}} as wildcards. */
function interfaceTexts(): RegExp[] {
  const out: RegExp[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") {
      const parts = v.split(/\{\{[^}]+\}\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
      out.push(new RegExp(`^${parts.join(".+")}$`, "u"));
    } else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  walk(ruWithErrors);
  return out;
}

// Words that point at an element of the interface: what follows in «…» is its name.
const POINTER =
  /(нажмите|нажимает|нажать|кнопк[аеуио]й?|кнопкой|вкладк[аеуи]|вкладкой|раздел[еау]?|разделом|пункт[еа]?|страниц[аеуы]|экран[еа]?|откройте|выберите|колонк[аеуи]|переключател[ьяем]|поле|полях|флажок|отметьте|список|списке|меню)\s+(?:[а-яё-]+\s+){0,2}«([^«»]+(?:„[^“]*“[^«»]*)*)»/giu;

// Screens of the platforms and apps a page walks through, not Threadline's own.
const OTHER_APPS = new Set(["Управление", "Работа с API", "Типы событий", "Callback API", "Long Poll API", "Сообщения сообщества"]);

function namedInterface(text: string): string[] {
  const names: string[] = [];
  // Code blocks and examples of what clients write are not interface names.
  const prose = text.replace(/```[\s\S]*?```/g, "").replace(/`[^`]*`/g, "");
  for (const m of prose.matchAll(POINTER)) {
    const name = m[2]!.replace(/\s+/g, " ").trim();
    // A command typed in the reply field («/дост») is not a name either.
    if (!OTHER_APPS.has(name) && !name.startsWith("/")) names.push(name);
  }
  return names;
}

describe("the help center names only what the interface has", () => {
  const texts = interfaceTexts();
  const known = (name: string) => texts.some((t) => t.test(name)) || name.split(/\s+→\s+/).every((part) => texts.some((t) => t.test(part)));

  it("finds the pages and the names in them", () => {
    const all = pages(docsDir).flatMap((p) => namedInterface(readFileSync(p, "utf8")));
    expect(all.length).toBeGreaterThan(50);
    expect(known("Сохранено")).toBe(true);
    expect(known("Кнопка, которой нет")).toBe(false);
  });

  for (const page of pages(docsDir)) {
    it(page.slice(docsDir.length + 1), () => {
      const unknown = namedInterface(readFileSync(page, "utf8")).filter((n) => !known(n));
      expect(unknown, "names in «…» that the Russian interface does not have").toEqual([]);
    });
  }
});
