#!/usr/bin/env bash
# Tracking benchmarks (issue 6). Prints the BENCH lines quoted in BENCHMARKS.md.
#
#  1. Refresh: 10,000 trackers across the four sandbox carriers (Ecotrack
#     4,000, Coursier.fr 3,000, My Flying Box 1,500, e-Courier 1,500) refreshed
#     once by two replicas; upstream calls counted by the sandbox against the
#     minimum, 429s received, wall time. (The ignored test
#     `bench_refresh_10000_trackers_with_two_replicas` in tests/tracking/bench.rs.)
#  2. Reads: `GET /v1/trackers/{id}` of a delivered Ecotrack parcel under wrk
#     (64 connections) against the release binary, next to pgbench running the
#     same two SELECTs the endpoint runs; server RSS.
#
#   bench/tracking.sh            # both (about 6 minutes)
#   bench/tracking.sh reads      # the read benchmark only
#
# Needs Postgres on 127.0.0.1:5432 (trust), `wrk` and `pgbench`
# (apt-get install wrk postgresql-client), jq and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=bench/out; mkdir -p "$OUT"
DURATION=${BENCH_SECONDS:-20}

if [ "${1:-}" != reads ]; then
    echo "== refresh: 10,000 trackers, two replicas"
    cargo nextest run --test tracking --run-ignored only --no-capture \
        bench_refresh_10000_trackers_with_two_replicas 2>&1 | grep -E '^BENCH|FAIL|panicked' || true
fi

echo "== reads: GET /v1/trackers/{id}, wrk -c64 -d${DURATION}s, vs pgbench"
cargo build --release --quiet --bin shipgate
DB=shipgate_bench_reads
PG=postgres://postgres@127.0.0.1:5432
psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $DB" >/dev/null
PORT=18480; SB=18481
DATABASE_URL=$PG/$DB SHIPGATE_LISTEN=127.0.0.1:$PORT SHIPGATE_SANDBOX_LISTEN=127.0.0.1:$SB \
    SHIPGATE_INBOUND_RATE_PER_SECOND=10000000 SHIPGATE_INBOUND_BURST=10000000 \
    SHIPGATE_LOG_FORMAT=json RUST_LOG=warn SHIPGATE_DB_MAX_CONNECTIONS=20 \
    target/release/shipgate serve --sandbox >"$OUT/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
KEY=$(grep -o 'sg_test_[A-Za-z0-9]*' "$OUT/serve.log" | head -n 1)
H="Authorization: Bearer $KEY"; J='Content-Type: application/json'; B=http://127.0.0.1:$PORT
ET=$(curl -s "$B/v1/carrier-accounts?carrier=ecotrack" -H "$H" | jq -r '.data[0].id')
SHP=$(curl -s "$B/v1/shipments" -H "$H" -H "$J" -d '{"carrier_account": "'"$ET"'", "service": "home",
  "shipper": {"name": "Boutique Alger", "street": "Rue Larbi Ben M'"'"'hidi", "city": "Alger Centre", "state": "16", "country": "DZ", "phone": "0550000001"},
  "recipient": {"name": "Karim B.", "street": "12 rue Didouche Mourad", "city": "Hydra", "state": "16", "country": "DZ", "phone": "0661234567"},
  "parcels": [{"weight": "1", "length": 20, "width": 15, "height": 10, "description": "Chaussures"}],
  "reference": "BENCH-1-sbx-cod", "options": {"cash_on_delivery": {"amount": "2500.00", "currency": "DZD"}}}' | jq -r .id)
curl -s -X POST "$B/v1/shipments/$SHP/ship" -H "$H" -H "$J" -d '{}' >/dev/null
curl -s -X POST "127.0.0.1:$SB/_sandbox/clock/advance" -H "$J" -d '{"seconds": 500000}' >/dev/null
TRK=$(curl -s "$B/v1/trackers?shipment_id=$SHP" -H "$H" | jq -r '.data[0].id')
BODY=$(curl -s "$B/v1/trackers/$TRK?refresh=true" -H "$H")
echo "BENCH tracker: status=$(jq -r .status <<<"$BODY") events=$(jq '.events | length' <<<"$BODY") body_bytes=${#BODY}"

upstream_calls() { curl -s "127.0.0.1:$SB/_sandbox/stats" | jq '[.calls[].total] | add'; }
BEFORE=$(upstream_calls)
wrk -t2 -c64 -d"${DURATION}s" --latency -H "$H" "$B/v1/trackers/$TRK" >"$OUT/wrk.txt"
AFTER=$(upstream_calls)
[[ $BEFORE =~ ^[0-9]+$ && $AFTER =~ ^[0-9]+$ ]] || { echo "sandbox stats unreadable: $BEFORE $AFTER"; exit 1; }
RPS=$(awk '/Requests\/sec/ {print $2}' "$OUT/wrk.txt")
P50=$(awk '$1 == "50%" {print $2}' "$OUT/wrk.txt")
P99=$(awk '$1 == "99%" {print $2}' "$OUT/wrk.txt")
NON2XX=$(awk '/Non-2xx/ {print $5}' "$OUT/wrk.txt")
RSS=$(awk '/VmRSS/ {print $2 " " $3}' "/proc/$PID/status")
HWM=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/$PID/status")
echo "BENCH shipgate: rps=$RPS p50=$P50 p99=$P99 non2xx=${NON2XX:-0} rss=$RSS peak_rss=$HWM upstream_calls_during_reads=$((AFTER - BEFORE))"

# The same two statements the endpoint runs (tracker by tenant and id, its events).
read -r TID TEN <<<"$(psql -tA -F ' ' "$PG/$DB" -c "SELECT id, tenant_id FROM trackers WHERE shipment_id IS NOT NULL LIMIT 1")"
COLS=$(sed -n '/^pub const COLUMNS/,/";$/p' src/store/trackers.rs | tr '\n' ' ' | sed -e 's/.*= "//' -e 's/";.*//' -e 's/\\ *//g' | tr -s ' ')
cat >"$OUT/read.sql" <<SQL
SELECT $COLS FROM trackers WHERE tenant_id = '$TEN' AND id = '$TID';
SELECT tracker_id, fingerprint, occurred_at, status, raw_code, raw_text, description, place, leg, recorded_at FROM tracking_events WHERE tracker_id = ANY(ARRAY['$TID']::uuid[]) ORDER BY tracker_id, occurred_at, recorded_at, fingerprint;
SQL
pgbench -n -c 64 -j 2 -T "$DURATION" -f "$OUT/read.sql" "$PG/$DB" >"$OUT/pgbench.txt" 2>&1
TPS=$(awk '/^tps/ {print $3; exit}' "$OUT/pgbench.txt")
LAT=$(awk '/latency average/ {print $4 " " $5}' "$OUT/pgbench.txt")
echo "BENCH pgbench: tps=$TPS latency_avg=$LAT (64 clients, same two SELECTs per transaction)"
awk -v a="$RPS" -v b="$TPS" 'BEGIN { printf "BENCH ratio: shipgate/pgbench = %.2f\n", a / b }'
