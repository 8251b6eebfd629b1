import { loadOwnerEnv } from "@threadline/config";
import { migrate } from "./migrate.ts";

// The one step that uses the owner's URL; the apps then start with APP_DATABASE_URL alone.
const env = loadOwnerEnv();
await migrate(env.DATABASE_URL, env.APP_DATABASE_PASSWORD);
console.log("migrations applied");
