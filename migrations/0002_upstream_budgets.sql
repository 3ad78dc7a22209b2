-- Upstream rate-limit budgets shared by every replica: one versioned
-- document per budget key (carrier account, or host), replaced only by
-- compare-and-swap on `version` (see src/ratelimit/store_pg.rs).
CREATE TABLE upstream_budgets (
    budget_key  text PRIMARY KEY CHECK (length(budget_key) BETWEEN 1 AND 300),
    version     bigint NOT NULL CHECK (version > 0),
    -- Windows (limit, used, reset), the Retry-After block and calls in flight.
    state       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
