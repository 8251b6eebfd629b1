import i18next from "i18next";
import { initReactI18next, useTranslation } from "react-i18next";
import { enWithErrors } from "./en.ts";
import { ruWithErrors } from "./ru.ts";
import { nestQuotes } from "../lib/quote.ts";

export const languages = ["ru", "en"] as const;
export type Language = (typeof languages)[number];
const STORAGE_KEY = "tl.lang";

function initialLanguage(): Language {
  if (typeof localStorage === "undefined") return "ru";
  const saved = localStorage.getItem(STORAGE_KEY);
  return saved === "en" ? "en" : "ru";
}

// Russian by default; English is a second language a person can pick.
// A name quoted in a sentence may bring its own quotation marks: they are nested, «Кофейня „Зерно“».
void i18next
  .use(initReactI18next)
  .use({ type: "postProcessor", name: "nestQuotes", process: (value: string) => nestQuotes(value) })
  .init({
    postProcess: ["nestQuotes"],
    lng: initialLanguage(),
    fallbackLng: "ru",
    resources: { ru: { translation: ruWithErrors }, en: { translation: enWithErrors } },
    interpolation: { escapeValue: false },
  });

export function setLanguage(lang: Language) {
  localStorage.setItem(STORAGE_KEY, lang);
  void i18next.changeLanguage(lang);
}

export function useT() {
  return useTranslation().t;
}

export { i18next };
