-- Tenant isolation in Postgres itself. Every table with a project_id column gets row-level
-- security, enabled AND forced (so even the table owner is subject to it), and a policy that
-- admits only rows of the project set for the current transaction:
--   select set_config('app.project_id', '<uuid>', true)   -- by withTenant() in @threadline/db
-- An unset tenant matches nothing. The apps connect as threadline_app, which owns no table
-- and has no BYPASSRLS (created by the migrate command).
CREATE OR REPLACE FUNCTION app_project_id() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.project_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_user_id() RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOR t IN
    SELECT c.table_name FROM information_schema.columns c
    JOIN information_schema.tables tb ON tb.table_name = c.table_name AND tb.table_schema = c.table_schema
    WHERE c.table_schema = 'public' AND c.column_name = 'project_id' AND tb.table_type = 'BASE TABLE'
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (project_id = app_project_id()) WITH CHECK (project_id = app_project_id())', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- A signed-in person sees their own memberships in every project (for the project switcher),
-- and nothing else of projects they are not in.
CREATE POLICY own_memberships ON memberships FOR SELECT USING (user_id = app_user_id());
--> statement-breakpoint
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE projects FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON projects USING (id = app_project_id()) WITH CHECK (id = app_project_id());
--> statement-breakpoint
CREATE POLICY member_projects ON projects FOR SELECT USING (
  id IN (SELECT m.project_id FROM memberships m WHERE m.user_id = app_user_id() AND m.active)
);
--> statement-breakpoint
CREATE POLICY own_roles ON roles FOR SELECT USING (
  id IN (SELECT m.role_id FROM memberships m WHERE m.user_id = app_user_id() AND m.active)
);
--> statement-breakpoint
-- Routing lookups that must work before the tenant is known. Each reveals only a project id for
-- a secret the caller already holds (a webhook's channel id, an invitation token's hash).
CREATE OR REPLACE FUNCTION channel_project(p_channel_id uuid) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT project_id FROM channels WHERE id = p_channel_id $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION invitation_project(p_token_hash text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT project_id FROM invitations WHERE token_hash = p_token_hash $$;
