ALTER TABLE "projects" ADD COLUMN "openai_key_base_url" text;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "elevenlabs_key_base_url" text;--> statement-breakpoint
-- A key saved before is bound to the URL it was used with then: the project's own, else the
-- provider's public one. Where the operator's URL differs, the key must be entered again.
UPDATE "projects" p SET "openai_key_base_url" = coalesce(
  (SELECT rtrim(a."llm_base_url", '/') FROM "agent_settings" a WHERE a."project_id" = p."id" AND a."llm_base_url" <> ''),
  'https://api.openai.com/v1'
) WHERE p."openai_key_enc" IS NOT NULL;--> statement-breakpoint
UPDATE "projects" SET "elevenlabs_key_base_url" = coalesce(nullif(rtrim("settings"->'voice'->>'baseUrl', '/'), ''), 'https://api.elevenlabs.io')
WHERE "elevenlabs_key_enc" IS NOT NULL;--> statement-breakpoint
UPDATE "projects" SET "settings" = "settings" #- '{voice,baseUrl}' WHERE "settings"->'voice' ? 'baseUrl';--> statement-breakpoint
ALTER TABLE "channels" DROP COLUMN "api_base_url";--> statement-breakpoint
ALTER TABLE "agent_settings" DROP COLUMN "llm_base_url";
