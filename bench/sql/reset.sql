-- Empties the tables the token paths write to (between paths, so that each starts from
-- the same state: fixtures + fill.sql's filler rows, refilled by the caller), the audit
-- trail included (the token paths add a row per request; counting them proves the work).
\set ON_ERROR_STOP on
TRUNCATE authorization_codes, tokens, grants, audit_events;
