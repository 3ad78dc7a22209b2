-- Shipping: quotes and offers, shipments (the booking intent is the shipment
-- row in state 'booking'), parcels, labels, pickups, carrier reference data.

CREATE TABLE quotes (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    -- The normalized quote request, as asked.
    request     jsonb NOT NULL,
    -- Per-carrier failures of the fan-out (a partial answer is still an answer).
    errors      jsonb NOT NULL DEFAULT '[]'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quotes_tenant ON quotes (tenant_id, id DESC);

CREATE TABLE offers (
    id                  uuid PRIMARY KEY,
    tenant_id           uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    quote_id            uuid NOT NULL REFERENCES quotes(id) ON DELETE CASCADE,
    carrier_account_id  uuid NOT NULL REFERENCES carrier_accounts(id),
    carrier             text NOT NULL,
    service_code        text NOT NULL,
    currency            text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    total_price         numeric(14, 4) NOT NULL,
    -- The whole normalized offer (price split, flags, estimate, dates) and
    -- what the carrier needs to book it (its own offer id, the quoted parcels).
    offer               jsonb NOT NULL,
    expires_at          timestamptz NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX offers_quote ON offers (quote_id);
CREATE INDEX offers_expiry ON offers (expires_at);

CREATE TABLE shipments (
    id                  uuid PRIMARY KEY,
    tenant_id           uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    carrier_account_id  uuid NOT NULL REFERENCES carrier_accounts(id),
    carrier             text NOT NULL,
    -- booking: intent recorded, carrier call running or its outcome unknown;
    -- needs_attention: outcome unknown and not recoverable automatically.
    status              text NOT NULL CHECK (status IN
                        ('booking', 'booked', 'dispatched', 'cancelled', 'failed', 'needs_attention')),
    -- The merchant's own order reference.
    reference           text,
    -- Ours, derived from the id, sent to the carrier so the order can be found again.
    carrier_reference   text NOT NULL UNIQUE,
    -- The carrier's id of the order: My Flying Box order uuid, e-Courier
    -- OrderNumber, Ecotrack tracking.
    carrier_order_id    text,
    service_code        text NOT NULL,
    service_name        text,
    offer_id            uuid REFERENCES offers(id),
    -- The normalized booking request (addresses, parcels, options).
    request             jsonb NOT NULL,
    -- Price as the carrier confirmed or quoted it.
    price               jsonb,
    -- Carrier-specific facts worth keeping (state, collection date, desk...).
    carrier_details     jsonb NOT NULL DEFAULT '{}'::jsonb,
    idempotency_key     text,
    attempts            int NOT NULL DEFAULT 0,
    -- Held while a request or the recovery worker works on the booking.
    locked_until        timestamptz,
    -- Last failure: {code, message, retryable, carrier}.
    last_error          jsonb,
    attention_reason    text,
    return_requested_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    booked_at           timestamptz,
    dispatched_at       timestamptz,
    cancelled_at        timestamptz
);
CREATE INDEX shipments_tenant ON shipments (tenant_id, id DESC);
CREATE INDEX shipments_tenant_reference ON shipments (tenant_id, reference) WHERE reference IS NOT NULL;
CREATE UNIQUE INDEX shipments_idempotency ON shipments (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
-- The recovery worker's queue.
CREATE INDEX shipments_booking ON shipments (locked_until) WHERE status = 'booking';

CREATE TABLE shipment_parcels (
    shipment_id     uuid NOT NULL REFERENCES shipments(id) ON DELETE CASCADE,
    parcel_index    smallint NOT NULL CHECK (parcel_index >= 0),
    -- What tracking polls: My Flying Box order uuid (+ index), e-Courier
    -- OrderNumber, Ecotrack tracking. Set once booked.
    tracking_number text,
    parcel          jsonb NOT NULL,
    PRIMARY KEY (shipment_id, parcel_index)
);
CREATE INDEX shipment_parcels_tracking ON shipment_parcels (tracking_number) WHERE tracking_number IS NOT NULL;

CREATE TABLE shipment_labels (
    shipment_id   uuid PRIMARY KEY REFERENCES shipments(id) ON DELETE CASCADE,
    content_type  text NOT NULL,
    content       bytea NOT NULL,
    fetched_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pickups (
    id                  uuid PRIMARY KEY,
    tenant_id           uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    shipment_id         uuid NOT NULL REFERENCES shipments(id),
    carrier_account_id  uuid NOT NULL REFERENCES carrier_accounts(id),
    carrier             text NOT NULL,
    -- requesting: intent recorded before the billed call.
    status              text NOT NULL CHECK (status IN ('requesting', 'requested', 'confirmed', 'failed', 'needs_attention')),
    carrier_pickup_id   text,
    reference           text,
    supplier_reference  text,
    collection_date     text NOT NULL,
    instructions        text,
    address             jsonb NOT NULL,
    price               jsonb,
    idempotency_key     text,
    last_error          jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pickups_tenant ON pickups (tenant_id, id DESC);
-- One live pickup per shipment: a second request is a conflict, not a second truck.
CREATE UNIQUE INDEX pickups_one_per_shipment ON pickups (shipment_id) WHERE status <> 'failed';

-- Carrier reference data (Ecotrack wilayas, communes, fees), per account.
CREATE TABLE carrier_reference_data (
    carrier_account_id  uuid NOT NULL REFERENCES carrier_accounts(id) ON DELETE CASCADE,
    kind                text NOT NULL,
    payload             jsonb NOT NULL,
    fetched_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (carrier_account_id, kind)
);
