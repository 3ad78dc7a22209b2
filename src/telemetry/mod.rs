//! Logs (tracing, pretty or JSON), request ids and the Prometheus registry.

pub mod metrics;
pub mod request_metrics;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

use crate::config::LogFormat;

pub use metrics::Metrics;

/// Installs the global subscriber once; later calls (tests) are no-ops.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,hyper=warn,reqwest=warn,h2=warn"));
    // Logs go to stderr so commands that print results (api-key create,
    // openapi) keep stdout clean.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::NONE)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    let _ = match format {
        LogFormat::Pretty => builder.with_target(false).try_init(),
        // Span fields (request_id, route) are flattened into every event line.
        LogFormat::Json => builder.json().with_current_span(true).with_span_list(false).try_init(),
    };
}
