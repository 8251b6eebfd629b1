import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { DEFAULT_APP_DATABASE_PASSWORD } from "@threadline/config";
import { appDatabaseUrl, migrate } from "@threadline/db";
import {
  Teardown,
  buildApps,
  createDatabase,
  databaseUrl,
  dropDatabase,
  freePort,
  redactUrl,
  serviceEnv,
  shownPath,
  startRedis,
  startServices,
  stopServices,
  type RunningService,
  type ServicePorts,
} from "@threadline/demo";
import { e2eLogDir, rememberTeardown } from "./stack.ts";

/**
 * A fresh database `threadline_e2e_<random>` on the Postgres at DATABASE_URL (default: the local
 * server), migrated; Redis from REDIS_URL or a private redis-server; inbox, admin and worker on free
 * ports in development mode, with the app role's URL only (inbox and admin built first when their
 * build is missing or stale). The specs get:
 *   INBOX_URL, ADMIN_URL, WORKER_URL   where the apps answer
 *   E2E_DATABASE_URL                   superuser URL of the e2e database
 *   E2E_APP_DATABASE_URL               the same database as the apps' role (row-level security)
 *   E2E_REDIS_URL                      the Redis the apps use
 *   E2E_TELEGRAM_PORT, E2E_VK_PORT, E2E_ELEVENLABS_PORT, E2E_YOOKASSA_PORT, E2E_STRIPE_PORT
 *                                      where a spec starts its simulators: the services were given
 *                                      them as the operator's endpoints (TELEGRAM_API_ROOT, …)
 * Environment variables set here are inherited by the test workers.
 */
export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const appPassword = process.env.APP_DATABASE_PASSWORD ?? DEFAULT_APP_DATABASE_PASSWORD;
  const database = `threadline_e2e_${randomBytes(4).toString("hex")}`;
  const teardown = new Teardown();
  rememberTeardown(teardown);
  try {
    await createDatabase(serverUrl, database);
    teardown.add(`database ${database}`, () => dropDatabase(serverUrl, database));
    const ownerUrl = databaseUrl(serverUrl, database);
    await migrate(ownerUrl, appPassword);
    const appUrl = appDatabaseUrl(ownerUrl, appPassword);

    const redis = await startRedis({ redisUrl: process.env.REDIS_URL, logFile: join(e2eLogDir, "redis.log") });
    teardown.add("Redis", () => redis.stop());

    await buildApps(["inbox", "admin"], { logDir: e2eLogDir });

    const ports = await distinctFreePorts(9);
    const servicePorts: Partial<ServicePorts> = { inbox: ports[0], admin: ports[1], worker: ports[2] };
    // The platforms, the model API and ElevenLabs are simulators the specs start on these ports; the services
    // reach them only through the operator's settings, as a real installation does.
    const simulators = { telegram: ports[3]!, vk: ports[4]!, elevenlabs: ports[5]!, yookassa: ports[6]!, stripe: ports[7]!, openai: ports[8]! };
    const local = (port: number) => `http://127.0.0.1:${port}`;
    const endpoints = {
      TELEGRAM_API_ROOT: local(simulators.telegram),
      VK_API_BASE_URL: `${local(simulators.vk)}/method`,
      ELEVENLABS_BASE_URL: local(simulators.elevenlabs),
      YOOKASSA_API_URL: `${local(simulators.yookassa)}/v3`,
      STRIPE_API_URL: local(simulators.stripe),
      OPENAI_BASE_URL: `${local(simulators.openai)}/v1`,
      MEDIA_FETCH_EXTRA_ORIGINS: [local(simulators.telegram), local(simulators.vk)].join(","),
      // Where the apps' «Помощь» links lead (/help/<page> redirects there; nothing is fetched from it).
      PUBLIC_DOCS_URL: "https://help.threadline.test",
    };
    process.env.E2E_TELEGRAM_PORT = String(simulators.telegram);
    process.env.E2E_VK_PORT = String(simulators.vk);
    process.env.E2E_ELEVENLABS_PORT = String(simulators.elevenlabs);
    process.env.E2E_YOOKASSA_PORT = String(simulators.yookassa);
    process.env.E2E_STRIPE_PORT = String(simulators.stripe);
    process.env.E2E_OPENAI_PORT = String(simulators.openai);
    const spawned: RunningService[] = [];
    teardown.add("services", () => stopServices(spawned));
    const services = await startServices(["inbox", "admin", "worker"], {
      // Migrated above with the owner's URL; the apps get the app role's URL only.
      env: serviceEnv({ appDatabaseUrl: appUrl, redisUrl: redis.url, ports: servicePorts, extra: endpoints }),
      ports: servicePorts,
      logDir: e2eLogDir,
      onStart: (s) => spawned.push(s),
    });

    for (const s of services) process.env[`${s.name.toUpperCase()}_URL`] = s.url;
    process.env.E2E_DATABASE_URL = ownerUrl;
    process.env.E2E_APP_DATABASE_URL = appUrl;
    process.env.E2E_REDIS_URL = redis.url;
    console.log(
      `e2e: ${services.map((s) => `${s.name} ${s.url}`).join(", ")}; database ${redactUrl(ownerUrl)}; logs in ${shownPath(e2eLogDir)}`,
    );
  } catch (error) {
    await teardown.run();
    throw error;
  }
}

async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
