//! Fresh databases for tests, cloned from a template that is migrated once
//! per migration set (its name carries a hash of the migration files).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};
use shipgate::store;
use sqlx::postgres::PgConnectOptions;
use sqlx::{AssertSqlSafe, Connection, PgConnection, PgPool};

/// Server the tests use; override with TEST_DATABASE_URL.
pub fn server_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

fn admin_options() -> PgConnectOptions {
    format!("{}/postgres", server_url()).parse().expect("TEST_DATABASE_URL is a Postgres URL")
}

/// Templates of this checkout. Several worktrees (engineers working in
/// parallel) share one Postgres with different migrations: each cleans up
/// only its own stale templates, never one another's in use.
fn template_prefix() -> String {
    let checkout = Sha256::digest(env!("CARGO_MANIFEST_DIR").as_bytes());
    format!("shipgate_tpl_{}_", checkout.iter().take(4).map(|b| format!("{b:02x}")).collect::<String>())
}

fn template_name() -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("migrations dir").filter_map(Result::ok).collect();
    files.sort_by_key(|f| f.file_name());
    let mut hash = Sha256::new();
    for f in files {
        hash.update(f.file_name().to_string_lossy().as_bytes());
        hash.update(std::fs::read(f.path()).expect("migration file"));
    }
    let digest = hash.finalize();
    format!("{}{}", template_prefix(), digest.iter().take(6).map(|b| format!("{b:02x}")).collect::<String>())
}

async fn admin() -> PgConnection {
    let mut last = None;
    for _ in 0..20 {
        match PgConnection::connect_with(&admin_options()).await {
            Ok(c) => return c,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("cannot reach Postgres at {}: {last:?}", server_url());
}

async fn exists(conn: &mut PgConnection, name: &str) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(conn)
        .await
        .expect("query pg_database")
}

/// Creates and migrates the template once, whichever test process gets there first.
async fn ensure_template(conn: &mut PgConnection, template: &str) {
    static READY: AtomicBool = AtomicBool::new(false);
    if READY.load(Ordering::Acquire) {
        return;
    }
    // Tests run as separate processes: a session-level advisory lock serialises them.
    sqlx::query("SELECT pg_advisory_lock(727274)").execute(&mut *conn).await.expect("advisory lock");
    if !exists(conn, template).await {
        let stale: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
            .bind(template_prefix())
            .fetch_all(&mut *conn)
            .await
            .expect("list templates");
        for old in stale {
            let _ = sqlx::query(AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                store::quote_ident(&old)
            )))
            .execute(&mut *conn)
            .await;
        }
        let building = format!("{template}_building");
        let _ = sqlx::query(AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            store::quote_ident(&building)
        )))
        .execute(&mut *conn)
        .await;
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {}", store::quote_ident(&building))))
            .execute(&mut *conn)
            .await
            .expect("create template");
        let url = format!("{}/{building}", server_url());
        let pool = PgPool::connect(&url).await.expect("connect template");
        store::migrate(&pool).await.expect("migrate template");
        pool.close().await;
        // Renamed only once complete, so no test ever copies a half-migrated template.
        sqlx::query(AssertSqlSafe(format!(
            "ALTER DATABASE {} RENAME TO {}",
            store::quote_ident(&building),
            store::quote_ident(template)
        )))
        .execute(&mut *conn)
        .await
        .expect("publish template");
    }
    sqlx::query("SELECT pg_advisory_unlock(727274)").execute(&mut *conn).await.expect("advisory unlock");
    READY.store(true, Ordering::Release);
}

pub struct TestDatabase {
    pub name: String,
    pub url: String,
    /// Whether this value drops the database (false for a second replica's handle).
    owner: bool,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        // reqwest is built without a bundled crypto provider; tests make clients too.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let template = template_name();
        let mut conn = admin().await;
        ensure_template(&mut conn, &template).await;
        let name = format!("shipgate_test_{}", uuid::Uuid::new_v4().simple());
        let sql = format!("CREATE DATABASE {} TEMPLATE {}", store::quote_ident(&name), store::quote_ident(&template));
        let mut attempts = 0;
        loop {
            match sqlx::query(AssertSqlSafe(sql.clone())).execute(&mut conn).await {
                Ok(_) => break,
                // "source database is being accessed by other users": a concurrent copy; retry.
                Err(e) if attempts < 50 => {
                    attempts += 1;
                    if attempts == 50 {
                        panic!("cannot create test database: {e}");
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot create test database: {e}"),
            }
        }
        // A test database need not survive a power cut: commits that do not
        // wait for the WAL flush keep other tests' database copies (tens of
        // MB of WAL each) from stalling this test's writes for seconds.
        let sql = format!("ALTER DATABASE {} SET synchronous_commit = off", store::quote_ident(&name));
        sqlx::query(AssertSqlSafe(sql)).execute(&mut conn).await.expect("tune test database");
        let _ = conn.close().await;
        TestDatabase { url: format!("{}/{name}", server_url()), name, owner: true }
    }

    /// A handle to the same database that does not drop it.
    pub fn share(&self) -> TestDatabase {
        TestDatabase { name: self.name.clone(), url: self.url.clone(), owner: false }
    }

    pub async fn pool(&self) -> PgPool {
        PgPool::connect(&self.url).await.expect("connect test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if !self.owner {
            return;
        }
        let name = self.name.clone();
        // Drop runs inside the test's runtime: use a thread with its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect_with(&admin_options()).await {
                    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", store::quote_ident(&name));
                    let _ = sqlx::query(AssertSqlSafe(sql)).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}
