import { sql } from "drizzle-orm";
import type { Db } from "@threadline/db";
import { decryptSecret, encryptSecret, secretKeyId, type SecretKeyring } from "../crypto.ts";

// Every column that holds a sealed secret (schema fields ending in Enc; a test keeps this list
// complete). Each table has a uuid primary key `id`.
export const SEALED_COLUMNS = [
  { table: "channels", column: "token_enc", key: "id" },
  { table: "projects", column: "openai_key_enc", key: "id" },
  { table: "projects", column: "elevenlabs_key_enc", key: "id" },
  { table: "payment_accounts", column: "secret_key_enc", key: "id" },
  { table: "payment_accounts", column: "webhook_secret_enc", key: "id" },
  // One staff bot per project: the project's id is its key.
  { table: "staff_bots", column: "token_enc", key: "project_id" },
] as const;

export type ResealReport = {
  /** Per "table.column": how many values were rewritten under the current key. */
  resealed: Record<string, number>;
  /** Values left as they were because no key in the keyring opens them. */
  failures: { table: string; column: string; id: string; reason: string }[];
};

/**
 * Rewrites every stored secret not yet sealed by the current key (older format or an older key)
 * under the current key. Needs a connection that sees every tenant (the owner's). A value that
 * does not open is reported and left untouched; a value changed meanwhile is not overwritten.
 */
export async function resealSecrets(db: Db, keyring: SecretKeyring, batchSize = 200): Promise<ResealReport> {
  const current = `v2.${secretKeyId(keyring)}.%`;
  const report: ResealReport = { resealed: {}, failures: [] };
  for (const { table, column, key } of SEALED_COLUMNS) {
    const t = sql.identifier(table);
    const c = sql.identifier(column);
    const k = sql.identifier(key);
    let count = 0;
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const rows = (await db.execute(
        sql`select ${k}::text as id, ${c} as sealed from ${t} where ${c} is not null and ${c} not like ${current} and ${k} > ${after}::uuid order by ${k} limit ${batchSize}`,
      )) as unknown as { id: string; sealed: string }[];
      if (!rows.length) break;
      for (const row of rows) {
        let plain: string;
        try {
          plain = decryptSecret(row.sealed, keyring);
        } catch (error) {
          report.failures.push({ table, column, id: row.id, reason: (error as Error).message });
          continue;
        }
        const updated = (await db.execute(sql`update ${t} set ${c} = ${encryptSecret(plain, keyring)} where ${k} = ${row.id}::uuid and ${c} = ${row.sealed} returning 1`)) as unknown as unknown[];
        count += updated.length;
      }
      after = rows[rows.length - 1]!.id;
    }
    report.resealed[`${table}.${column}`] = count;
  }
  return report;
}
