-- Trackers (one per carrier account and tracking number, whoever booked the
-- parcel) and their append-only history. The refresh scheduler lives here:
-- `next_check_at` is when a tracker is due (NULL: no more checks), claimed
-- with FOR UPDATE SKIP LOCKED and pushed forward as a lease.
CREATE TABLE trackers (
    id                  uuid PRIMARY KEY,
    tenant_id           uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    carrier_account_id  uuid NOT NULL REFERENCES carrier_accounts(id) ON DELETE CASCADE,
    carrier             text NOT NULL,
    tracking_number     text NOT NULL CHECK (length(tracking_number) BETWEEN 1 AND 100),
    -- Set when shipgate booked the parcel.
    shipment_id         uuid REFERENCES shipments(id) ON DELETE SET NULL,
    reference           text,
    origin              text NOT NULL CHECK (origin IN ('api', 'shipment', 'discovery')),
    status              text NOT NULL,
    raw_status          text,
    raw_status_text     text,
    estimated_delivery  jsonb,
    proof_of_delivery   jsonb,
    courier             jsonb,
    cash_on_delivery    jsonb,
    legs                jsonb NOT NULL DEFAULT '[]'::jsonb,
    relay_point         jsonb,
    -- The carrier does not know the number (yet): since when.
    not_found_since     timestamptz,
    last_checked_at     timestamptz,
    status_changed_at   timestamptz,
    next_check_at       timestamptz,
    check_failures      int NOT NULL DEFAULT 0,
    last_error          jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, carrier_account_id, tracking_number)
);
CREATE INDEX trackers_tenant ON trackers (tenant_id, id DESC);
CREATE INDEX trackers_due ON trackers (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX trackers_shipment ON trackers (shipment_id) WHERE shipment_id IS NOT NULL;

CREATE TABLE tracking_events (
    tracker_id   uuid NOT NULL REFERENCES trackers(id) ON DELETE CASCADE,
    -- Stable identity of a carrier event: the same event seen twice is kept once.
    fingerprint  text NOT NULL,
    occurred_at  timestamptz NOT NULL,
    status       text NOT NULL,
    raw_code     text,
    raw_text     text,
    description  text,
    place        jsonb,
    leg          int,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tracker_id, fingerprint)
);
CREATE INDEX tracking_events_timeline ON tracking_events (tracker_id, occurred_at);
