-- API tokens scoped to what a system needs (issue 8): read only, or only some services
-- (a comma-separated list of slugs; empty: whatever the user may see), and an expiry.
ALTER TABLE api_tokens ADD COLUMN read_only BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE api_tokens ADD COLUMN services TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
