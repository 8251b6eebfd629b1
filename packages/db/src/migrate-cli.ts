import { loadEnv } from "@threadline/config";
import { migrate } from "./migrate.ts";

const env = loadEnv();
await migrate(env.DATABASE_URL, env.APP_DATABASE_PASSWORD);
console.log("migrations applied");
