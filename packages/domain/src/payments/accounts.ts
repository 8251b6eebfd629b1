import { desc, eq, sql } from "drizzle-orm";
import { paymentAccounts, withTenant, type Db, type PaymentProvider, type Tx } from "@threadline/db";
import { assertCan, type Member } from "../access/member.ts";
import { recordAudit } from "../audit/service.ts";
import { decryptSecret, encryptSecret, type SecretKeyring } from "../crypto.ts";
import { sameBaseUrl, type Endpoints } from "../endpoints.ts";
import { badRequest, notFound } from "../errors.ts";
import type { PaymentGateway } from "./gateway.ts";
import { StripeGateway } from "./stripe.ts";
import { YooKassaGateway } from "./yookassa.ts";

export type AccountRow = typeof paymentAccounts.$inferSelect;

/** The operator's API address of a provider (YOOKASSA_API_URL / STRIPE_API_URL). */
export function providerApiUrl(endpoints: Readonly<Endpoints>, provider: PaymentProvider): string {
  return provider === "yookassa" ? endpoints.yookassaApiUrl : endpoints.stripeApiUrl;
}

/**
 * The provider client of an account, its keys opened. A key is used only with the address it was
 * saved for: after the operator moves the provider's address, the keys must be entered again.
 */
export function gatewayFor(account: AccountRow, deps: { secretKey: SecretKeyring; endpoints: Readonly<Endpoints>; timeoutMs?: number }): PaymentGateway {
  const apiUrl = providerApiUrl(deps.endpoints, account.provider);
  if (!sameBaseUrl(account.apiBaseUrl, apiUrl)) throw badRequest("payments.accountStale", "Адрес платёжной системы изменился: введите ключи счёта заново");
  const secretKey = decryptSecret(account.secretKeyEnc, deps.secretKey);
  if (account.provider === "yookassa") return new YooKassaGateway({ apiUrl, shopId: account.shopId, secretKey, timeoutMs: deps.timeoutMs });
  const webhookSecret = account.webhookSecretEnc ? decryptSecret(account.webhookSecretEnc, deps.secretKey) : null;
  return new StripeGateway({ apiUrl, secretKey, webhookSecret, timeoutMs: deps.timeoutMs });
}

/** An account as the settings page shows it: the keys never leave the server. */
function publicAccount(row: AccountRow, webhookBase: string) {
  return {
    id: row.id,
    provider: row.provider,
    name: row.name,
    shopId: row.shopId,
    currency: row.currency,
    receipts: row.receipts,
    vatCode: row.vatCode,
    returnUrl: row.returnUrl,
    hasSecretKey: !!row.secretKeyEnc,
    hasWebhookSecret: !!row.webhookSecretEnc,
    webhookUrl: `${webhookBase.replace(/\/+$/, "")}/webhooks/${row.provider}/${row.id}`,
    createdAt: row.createdAt,
  };
}

export async function listPaymentAccounts(tx: Tx, member: Member, deps: { webhookBase: string }) {
  assertCan(member, "project.settings");
  const rows = await tx.select().from(paymentAccounts).orderBy(desc(paymentAccounts.createdAt));
  return rows.map((r) => publicAccount(r, deps.webhookBase));
}

export type AccountInput = {
  accountId?: string;
  provider: PaymentProvider;
  name: string;
  shopId?: string;
  /** Write-only: null or absent keeps the saved key. */
  secretKey?: string | null;
  webhookSecret?: string | null;
  currency: string;
  receipts: boolean;
  vatCode: number;
  returnUrl?: string | null;
};

/** Connects or changes an account; keys are sealed, and a new key binds it to today's API address. */
export async function savePaymentAccount(tx: Tx, member: Member, input: AccountInput, deps: { secretKey: SecretKeyring; endpoints: Readonly<Endpoints>; webhookBase: string }) {
  assertCan(member, "project.settings");
  const apiBaseUrl = providerApiUrl(deps.endpoints, input.provider);
  if (input.provider === "yookassa" && !input.shopId?.trim()) throw badRequest("payments.shopIdRequired", "Укажите shopId магазина ЮKassa");
  const values = {
    name: input.name.trim(),
    shopId: input.provider === "yookassa" ? (input.shopId ?? "").trim() : "",
    currency: input.currency.toUpperCase(),
    receipts: input.provider === "yookassa" ? input.receipts : false,
    vatCode: input.vatCode,
    returnUrl: input.returnUrl?.trim() || null,
    ...(input.secretKey ? { secretKeyEnc: encryptSecret(input.secretKey.trim(), deps.secretKey), apiBaseUrl } : {}),
    ...(input.webhookSecret ? { webhookSecretEnc: encryptSecret(input.webhookSecret.trim(), deps.secretKey) } : {}),
  };
  let row: AccountRow | undefined;
  if (input.accountId) {
    [row] = await tx.update(paymentAccounts).set(values).where(eq(paymentAccounts.id, input.accountId)).returning();
    if (!row) throw notFound("paymentAccount");
    if (row.provider !== input.provider) throw badRequest("payments.providerFixed", "Платёжную систему счёта сменить нельзя: подключите новый счёт");
  } else {
    if (!input.secretKey) throw badRequest("payments.secretKeyRequired", "Укажите секретный ключ");
    [row] = await tx
      .insert(paymentAccounts)
      .values({ projectId: member.projectId, provider: input.provider, apiBaseUrl, secretKeyEnc: encryptSecret(input.secretKey.trim(), deps.secretKey), ...values })
      .returning();
  }
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: input.accountId ? "payments.account_updated" : "payments.account_connected", targetType: "payment_account", targetId: row!.id, details: { provider: row!.provider } });
  return publicAccount(row!, deps.webhookBase);
}

/** Removes an account: its payments stay (with no account), its webhook URL answers 404 from now on. */
export async function removePaymentAccount(tx: Tx, member: Member, accountId: string) {
  assertCan(member, "project.settings");
  const [row] = await tx.delete(paymentAccounts).where(eq(paymentAccounts.id, accountId)).returning({ id: paymentAccounts.id, provider: paymentAccounts.provider });
  if (!row) throw notFound("paymentAccount");
  await recordAudit(tx, { projectId: member.projectId, actorUserId: member.userId, action: "payments.account_removed", targetType: "payment_account", targetId: row.id, details: { provider: row.provider } });
}

/** A webhook's account, found before the tenant is known (its id is the secret the URL holds). */
export async function accountForWebhook(db: Db, accountId: string): Promise<AccountRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(accountId)) return null;
  const [{ projectId } = { projectId: null }] = await db.execute<{ projectId: string | null }>(sql`select payment_account_project(${accountId}) as "projectId"`);
  if (!projectId) return null;
  const [row] = await withTenant(db, projectId, (tx) => tx.select().from(paymentAccounts).where(eq(paymentAccounts.id, accountId)));
  return row ?? null;
}
