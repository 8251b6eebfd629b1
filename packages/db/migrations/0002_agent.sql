CREATE TABLE "agent_settings" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"channels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"script" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"llm_model" text,
	"llm_base_url" text,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lead_rotations" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"last_membership_id" uuid,
	"last_order" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "won_examples" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"contact_name" text DEFAULT '' NOT NULL,
	"messages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"added_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_settings" ADD CONSTRAINT "agent_settings_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_settings" ADD CONSTRAINT "agent_settings_updated_by_memberships_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lead_rotations" ADD CONSTRAINT "lead_rotations_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "won_examples" ADD CONSTRAINT "won_examples_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "won_examples" ADD CONSTRAINT "won_examples_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "won_examples" ADD CONSTRAINT "won_examples_added_by_memberships_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "won_examples_conversation" ON "won_examples" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "won_examples_project_time" ON "won_examples" USING btree ("project_id","created_at" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE agent_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE agent_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON agent_settings USING (project_id = app_project_id()) WITH CHECK (project_id = app_project_id());
--> statement-breakpoint
ALTER TABLE lead_rotations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE lead_rotations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON lead_rotations USING (project_id = app_project_id()) WITH CHECK (project_id = app_project_id());
--> statement-breakpoint
ALTER TABLE won_examples ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE won_examples FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON won_examples USING (project_id = app_project_id()) WITH CHECK (project_id = app_project_id());
