export { YooKassaSimulator, type YkShop, type YkPayment } from "./yookassa.ts";
export { StripeSimulator, stripeSignature, type StripeAccount, type StripeSession } from "./stripe.ts";
export type { Delivery } from "./common.ts";
