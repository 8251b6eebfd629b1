-- The tenant policies compare with the tenant as a sub-select: Postgres then reads the setting
-- once per statement (an InitPlan) instead of calling app_project_id() for every row a join
-- touches, and the comparison is a plain uuid equality, which indexes and leakproof ordering
-- treat like any parameter. Who may see what is unchanged.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_policies WHERE schemaname = 'public' AND policyname = 'tenant_isolation' AND tablename <> 'projects' LOOP
    EXECUTE format(
      'ALTER POLICY tenant_isolation ON %I USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()))',
      r.tablename);
  END LOOP;
END $$;
--> statement-breakpoint
ALTER POLICY tenant_isolation ON projects USING (id = (SELECT app_project_id())) WITH CHECK (id = (SELECT app_project_id()));
--> statement-breakpoint
ALTER POLICY own_memberships ON memberships USING (user_id = (SELECT app_user_id()));
--> statement-breakpoint
ALTER POLICY member_projects ON projects USING (
  id IN (SELECT m.project_id FROM memberships m WHERE m.user_id = (SELECT app_user_id()) AND m.active)
);
--> statement-breakpoint
ALTER POLICY own_roles ON roles USING (
  id IN (SELECT m.role_id FROM memberships m WHERE m.user_id = (SELECT app_user_id()) AND m.active)
);
