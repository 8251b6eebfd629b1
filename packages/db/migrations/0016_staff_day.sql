CREATE TABLE "rotation_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"channel_id" uuid,
	"source" text,
	"membership_ids" uuid[] DEFAULT '{}' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_bots" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"token_enc" text NOT NULL,
	"bot_id" text NOT NULL,
	"username" text NOT NULL,
	"webhook_secret" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"membership_id" uuid NOT NULL,
	"token_hash" text,
	"token_expires_at" timestamp with time zone,
	"chat_id" text,
	"telegram_username" text,
	"linked_at" timestamp with time zone,
	"blocked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_links_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "in_rotation" boolean;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "rotation_weight" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "rotation_credit" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "work_hours" jsonb;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "paused_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "pause_reason" text;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "alert_settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "error_code" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "error_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "failure_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "queued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rotation_rules" ADD CONSTRAINT "rotation_rules_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_bots" ADD CONSTRAINT "staff_bots_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_links" ADD CONSTRAINT "staff_links_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_links" ADD CONSTRAINT "staff_links_membership_id_memberships_id_fk" FOREIGN KEY ("membership_id") REFERENCES "public"."memberships"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rotation_rules_project_idx" ON "rotation_rules" USING btree ("project_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_links_membership" ON "staff_links" USING btree ("membership_id");--> statement-breakpoint
CREATE INDEX "conversations_queue" ON "conversations" USING btree ("project_id","queued_at") WHERE "conversations"."queued_at" is not null;--> statement-breakpoint
CREATE INDEX "conversations_assignee_idx" ON "conversations" USING btree ("assignee_id") WHERE "conversations"."assignee_id" is not null;--> statement-breakpoint
ALTER TABLE rotation_rules ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rotation_rules FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON rotation_rules USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));
--> statement-breakpoint
ALTER TABLE staff_links ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE staff_links FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON staff_links USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));
--> statement-breakpoint
ALTER TABLE staff_bots ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE staff_bots FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON staff_bots USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));
--> statement-breakpoint
-- The staff day's scheduled job acts for no tenant when it looks for work: projects with a lead
-- waiting for a member on shift, or with a staff bot (reminders). Ids only, like polling_channels().
CREATE OR REPLACE FUNCTION staff_day_projects() RETURNS TABLE (project_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT DISTINCT project_id FROM conversations WHERE queued_at IS NOT NULL
     UNION SELECT project_id FROM staff_bots $$;
--> statement-breakpoint
-- Projects with a response target (minutes), for the reminders of the same job.
CREATE OR REPLACE FUNCTION response_targets() RETURNS TABLE (project_id uuid, minutes int)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT id, (settings->>'responseTargetMinutes')::int FROM projects
     WHERE settings ? 'responseTargetMinutes' AND (settings->>'responseTargetMinutes')::int > 0 $$;
