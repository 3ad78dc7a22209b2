//! Failpoints for crash tests of the real binary: `SHIPGATE_FAILPOINT=name`
//! makes the process abort when it reaches `name`. Unset (always, in
//! production), a failpoint costs one relaxed load.

use std::sync::OnceLock;

fn armed() -> Option<&'static str> {
    static NAME: OnceLock<Option<String>> = OnceLock::new();
    NAME.get_or_init(|| std::env::var("SHIPGATE_FAILPOINT").ok().filter(|v| !v.is_empty())).as_deref()
}

/// Aborts the process (no unwinding, no cleanup: like a crash) when `name` is armed.
pub fn hit(name: &str) {
    if armed() == Some(name) {
        eprintln!("failpoint {name}: aborting");
        std::process::abort();
    }
}

/// Failpoints the code defines.
pub const AFTER_CARRIER_CREATE: &str = "after_carrier_create";
