// Orders: taken by the menu bot or a manager, priced from the catalog at order time, moved along
// their statuses with who and when; each move tells the client in the same chat.
export { formatMoney } from "../money.ts";
export { priceLines, lineLabel, MAX_ORDER_LINES, MAX_LINE_QUANTITY, type OrderLineInput, type PricedLine } from "./pricing.ts";
export { canMoveOrder, DEFAULT_ORDER_TEMPLATES, ORDER_STATUS_RU, renderOrderTemplate } from "./statuses.ts";
export {
  createOrder,
  createOrderAsMember,
  changeOrderStatus,
  listBoard,
  listConversationOrders,
  orderHistory,
  getOrderTemplates,
  setOrderTemplates,
  normalizeOrderPhone,
  type OrderActor,
  type OrderEffects,
  type NewOrderInput,
} from "./service.ts";
