-- Tenants, API keys, carrier accounts and idempotency records.
-- Every business row carries tenant_id; every query filters on it.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    -- Display and policy settings (brand, public page, inbound limits).
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    mode        text NOT NULL CHECK (mode IN ('live', 'test')),
    -- Only the SHA-256 of the key is kept; the key is shown once at creation.
    key_hash    bytea NOT NULL UNIQUE,
    -- First characters of the key, to recognise it in listings and logs.
    key_prefix  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

CREATE TABLE carrier_accounts (
    id                uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    carrier           text NOT NULL,
    name              text NOT NULL,
    -- AES-256-GCM(version || nonce || ciphertext), account id as associated data.
    credentials_enc   bytea NOT NULL,
    -- What may be shown back: non-secret fields plus masked secrets.
    credentials_mask  jsonb NOT NULL,
    base_url          text,
    test_mode         boolean NOT NULL DEFAULT false,
    settings          jsonb NOT NULL DEFAULT '{}'::jsonb,
    verified_at       timestamptz,
    last_verify_error text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- Accounts are archived, not deleted, so shipments keep their history.
    deleted_at        timestamptz
);
CREATE INDEX carrier_accounts_tenant ON carrier_accounts (tenant_id, id DESC) WHERE deleted_at IS NULL;

-- Idempotency-Key records: same key + same request replays the stored answer.
CREATE TABLE idempotency_keys (
    tenant_id       uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    key             text NOT NULL,
    request_hash    bytea NOT NULL,
    method          text NOT NULL,
    path            text NOT NULL,
    -- 'in_progress' while the first request runs; 'completed' with its answer.
    state           text NOT NULL CHECK (state IN ('in_progress', 'completed')),
    -- A crashed request's lease runs out so the key can be retried.
    locked_until    timestamptz,
    response_status int,
    response_headers jsonb,
    response_body   bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Session tokens some carriers issue (e-Courier's UserGUID), encrypted like
-- credentials, one per account, shared by every replica.
CREATE TABLE carrier_sessions (
    account_id    uuid PRIMARY KEY REFERENCES carrier_accounts(id) ON DELETE CASCADE,
    token_enc     bytea NOT NULL,
    issued_at     timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now()
);
