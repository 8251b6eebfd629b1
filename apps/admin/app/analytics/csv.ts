/** A cell of a CSV export: text, a number, or nothing. */
export type CsvCell = string | number | null | undefined;

// Text a spreadsheet would read as a formula: shown as text instead (a client's or member's name is typed by people).
const FORMULA = /^[=+\-@\t\r]/;

function cell(value: CsvCell, decimalComma: boolean): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return decimalComma ? String(value).replace(".", ",") : String(value);
  const text = FORMULA.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A CSV file Excel opens as is: a UTF-8 byte order mark (else Cyrillic turns into mojibake),
 * `;` between cells (the list separator of Russian Excel) and CRLF line ends.
 */
export function toCsv(rows: CsvCell[][], { decimalComma = true } = {}): string {
  return "\uFEFF" + rows.map((r) => r.map((v) => cell(v, decimalComma)).join(";")).join("\r\n") + "\r\n";
}

/** Offers the text as a file download in the browser. */
export function downloadCsv(fileName: string, csv: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
