DROP INDEX "conversations_list";--> statement-breakpoint
DROP INDEX "conversations_assignee_list";--> statement-breakpoint
DROP INDEX "conversations_intent_list";--> statement-breakpoint
ALTER TABLE "rotation_rules" ADD COLUMN "archive" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "archived_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "archived_by" uuid;--> statement-breakpoint
ALTER TABLE "agent_settings" ADD COLUMN "embedding_model" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_archived_by_memberships_id_fk" FOREIGN KEY ("archived_by") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversations_archive_list" ON "conversations" USING btree ("project_id","last_message_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "conversations"."last_message_at" is not null and "conversations"."archived_at" is not null;--> statement-breakpoint
CREATE INDEX "kb_passages_embedded" ON "kb_passages" USING btree ("project_id","embedding_model") WHERE embedding is not null;--> statement-breakpoint
CREATE INDEX "conversations_list" ON "conversations" USING btree ("project_id","last_message_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "conversations"."last_message_at" is not null and "conversations"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "conversations_assignee_list" ON "conversations" USING btree ("project_id","assignee_id","last_message_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "conversations"."last_message_at" is not null and "conversations"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "conversations_intent_list" ON "conversations" USING btree ("project_id","intent","last_message_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "conversations"."last_message_at" is not null and "conversations"."intent" is not null and "conversations"."archived_at" is null;