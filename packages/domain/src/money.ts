/**
 * An amount in minor units (kopecks, cents) in the given currency, as clients and staff read money:
 * Russian grouping and symbol, kopecks only when there are any («2 500 ₽», «1 500,50 ₽», «12 €»).
 * The one format for the screens (`@threadline/ui` re-exports it) and for what is sent to clients
 * (bills, order messages, the menu bot). No imports: the browser bundle takes this file alone.
 */
export function formatMoney(minor: number, currency: string): string {
  const major = minor / 100;
  const digits = Number.isInteger(major) ? 0 : 2;
  return new Intl.NumberFormat("ru-RU", { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(major);
}
