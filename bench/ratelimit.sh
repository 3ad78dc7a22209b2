#!/usr/bin/env bash
# Rate-limiting benchmark (issue 7): a burst of tracking refreshes by the real
# refresh worker plus
# interactive calls through two shipgate replicas (one database, or Redis)
# against the sandbox's Ecotrack, then the precision of Retry-After and of
# the announced reset. Prints the BENCH lines quoted in BENCHMARKS.md.
#
#   bench/ratelimit.sh            # every scenario (about 8 minutes)
#   bench/ratelimit.sh quick      # the production-limits scenario only
#
# Needs Postgres on 127.0.0.1:5432 (TEST_DATABASE_URL to change) and, for the
# Redis scenario, Redis on 127.0.0.1:6379.
set -euo pipefail
cd "$(dirname "$0")/.."

burst() {
    echo "== $1"
    shift
    env "$@" cargo nextest run --test ratelimit --run-ignored only --no-capture \
        bench_refresh_burst_through_two_replicas 2>&1 | grep -E '^BENCH|FAIL|panicked' || true
}

cargo build --tests --quiet

burst "production limits: 50/min, 5000 trackers refreshed by the worker on two replicas, 10 interactive calls" \
    BENCH_PER_MINUTE=50 BENCH_REFRESHES=5000 BENCH_INTERACTIVE=10 BENCH_INTERACTIVE_EVERY_MS=11000
[ "${1:-}" = quick ] && exit 0

burst "30/min, 5000 trackers refreshed by the worker on two replicas, 10 interactive calls" \
    BENCH_PER_MINUTE=30 BENCH_REFRESHES=5000 BENCH_INTERACTIVE=10 BENCH_INTERACTIVE_EVERY_MS=20000

burst "same, budgets in Redis" \
    BENCH_PER_MINUTE=30 BENCH_REFRESHES=5000 BENCH_INTERACTIVE=10 BENCH_INTERACTIVE_EVERY_MS=20000 \
    BENCH_REDIS=1

echo "== Retry-After and reset precision"
cargo nextest run --test ratelimit --no-capture retry_after_is_honoured_to_the_second_by_both_replicas \
    the_announced_reset_is_honoured_to_the_second 2>&1 | grep -E '^BENCH|FAIL|panicked' || true
