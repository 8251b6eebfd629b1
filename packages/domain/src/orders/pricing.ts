import type { OrderLineOption } from "@threadline/db";
import type { CatalogView } from "../catalog/types.ts";
import { badRequest } from "../errors.ts";

// An order's lines priced from the catalog as it is now: the one check shared by the menu bot's
// checkout and a manager's order. What fails is named (a product gone or on the stop-list, an
// option the product does not have, two options of one group) before anything is written.

export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 99;

/** One line as asked: the product, the chosen options and how many; `name` words an error about a product gone. */
export type OrderLineInput = { productId: string; optionIds: string[]; quantity: number; name?: string };

export type PricedLine = {
  productId: string;
  name: string;
  /** The product's price with its options' deltas, per piece. */
  unitPriceMinor: number;
  options: OrderLineOption[];
  quantity: number;
  lineTotalMinor: number;
};

export function priceLines(catalog: CatalogView, lines: readonly OrderLineInput[]): { lines: PricedLine[]; totalMinor: number } {
  if (!lines.length) throw badRequest("order.empty", "Добавьте в заказ хотя бы один товар");
  if (lines.length > MAX_ORDER_LINES) throw badRequest("order.tooManyLines", `В заказе не больше ${MAX_ORDER_LINES} позиций`, { max: MAX_ORDER_LINES });
  const products = new Map(catalog.products.map((p) => [p.id, p]));
  const priced = lines.map((line): PricedLine => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY)
      throw badRequest("order.quantityInvalid", `Количество должно быть от 1 до ${MAX_LINE_QUANTITY}`, { max: MAX_LINE_QUANTITY });
    const product = products.get(line.productId);
    if (!product) throw badRequest("order.productGone", `Товара «${line.name ?? ""}» больше нет в каталоге`, { name: line.name ?? "" });
    if (!product.available) throw badRequest("order.productUnavailable", `«${product.name}» сейчас нет в наличии`, { name: product.name });
    const options: OrderLineOption[] = [];
    const groups = new Set<string>();
    for (const optionId of new Set(line.optionIds)) {
      const option = product.options.find((o) => o.id === optionId);
      if (!option || !option.available) throw badRequest("order.optionUnknown", `У товара «${product.name}» нет такой опции`, { name: product.name, option: option?.name ?? optionId });
      if (option.group) {
        if (groups.has(option.group)) throw badRequest("order.optionConflict", `У товара «${product.name}» выберите одну опцию из группы «${option.group}»`, { name: product.name, group: option.group });
        groups.add(option.group);
      }
      options.push({ group: option.group, name: option.name, priceDeltaMinor: option.priceDeltaMinor });
    }
    const unitPriceMinor = product.priceMinor + options.reduce((sum, o) => sum + o.priceDeltaMinor, 0);
    return { productId: product.id, name: product.name, unitPriceMinor, options, quantity: line.quantity, lineTotalMinor: unitPriceMinor * line.quantity };
  });
  return { lines: priced, totalMinor: priced.reduce((sum, l) => sum + l.lineTotalMinor, 0) };
}

/** «Капучино (овсяное) ×2» */
export function lineLabel(line: Pick<PricedLine, "name" | "options" | "quantity">): string {
  const options = line.options.length ? ` (${line.options.map((o) => o.name).join(", ")})` : "";
  return `${line.name}${options}${line.quantity > 1 ? ` ×${line.quantity}` : ""}`;
}
