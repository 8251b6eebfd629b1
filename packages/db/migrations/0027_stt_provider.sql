ALTER TABLE "messages" ADD COLUMN "transcript_error" text;--> statement-breakpoint
ALTER TABLE "agent_settings" ADD COLUMN "transcription_provider" text DEFAULT 'openai' NOT NULL;