import ExcelJS from "exceljs";
import Papa from "papaparse";
import type { Tx } from "@threadline/db";
import { badRequest } from "../errors.ts";
import { loadCatalog } from "./read.ts";
import type { CatalogDraftProduct, CatalogProductView } from "./types.ts";
import { draftProblem, MAX_CATALOG_PRODUCTS, upsertCatalog } from "./write.ts";

// The price list as a file (CSV or XLSX) with one product a row: read with papaparse / exceljs,
// compared with the catalog as it is (new, changed, unchanged, row errors) before anything is
// written, and applied all or nothing through upsertCatalog.

export const PRICE_LIST_COLUMNS = ["Категория", "Товар", "Описание", "Цена", "В наличии", "Добавки", "Предлагать вместе с"] as const;
export const MAX_PRICE_LIST_BYTES = 512 * 1024;

export type PriceListRow =
  | { row: number; status: "new" | "changed" | "unchanged"; name: string; draft: CatalogDraftProduct }
  | { row: number; status: "error"; name: string; code: string; params?: Record<string, string | number> };

const MONEY = /^\s*(\d{1,8})(?:[.,](\d{1,2}))?\s*$/;

/** «220», «219,90» in major units → minor units; null when it is not a price above zero. */
function minorOf(text: string): number | null {
  const m = MONEY.exec(text);
  if (!m) return null;
  const minor = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0") || 0);
  return minor > 0 ? minor : null;
}

const yes = (text: string) => !/^(нет|no|0|false|стоп)$/i.test(text.trim());

/** «Молоко: овсяное +40; сироп +30» → options, or the part that is not one. */
function optionsOf(text: string): CatalogDraftProduct["options"] | { bad: string } {
  const out: NonNullable<CatalogDraftProduct["options"]> = [];
  for (const part of text.split(";").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(?:([^:]+):\s*)?([^+]+?)(?:\s*\+\s*(\S+))?$/.exec(part);
    if (!m?.[2]?.trim()) return { bad: part };
    const delta = m[3] === undefined ? 0 : MONEY.test(m[3]) ? Math.round(Number(m[3].replace(",", ".")) * 100) : null;
    if (delta === null) return { bad: part };
    out.push({ ...(m[1]?.trim() ? { group: m[1].trim() } : {}), name: m[2].trim(), priceDeltaMinor: delta });
  }
  return out;
}

/** The file's rows as text cells, the header first. CSV by its content; XLSX by its zip signature. */
export async function readPriceListFile(data: Uint8Array): Promise<string[][]> {
  if (data.byteLength > MAX_PRICE_LIST_BYTES) throw badRequest("catalog.fileTooLarge", "Файл прайс-листа больше 512 КБ", { max: 512 });
  if (data[0] === 0x50 && data[1] === 0x4b) {
    const book = new ExcelJS.Workbook();
    try {
      await book.xlsx.load(Buffer.from(data) as unknown as ArrayBuffer);
    } catch {
      throw badRequest("catalog.fileUnreadable", "Файл не читается как CSV или XLSX");
    }
    const sheet = book.worksheets[0];
    const rows: string[][] = [];
    sheet?.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= PRICE_LIST_COLUMNS.length; c++) cells.push(row.getCell(c).text ?? "");
      rows.push(cells);
    });
    return rows;
  }
  const text = new TextDecoder("utf-8").decode(data).replace(/^\uFEFF/, "");
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: "greedy" });
  return parsed.data.map((r) => r.map((c) => String(c ?? "")));
}

const same = (a: CatalogDraftProduct, b: CatalogProductView) =>
  a.name === b.name &&
  (a.category ?? null) === b.category &&
  (a.description ?? "") === b.description &&
  a.priceMinor === b.priceMinor &&
  (a.available ?? true) === b.available &&
  JSON.stringify((a.options ?? []).map((o) => [o.group ?? "", o.name, o.priceDeltaMinor])) === JSON.stringify(b.options.map((o) => [o.group, o.name, o.priceDeltaMinor])) &&
  JSON.stringify(a.upsell ?? []) === JSON.stringify(b.upsell);

const key = (name: string) => name.trim().toLocaleLowerCase("ru").replace(/ё/g, "е").replace(/\s+/g, " ");

/** What applying the rows would do to the current catalog, row by row; nothing is written. */
export async function previewPriceList(tx: Tx, rows: string[][]): Promise<PriceListRow[]> {
  const [header, ...body] = rows;
  if (!header || PRICE_LIST_COLUMNS.some((c, i) => (header[i] ?? "").trim().toLowerCase() !== c.toLowerCase()))
    throw badRequest("catalog.fileColumns", `Первая строка должна быть: ${PRICE_LIST_COLUMNS.join(", ")}`, { columns: PRICE_LIST_COLUMNS.join(", ") });
  if (body.length > MAX_CATALOG_PRODUCTS) throw badRequest("catalog.tooMany", `Не больше ${MAX_CATALOG_PRODUCTS} товаров в каталоге`, { count: MAX_CATALOG_PRODUCTS });
  const current = await loadCatalog(tx);
  const byName = new Map(current.products.map((p) => [key(p.name), p]));
  const known = new Set([...byName.keys(), ...body.map((r) => key(r[1] ?? "")).filter(Boolean)]);
  const seen = new Set<string>();
  return body.map((cells, i): PriceListRow => {
    const row = i + 2;
    const [category = "", name = "", description = "", price = "", available = "", options = "", upsell = ""] = cells.map((c) => c.trim());
    const fail = (code: string, params?: Record<string, string | number>): PriceListRow => ({ row, status: "error", name, code, ...(params ? { params } : {}) });
    if (!name) return fail("catalog.nameRequired");
    if (seen.has(key(name))) return fail("catalog.rowDuplicate", { name });
    seen.add(key(name));
    const priceMinor = minorOf(price);
    if (priceMinor === null) return fail("catalog.priceInvalid", { name });
    const parsedOptions = optionsOf(options);
    if (parsedOptions && "bad" in parsedOptions) return fail("catalog.optionPriceInvalid", { name, option: parsedOptions.bad });
    const draft: CatalogDraftProduct = {
      name,
      ...(category ? { category } : {}),
      description,
      priceMinor,
      available: available ? yes(available) : true,
      options: parsedOptions ?? [],
      upsell: upsell.split(",").map((u) => u.trim()).filter(Boolean),
    };
    const problem = draftProblem(draft, known);
    if (problem) return fail(problem.code, problem.params);
    const existing = byName.get(key(name));
    return { row, status: !existing ? "new" : same(draft, existing) ? "unchanged" : "changed", name, draft };
  });
}

/** Applies the rows: refused as a whole while any row has an error; unchanged rows are skipped. */
export async function applyPriceList(tx: Tx, projectId: string, rows: string[][]): Promise<{ created: number; updated: number }> {
  const preview = await previewPriceList(tx, rows);
  const bad = preview.find((r) => r.status === "error");
  if (bad) throw badRequest("catalog.fileHasErrors", `В строке ${bad.row} ошибка: прайс-лист не загружен`, { row: bad.row });
  const drafts = preview.flatMap((r) => (r.status === "new" || r.status === "changed" ? [r.draft] : []));
  return drafts.length ? upsertCatalog(tx, projectId, drafts) : { created: 0, updated: 0 };
}

/** The catalog as a CSV price list (UTF-8 with BOM, «;» for Excel), in the import's columns. */
export async function exportPriceList(tx: Tx): Promise<string> {
  const { products } = await loadCatalog(tx);
  const major = (minor: number) => (minor % 100 ? (minor / 100).toFixed(2).replace(".", ",") : String(minor / 100));
  const rows = products.map((p) => [
    p.category ?? "",
    p.name,
    p.description,
    major(p.priceMinor),
    p.available ? "да" : "нет",
    p.options.map((o) => `${o.group ? `${o.group}: ` : ""}${o.name}${o.priceDeltaMinor ? ` +${major(o.priceDeltaMinor)}` : ""}`).join("; "),
    p.upsell.join(", "),
  ]);
  return `\uFEFF${Papa.unparse({ fields: [...PRICE_LIST_COLUMNS], data: rows }, { delimiter: ";" })}`;
}
