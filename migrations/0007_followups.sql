-- Follow-ups after booking, so merchants learn of changes without polling:
-- a booked shipment's label is fetched in the background until the carrier
-- has it (shipment.label_ready), and a requested pickup is asked again until
-- the carrier confirms it (pickup.confirmed). NULL = nothing to follow up.
ALTER TABLE shipments
    ADD COLUMN label_next_check_at timestamptz,
    ADD COLUMN label_checks int NOT NULL DEFAULT 0;
CREATE INDEX shipments_label_due ON shipments (label_next_check_at) WHERE label_next_check_at IS NOT NULL;

ALTER TABLE pickups
    ADD COLUMN next_check_at timestamptz,
    ADD COLUMN checks int NOT NULL DEFAULT 0;
CREATE INDEX pickups_due ON pickups (next_check_at) WHERE next_check_at IS NOT NULL;
