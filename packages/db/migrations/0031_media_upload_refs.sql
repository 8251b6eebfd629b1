CREATE TABLE "upload_channel_refs" (
	"project_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"content_hash" text NOT NULL,
	"kind" text NOT NULL,
	"platform_ref" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "upload_channel_refs_channel_id_content_hash_kind_pk" PRIMARY KEY("channel_id","content_hash","kind")
);
--> statement-breakpoint
ALTER TABLE "upload_channel_refs" ADD CONSTRAINT "upload_channel_refs_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upload_channel_refs" ADD CONSTRAINT "upload_channel_refs_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE upload_channel_refs ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE upload_channel_refs FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON upload_channel_refs USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));
