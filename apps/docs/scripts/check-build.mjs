// Checks the built help center (run after `docusaurus build`):
// every expected page exists, is in Russian, carries the site title, and every image it shows exists.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const buildDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "build");

const pages = {
  "/": "Что такое Threadline",
  "/getting-started": "Быстрый старт",
  "/security": "Безопасность входа",
  "/admin/projects": "Проекты",
  "/admin/staff": "Сотрудники",
  "/admin/roles": "Роли и права доступа",
  "/admin/media-library": "Библиотека файлов",
  "/admin/audit-log": "Журнал действий",
  "/inbox/sign-in": "Вход в рабочее место менеджера",
  "/inbox/voice": "Голосовые ответы",
  "/inbox/contact-card": "Карточка клиента и фильтр по этапу",
  "/inbox/phone": "Работа с телефона и тёмная тема",
  "/inbox/drafts": "Черновики ответов",
  "/inbox/shortcuts": "Сочетания клавиш",
  "/help-center": "Как найти ответ в справке",
};

// Theme strings that would mean an untranslated interface.
const english = ["Skip to main content", "Edit this page", ">Next<", ">Previous<", "On this page"];

const problems = [];
for (const [route, title] of Object.entries(pages)) {
  const file = path.join(buildDir, route, "index.html");
  if (!existsSync(file)) {
    problems.push(`${route}: no ${path.relative(buildDir, file)}`);
    continue;
  }
  const html = readFileSync(file, "utf8");
  if (!html.includes('<html lang="ru"')) problems.push(`${route}: <html lang="ru"> missing`);
  if (!html.includes(`<title data-rh="true">${title} | Threadline — справка</title>`)) {
    problems.push(`${route}: title is not "${title} | Threadline — справка"`);
  }
  for (const text of english) if (html.includes(text)) problems.push(`${route}: English interface text "${text}"`);
  for (const [, src] of html.matchAll(/<img[^>]+src="([^"]+)"/g)) {
    if (/^(https?:)?\/\//.test(src) || src.startsWith("data:")) {
      problems.push(`${route}: image from outside the site ${src}`);
    } else if (!existsSync(path.join(buildDir, decodeURI(src.split(/[?#]/)[0])))) {
      problems.push(`${route}: missing image ${src}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`Help center build check failed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`Help center build check passed: ${Object.keys(pages).length} pages.`);
