// Two database roles: the owner (DATABASE_URL, a superuser or the schema's owner) runs the
// migrations and operator commands; the apps connect as APP_ROLE, which owns no table and is
// bound by row-level security. Only the migrate CLI and the launchers read the owner URL.
export const APP_ROLE = "threadline_app";

/** The app role's password on a developer machine; refused in production. */
export const DEFAULT_APP_DATABASE_PASSWORD = "threadline_app_local";

/** The owner URL on a developer machine: the local Postgres with trust authentication. */
export const LOCAL_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/threadline";

/** The app role's URL: `explicit` when given, else the owner URL's server and database as APP_ROLE. */
export function appDatabaseUrl(databaseUrl: string, appPassword: string, explicit?: string): string {
  if (explicit) return explicit;
  const url = new URL(databaseUrl);
  url.username = APP_ROLE;
  url.password = appPassword;
  return url.toString();
}
