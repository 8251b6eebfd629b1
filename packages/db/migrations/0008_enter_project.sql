-- A signed-in request inside one project opens with one statement: it sets the tenant for the
-- transaction (as withTenant does) and returns the session's person with their membership and
-- role there. No row: the session is unknown or expired. A row without membership_id: the person
-- is not a member of that project. It runs as the caller, so row-level security applies to the
-- membership and role as to any other read.
CREATE OR REPLACE FUNCTION enter_project(p_session text, p_project uuid)
RETURNS TABLE (
  session_id text, last_seen_at timestamptz,
  user_id uuid, email text, name text, locale text,
  membership_id uuid, membership_active boolean,
  role_id uuid, role_key text, permissions text[], hidden_fields text[]
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM set_config('app.project_id', p_project::text, true), set_config('app.user_id', '', true);
  RETURN QUERY
    SELECT s.id, s.last_seen_at, u.id, u.email, u.name, u.locale, m.id, m.active, r.id, r.key, r.permissions, r.hidden_fields
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN memberships m ON m.user_id = u.id AND m.project_id = p_project
    LEFT JOIN roles r ON r.id = m.role_id
    WHERE s.id = p_session AND s.expires_at > now();
END $$;
