CREATE TABLE "search_lexicon" (
	"project_id" uuid NOT NULL,
	"word" text NOT NULL,
	CONSTRAINT "search_lexicon_project_id_word_pk" PRIMARY KEY("project_id","word")
);
--> statement-breakpoint
CREATE TABLE "search_lexicon_progress" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_message_id" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "search_lexicon" ADD CONSTRAINT "search_lexicon_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "search_lexicon_word_trgm" ON "search_lexicon" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
ALTER TABLE search_lexicon ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE search_lexicon FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON search_lexicon USING (project_id = (SELECT app_project_id())) WITH CHECK (project_id = (SELECT app_project_id()));--> statement-breakpoint
INSERT INTO search_lexicon_progress (id, last_message_id) VALUES (1, 0);--> statement-breakpoint
-- Reads the next messages after the lexicon's mark (at most p_batch, only those stored more than
-- a few seconds ago, so a transaction still open with a lower id is rarely passed over) and keeps
-- their words: letters only, 4 to 32 of them, lower case. Every project's messages in one pass, so
-- SECURITY DEFINER; the mark row is locked, so two job processes never read the same messages.
-- Returns how many messages it read.
CREATE FUNCTION extend_search_lexicon(p_batch int) RETURNS int
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
  v_from bigint;
  v_to bigint;
  v_read int;
BEGIN
  SELECT last_message_id INTO v_from FROM search_lexicon_progress WHERE id = 1 FOR UPDATE;
  SELECT max(id), count(*) INTO v_to, v_read FROM (
    SELECT id FROM messages WHERE id > v_from AND created_at < now() - interval '3 seconds' ORDER BY id LIMIT p_batch) m;
  IF v_to IS NULL THEN RETURN 0; END IF;
  INSERT INTO search_lexicon (project_id, word)
    SELECT DISTINCT m.project_id, w.word
    FROM messages m, regexp_split_to_table(lower(m.text), '[^а-яёa-z]+') AS w(word)
    WHERE m.id > v_from AND m.id <= v_to AND length(w.word) BETWEEN 4 AND 32
  ON CONFLICT DO NOTHING;
  UPDATE search_lexicon_progress SET last_message_id = v_to WHERE id = 1;
  RETURN v_read;
END $$;--> statement-breakpoint
-- For each word of a query (lower case), the current tenant's word most like it (trigram
-- similarity at least 0.4: one wrong letter in a seven-letter word), the word itself when the
-- project has it, or null. Filtered to the tenant by hand: `%` is not leakproof, so under
-- row-level security the index would not be used.
CREATE FUNCTION similar_search_words(p_words text[]) RETURNS TABLE (typed text, word text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public SET pg_trgm.similarity_threshold = 0.4 AS $$
  SELECT q.typed, coalesce(
    (SELECT l.word FROM search_lexicon l WHERE l.project_id = app_project_id() AND l.word = q.typed),
    (SELECT l.word FROM search_lexicon l WHERE l.project_id = app_project_id() AND l.word % q.typed
     ORDER BY similarity(l.word, q.typed) DESC, l.word LIMIT 1))
  FROM unnest(p_words) AS q(typed) $$;
