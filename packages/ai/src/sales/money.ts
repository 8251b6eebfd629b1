// Prices as the agent writes them: whole units with thousands spaced ("1 450 ₽"), kopecks only
// when there are any ("99,50 ₽").
const SYMBOLS: Record<string, string> = { RUB: "₽", USD: "$", EUR: "€", KZT: "₸", BYN: "Br", UAH: "₴", GBP: "£", CNY: "¥" };

export function formatMoney(minor: number, currency: string): string {
  const sign = minor < 0 ? "−" : "";
  const abs = Math.abs(Math.round(minor));
  const whole = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  const cents = abs % 100;
  const amount = cents ? `${whole},${String(cents).padStart(2, "0")}` : whole;
  return `${sign}${amount} ${SYMBOLS[currency] ?? currency}`;
}

/** The amount's digits as a number reader sees them ("1450", "99,5" → "99.5"). */
export function moneyNumber(minor: number): string {
  const abs = Math.abs(Math.round(minor));
  const cents = abs % 100;
  return cents ? `${Math.trunc(abs / 100)}.${String(cents).padStart(2, "0").replace(/0$/, "")}` : String(Math.trunc(abs / 100));
}
