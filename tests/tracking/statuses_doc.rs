//! `docs/tracking-statuses.md` is generated from the connectors' tables.

use shipgate::service::tracking::status_tables_markdown;

#[test]
fn the_published_status_tables_match_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tracking-statuses.md");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = status_tables_markdown();
    if committed != generated {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &generated).unwrap();
        }
        panic!(
            "docs/tracking-statuses.md is out of date: run `UPDATE_DOCS=1 cargo nextest run --test tracking statuses_doc`"
        );
    }
}
