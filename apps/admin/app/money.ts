/** An amount in minor units in the project's currency, as the console shows it. */
export function money(minor: number, currency: string): string {
  const major = minor / 100;
  const digits = Number.isInteger(major) ? 0 : 2;
  return new Intl.NumberFormat("ru-RU", { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(major);
}
