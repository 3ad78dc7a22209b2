-- Webhooks: merchants' endpoints, the event outbox, and one delivery per
-- (event, endpoint) with the log of every attempt.

CREATE TABLE webhook_endpoints (
    id                          uuid PRIMARY KEY,
    tenant_id                   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    url                         text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    description                 text CHECK (length(description) <= 500),
    -- NULL: every event type, including types added later.
    event_types                 text[] CHECK (cardinality(event_types) > 0),
    enabled                     boolean NOT NULL DEFAULT true,
    disabled_reason             text CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
    disabled_at                 timestamptz,
    disabled_detail             text,
    -- AES-256-GCM of the HMAC key, the endpoint id as associated data.
    secret_enc                  bytea NOT NULL,
    -- After a rotation the previous key keeps signing until it expires.
    previous_secret_enc         bytea,
    previous_secret_expires_at  timestamptz,
    -- Start of the current run of failures (NULL after a success).
    failing_since               timestamptz,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    CHECK (enabled = (disabled_reason IS NULL))
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id, id DESC);

-- The outbox: written in the transaction of the change it reports, so an
-- event exists if and only if its change committed.
CREATE TABLE webhook_events (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    type        text NOT NULL,
    -- The exact JSON sent (and signed): identical bytes on every attempt.
    body        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX webhook_events_tenant ON webhook_events (tenant_id, id DESC);
CREATE INDEX webhook_events_created ON webhook_events (created_at);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id         uuid NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
    status           text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    -- Attempts started so far; counted when claimed, so a crash counts too.
    attempts         int NOT NULL DEFAULT 0,
    -- When pending: due time, or NULL while the endpoint is disabled.
    next_attempt_at  timestamptz,
    -- A dispatcher's claim: until this time nobody else sends it. A token
    -- still set after the lease means the attempt was abandoned (crash).
    locked_until     timestamptz,
    lock_token       uuid,
    -- Start of the latest attempt (set when claimed).
    last_attempt_at  timestamptz,
    last_status      int,
    last_latency_ms  bigint,
    last_error       text,
    replay_of        uuid REFERENCES webhook_deliveries(id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    CHECK (status = 'pending' OR next_attempt_at IS NULL)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id DESC);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
-- Claimed deliveries, counted per endpoint to cap its concurrent requests.
CREATE INDEX webhook_deliveries_claimed ON webhook_deliveries (endpoint_id) WHERE lock_token IS NOT NULL;

CREATE TABLE webhook_attempts (
    delivery_id         uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt             int NOT NULL,
    started_at          timestamptz NOT NULL,
    succeeded           boolean NOT NULL,
    response_status     int,
    latency_ms          bigint,
    error               text,
    response_body       text,
    response_truncated  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (delivery_id, attempt)
);
