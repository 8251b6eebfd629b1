import { i18next } from "@threadline/ui";

const DAY = 86_400_000;

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

function locale() {
  return i18next.language === "en" ? "en-GB" : "ru-RU";
}

/** Days between a date and today in the browser's time zone (0 = today, 1 = yesterday). */
export function daysAgo(d: Date, now = new Date()): number {
  return Math.round((startOfDay(now) - startOfDay(d)) / DAY);
}

export function clock(d: Date): string {
  return d.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
}

/** The list's time column: HH:mm today, «вчера», dd.MM otherwise (dd.MM.yy for other years). */
export function listTime(d: Date | null, now = new Date()): string {
  if (!d) return "";
  const ago = daysAgo(d, now);
  if (ago <= 0) return clock(d);
  if (ago === 1) return i18next.t("inbox.yesterday");
  const sameYear = d.getFullYear() === now.getFullYear();
  return d.toLocaleDateString(locale(), sameYear ? { day: "2-digit", month: "2-digit" } : { day: "2-digit", month: "2-digit", year: "2-digit" });
}

/** Day separators in the thread: «Сегодня», «Вчера», «27 ноября», «27 ноября 2024 г.». */
export function dayLabel(d: Date, now = new Date()): string {
  const ago = daysAgo(d, now);
  if (ago === 0) return i18next.t("inbox.today");
  if (ago === 1) return i18next.t("inbox.yesterdayTitle");
  const sameYear = d.getFullYear() === now.getFullYear();
  return d.toLocaleDateString(locale(), sameYear ? { day: "numeric", month: "long" } : { day: "numeric", month: "long", year: "numeric" });
}

/** A moment for hints such as «Переключено 27 ноября, 14:05». */
export function moment(d: Date, now = new Date()): string {
  const ago = daysAgo(d, now);
  if (ago === 0) return `${i18next.t("inbox.today").toLowerCase()}, ${clock(d)}`;
  if (ago === 1) return `${i18next.t("inbox.yesterday")}, ${clock(d)}`;
  return `${dayLabel(d, now)}, ${clock(d)}`;
}

/** A voice message's length as players show it: «0:07», «1:05», «12:30». */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function initials(name: string): string {
  // Letters and digits only: «ООО «Бодрое утро»» gives «ОБ», not «О«».
  const parts = name.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (parts.length === 0) return "?";
  const letters = parts.length === 1 ? parts[0]!.slice(0, 2) : parts[0]![0]! + parts[1]![0]!;
  return letters.toUpperCase();
}

// Muted, readable backgrounds; a contact keeps its colour everywhere.
const avatarColours = [
  "bg-sky-100 text-sky-800",
  "bg-emerald-100 text-emerald-800",
  "bg-amber-100 text-amber-800",
  "bg-rose-100 text-rose-800",
  "bg-violet-100 text-violet-800",
  "bg-teal-100 text-teal-800",
  "bg-orange-100 text-orange-800",
  "bg-indigo-100 text-indigo-800",
  "bg-lime-100 text-lime-800",
  "bg-fuchsia-100 text-fuchsia-800",
];

export function avatarColour(id: string): string {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return avatarColours[Math.abs(h) % avatarColours.length]!;
}

export function fileUrl(projectId: string, attachmentId: string): string {
  return `/files/${encodeURIComponent(attachmentId)}?projectId=${encodeURIComponent(projectId)}`;
}
