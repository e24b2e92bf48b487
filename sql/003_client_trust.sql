-- Revision 2: the client trust model (CONTRACT "Clients, scopes and resources").
--
-- 1. Every client has an origin (admin, dynamic, or metadata for a Client ID Metadata
--    Document) and a verified flag. Admin clients are verified; dynamic and metadata clients
--    are unverified until an admin verifies them. Existing dynamic clients become unverified:
--    what they could do before (client_credentials, every scope, introspecting any token) was
--    the hole this migration closes.
ALTER TABLE clients DROP CONSTRAINT clients_origin_check;
ALTER TABLE clients ADD CONSTRAINT clients_origin_check CHECK (origin IN ('admin', 'dynamic', 'metadata'));
ALTER TABLE clients ADD COLUMN verified boolean NOT NULL DEFAULT false;
UPDATE clients SET verified = true WHERE origin = 'admin';
COMMENT ON COLUMN clients.origin IS 'admin = management API, console, latchctl or registration with an admin token (accepts both secret methods); dynamic = anonymous RFC 7591 registration; metadata = Client ID Metadata Document. dynamic and metadata clients are held to their registered method.';
COMMENT ON COLUMN clients.verified IS 'Whether an admin vouches for the client. Unverified clients get only open scopes, no client_credentials, introspect only their own tokens, and their authorization errors go through a latch page.';
COMMENT ON COLUMN clients.scope IS 'Scopes the client may request; empty means every scope the client may get (all for a verified client, the open ones for an unverified one).';

-- 2. Scopes may be open: grantable to unverified clients. openid and offline_access are
--    always defined and open.
ALTER TABLE scopes ADD COLUMN open boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN scopes.open IS 'Whether unverified clients may be granted this scope (latchctl scope add NAME --open).';
INSERT INTO scopes (name, description, open) VALUES
    ('openid', 'Know who you are (your account id)', true),
    ('offline_access', 'Stay signed in when you are not using it', true)
ON CONFLICT (name) DO UPDATE SET open = true;
