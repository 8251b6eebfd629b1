import { formatMoney } from "@threadline/domain/money.ts";

// One format for money on the screens and in what clients are sent (decision 061).
export { formatMoney };

/** The same for a figure that may be missing (a report's row with no sales): «—». */
export const formatMoneyOrDash = (minor: number | null | undefined, currency: string) => (minor === null || minor === undefined ? "—" : formatMoney(minor, currency));
