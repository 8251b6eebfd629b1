// Reports as CSV that Excel opens with Russian text intact: `;`-separated (the Russian locale's
// list separator), UTF-8 with a byte-order mark, CRLF line ends, fields quoted where needed.

export type CsvCell = string | number | null | undefined;

export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  const cell = (v: CsvCell) => {
    const s = v === null || v === undefined ? "" : String(v);
    // A leading =, +, -, @ would be read by Excel as a formula.
    const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
    return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return `\uFEFF${rows.map((r) => r.map(cell).join(";")).join("\r\n")}\r\n`;
}

/** Numbers as Excel in the Russian locale reads them: a decimal comma, no grouping. */
export const csvNumber = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? "" : v.toFixed(digits).replace(".", ","));

export function downloadCsv(fileName: string, rows: readonly (readonly CsvCell[])[]): void {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
