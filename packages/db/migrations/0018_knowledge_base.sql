CREATE TABLE "agent_traces" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "agent_traces_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"project_id" uuid NOT NULL,
	"conversation_id" uuid,
	"query" text DEFAULT '' NOT NULL,
	"retrieved" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"used" jsonb DEFAULT '{"passages":[],"rules":[]}'::jsonb NOT NULL,
	"reply_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_documents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"file_name" text,
	"size_bytes" integer DEFAULT 0 NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"passage_count" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_passages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"document_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"text" text NOT NULL,
	"embedding" real[],
	"embedding_model" text,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('russian', title || ' ' || text)) STORED
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "transcript" text;--> statement-breakpoint
ALTER TABLE "messages" drop column "text_search";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "text_search" "tsvector" GENERATED ALWAYS AS (to_tsvector('russian', text || ' ' || coalesce(transcript, ''))) STORED;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "intent" text;--> statement-breakpoint
ALTER TABLE "agent_settings" ADD COLUMN "transcription_model" text;--> statement-breakpoint
ALTER TABLE "agent_traces" ADD CONSTRAINT "agent_traces_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_traces" ADD CONSTRAINT "agent_traces_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_documents" ADD CONSTRAINT "kb_documents_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_documents" ADD CONSTRAINT "kb_documents_created_by_memberships_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."memberships"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_passages" ADD CONSTRAINT "kb_passages_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_passages" ADD CONSTRAINT "kb_passages_document_id_kb_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."kb_documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_traces_conversation" ON "agent_traces" USING btree ("conversation_id","id");--> statement-breakpoint
CREATE INDEX "kb_documents_project" ON "kb_documents" USING btree ("project_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "kb_passages_document" ON "kb_passages" USING btree ("document_id","position");--> statement-breakpoint
CREATE INDEX "kb_passages_search" ON "kb_passages" USING gin ("search");--> statement-breakpoint
-- Hand-written. The messages' word index goes with the column it indexes; rebuilt on the new one
-- (a voice note's transcript is searched like its text).
CREATE INDEX "messages_text_search" ON "messages" USING gin ("conversation_id","text_search");--> statement-breakpoint
-- Passages are also found by trigrams (a misspelt word, a product code).
CREATE INDEX "kb_passages_trgm" ON "kb_passages" USING gin ("text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "kb_passages_project" ON "kb_passages" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "agent_traces_project" ON "agent_traces" USING btree ("project_id", "id");--> statement-breakpoint
ALTER TABLE kb_documents ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE kb_documents FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON kb_documents USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));--> statement-breakpoint
ALTER TABLE kb_passages ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE kb_passages FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON kb_passages USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));--> statement-breakpoint
ALTER TABLE agent_traces ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE agent_traces FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON agent_traces USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));
