CREATE TABLE "media_channel_refs" (
	"project_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"media_id" uuid NOT NULL,
	"platform_ref" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_channel_refs_channel_id_media_id_pk" PRIMARY KEY("channel_id","media_id")
);
--> statement-breakpoint
CREATE TABLE "media_files" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"storage_key" text NOT NULL,
	"name" text NOT NULL,
	"mime" text NOT NULL,
	"kind" text NOT NULL,
	"size" integer NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "media_files_storage_key_unique" UNIQUE("storage_key"),
	CONSTRAINT "media_files_project_id" UNIQUE("project_id","id")
);
--> statement-breakpoint
CREATE TABLE "reply_template_media" (
	"project_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"media_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "reply_template_media_template_id_media_id_pk" PRIMARY KEY("template_id","media_id")
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "media_id" uuid;--> statement-breakpoint
ALTER TABLE "reply_templates" ADD CONSTRAINT "reply_templates_project_id" UNIQUE("project_id","id");--> statement-breakpoint
ALTER TABLE "media_channel_refs" ADD CONSTRAINT "media_channel_refs_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_channel_refs" ADD CONSTRAINT "media_channel_refs_media_fk" FOREIGN KEY ("project_id","media_id") REFERENCES "public"."media_files"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_files" ADD CONSTRAINT "media_files_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_files" ADD CONSTRAINT "media_files_created_by_memberships_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."memberships"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reply_template_media" ADD CONSTRAINT "reply_template_media_template_fk" FOREIGN KEY ("project_id","template_id") REFERENCES "public"."reply_templates"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reply_template_media" ADD CONSTRAINT "reply_template_media_media_fk" FOREIGN KEY ("project_id","media_id") REFERENCES "public"."media_files"("project_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "media_channel_refs_media" ON "media_channel_refs" USING btree ("media_id");--> statement-breakpoint
CREATE INDEX "media_files_project_created" ON "media_files" USING btree ("project_id","created_at");--> statement-breakpoint
CREATE INDEX "reply_template_media_media" ON "reply_template_media" USING btree ("media_id");--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_media_id_media_files_id_fk" FOREIGN KEY ("media_id") REFERENCES "public"."media_files"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE media_files ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE media_files FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON media_files USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));--> statement-breakpoint
ALTER TABLE media_channel_refs ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE media_channel_refs FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON media_channel_refs USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));--> statement-breakpoint
ALTER TABLE reply_template_media ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE reply_template_media FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON reply_template_media USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));
