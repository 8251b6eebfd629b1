-- Channels that receive by long polling (no public webhook URL), for the worker that polls them.
-- The worker acts for no tenant when it looks for them, so, like channel_project(), this reads
-- past row-level security and returns ids only; everything else is read under the channel's tenant.
CREATE OR REPLACE FUNCTION polling_channels() RETURNS TABLE (id uuid, project_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS
  $$ SELECT id, project_id FROM channels WHERE state = 'active' AND settings->>'delivery' = 'polling' $$;
