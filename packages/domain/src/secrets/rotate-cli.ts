// Re-encrypts every stored secret under the current SECRET_KEY, after a key rotation:
//   SECRET_KEY=<new> SECRET_KEY_PREVIOUS=<old> DATABASE_URL=<owner URL> npx tsx packages/core/src/secrets/rotate-cli.ts
// Then SECRET_KEY_PREVIOUS can be removed from the apps. Uses the owner's URL (it reads every tenant).
import { loadOwnerEnv, loadSecretKeys } from "@threadline/config";
import { createDb } from "@threadline/db";
import { resealSecrets } from "./rotate.ts";

const owner = loadOwnerEnv();
const keys = loadSecretKeys();
const db = createDb(owner.DATABASE_URL, { max: 1 });
try {
  const report = await resealSecrets(db, keys);
  for (const [column, count] of Object.entries(report.resealed)) console.log(`${column}: ${count} re-encrypted`);
  for (const f of report.failures) console.error(`${f.table}.${f.column} ${f.id}: ${f.reason}`);
  if (report.failures.length) {
    console.error(`${report.failures.length} secret(s) left as they were: keep SECRET_KEY_PREVIOUS until they are re-encrypted or replaced.`);
    process.exitCode = 1;
  }
} finally {
  await db.$close();
}
