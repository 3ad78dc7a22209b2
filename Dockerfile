# syntax=docker/dockerfile:1

# ---- build: dependencies first, so their layer is cached across source edits
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src
COPY migrations ./migrations
COPY src ./src
# Make cargo notice the real sources are newer than the placeholder build.
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked \
    && cp target/release/shipgate /usr/local/bin/shipgate

# ---- runtime: small image, non-root user, CA roots for carrier APIs over TLS
FROM debian:bookworm-slim AS runtime
# Unpinned on purpose: CA roots must follow Debian's security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin shipgate
COPY --from=build /usr/local/bin/shipgate /usr/local/bin/shipgate
USER 10001
ENV SHIPGATE_LISTEN=0.0.0.0:8080 \
    SHIPGATE_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/shipgate", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/shipgate"]
CMD ["serve"]
