import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { withTenant } from "@threadline/db";
import { createTenantEnv, type TestEnv } from "@threadline/testing";
import { loadCatalog, upsertCatalog } from "./index.ts";
import { applyPriceList, exportPriceList, previewPriceList, readPriceListFile } from "./price-list.ts";

let env: TestEnv;
let T: Awaited<ReturnType<TestEnv["createTenant"]>>;

beforeAll(async () => {
  ({ env, T } = await createTenantEnv("Прайс"));
  await withTenant(env.db, T.project.id, (tx) =>
    upsertCatalog(tx, T.project.id, [
      { name: "Капучино", category: "Кофе", description: "300 мл", priceMinor: 22000, options: [{ group: "Молоко", name: "овсяное", priceDeltaMinor: 4000 }] },
      { name: "Круассан", category: "Выпечка", description: "", priceMinor: 15000 },
    ]),
  );
});
afterAll(async () => env?.close());

const csv = (text: string) => new TextEncoder().encode(text);
const header = "Категория;Товар;Описание;Цена;В наличии;Добавки;Предлагать вместе с\n";
const names = async () => (await withTenant(env.db, T.project.id, (tx) => loadCatalog(tx))).products.map((p) => `${p.name}:${p.priceMinor}`);

describe("price list import", () => {
  it("previews new, changed, unchanged and broken rows; a file with errors writes nothing", async () => {
    const rows = await readPriceListFile(
      csv(
        header +
          "Кофе;Капучино;300 мл;220;да;Молоко: овсяное +40;\n" +
          "Выпечка;Круассан;;170;да;;\n" +
          "Кофе;Латте;;240;да;сироп +30;Круассан\n" +
          "Кофе;Раф;;0;да;;\n" +
          "Кофе;Флэт уайт;;абв;да;;\n" +
          "Кофе;Мокко;;250;да;Молоко: +-5;\n" +
          ";;;;;;\n" +
          "Кофе;Латте;;250;да;;\n" +
          "Кофе;Американо;;150;да;;Эклер\n",
      ),
    );
    const preview = await withTenant(env.db, T.project.id, (tx) => previewPriceList(tx, rows));
    expect(preview.map((r) => [r.row, r.status, r.status === "error" ? r.code : ""])).toEqual([
      [2, "unchanged", ""],
      [3, "changed", ""],
      [4, "new", ""],
      [5, "error", "catalog.priceInvalid"],
      [6, "error", "catalog.priceInvalid"],
      [7, "error", "catalog.optionPriceInvalid"],
      [8, "error", "catalog.rowDuplicate"],
      [9, "error", "catalog.upsellUnknown"],
    ]);
    await expect(withTenant(env.db, T.project.id, (tx) => applyPriceList(tx, T.project.id, rows))).rejects.toMatchObject({ code: "catalog.fileHasErrors", params: { row: 5 } });
    expect(await names()).toEqual(["Капучино:22000", "Круассан:15000"]);
  });

  it("applies a clean file all at once, and the export reads back as unchanged (XLSX too)", async () => {
    const rows = await readPriceListFile(csv(header + "Выпечка;Круассан;;170;нет;;\nКофе;Латте;;240;да;сироп +30;Круассан\n"));
    expect(await withTenant(env.db, T.project.id, (tx) => applyPriceList(tx, T.project.id, rows))).toEqual({ created: 1, updated: 1 });
    expect(await names()).toEqual(["Капучино:22000", "Круассан:17000", "Латте:24000"]);
    const exported = await withTenant(env.db, T.project.id, (tx) => exportPriceList(tx));
    const again = await withTenant(env.db, T.project.id, async (tx) => previewPriceList(tx, await readPriceListFile(csv(exported))));
    expect(again.map((r) => r.status)).toEqual(["unchanged", "unchanged", "unchanged"]);

    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("Прайс");
    for (const line of exported.replace(/^\uFEFF/, "").trim().split(/\r?\n/)) sheet.addRow(line.split(";").map((c) => c.replace(/^"|"$/g, "")));
    const xlsx = new Uint8Array(await book.xlsx.writeBuffer());
    const fromXlsx = await withTenant(env.db, T.project.id, async (tx) => previewPriceList(tx, await readPriceListFile(xlsx)));
    expect(fromXlsx.map((r) => r.status)).toEqual(["unchanged", "unchanged", "unchanged"]);
  });

  it("refuses a file without the columns, an unreadable one and a too large one", async () => {
    await expect(withTenant(env.db, T.project.id, async (tx) => previewPriceList(tx, await readPriceListFile(csv("name,price\nx,1\n"))))).rejects.toMatchObject({ code: "catalog.fileColumns" });
    await expect(readPriceListFile(new Uint8Array([0x50, 0x4b, 1, 2, 3]))).rejects.toMatchObject({ code: "catalog.fileUnreadable" });
    await expect(readPriceListFile(new Uint8Array(600 * 1024))).rejects.toMatchObject({ code: "catalog.fileTooLarge" });
  });
});
