-- Public tracking pages: each tracker has an unguessable, revocable token
-- for `/t/{token}` (NULL once revoked). Branding and privacy choices live in
-- the tenant's settings (`settings.public_page`).
ALTER TABLE trackers ADD COLUMN public_token text UNIQUE;
