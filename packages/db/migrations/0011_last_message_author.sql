ALTER TABLE "conversations" ADD COLUMN "last_message_author" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "last_message_author_id" uuid;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_last_message_author_id_memberships_id_fk" FOREIGN KEY ("last_message_author_id") REFERENCES "public"."memberships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Conversations written before: a client's last message is the client's; for one of ours, the
-- newest outgoing message says who wrote it.
UPDATE "conversations" SET "last_message_author" = 'client' WHERE "last_message_direction" = 'in';--> statement-breakpoint
UPDATE "conversations" c SET "last_message_author" = last."author", "last_message_author_id" = last."author_membership_id"
FROM "conversations" c2
CROSS JOIN LATERAL (
  SELECT m."author", m."author_membership_id" FROM "messages" m
  WHERE m."conversation_id" = c2."id" AND m."direction" = 'out'
  ORDER BY m."sent_at" DESC, m."id" DESC LIMIT 1
) last
WHERE c2."id" = c."id" AND c2."last_message_direction" = 'out';
