CREATE TABLE "uploads" (
	"storage_key" text PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "uploads" ADD CONSTRAINT "uploads_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "uploads_created_idx" ON "uploads" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE uploads ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE uploads FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON uploads USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));
--> statement-breakpoint
-- The sweeper's lookup across projects: uploads left unclaimed since before p_before, oldest
-- first. It reveals keys the worker removes anyway; each removal runs in its project's tenant.
CREATE OR REPLACE FUNCTION stale_uploads(p_before timestamptz, p_limit int)
RETURNS TABLE (project_id uuid, storage_key text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT u.project_id, u.storage_key FROM uploads u WHERE u.created_at < p_before ORDER BY u.created_at LIMIT p_limit
$$;
