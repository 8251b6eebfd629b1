import { i18next } from "../i18n/index.ts";

const KB = 1024;
const MB = 1024 * 1024;

/**
 * A file's size as people read it, the same on the reply box's chip and on the sent bubble:
 * «500 Б», «12 КБ», «1,5 МБ» (whole kilobytes; megabytes to a tenth, in the language's own digits).
 */
export function fileSize(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < KB) return i18next.t("common.fileSize.bytes", { value: bytes });
  // 1023.6 KB would round up to «1024 КБ»: that is a megabyte already.
  if (Math.round(bytes / KB) < KB) return i18next.t("common.fileSize.kb", { value: Math.round(bytes / KB) });
  const mb = new Intl.NumberFormat(i18next.language === "en" ? "en-GB" : "ru-RU", { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(bytes / MB);
  return i18next.t("common.fileSize.mb", { value: mb });
}
