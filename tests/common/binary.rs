//! The real `shipgate` binary as a child process, for tests of what only a
//! process shows: CLI commands, signals, crashes and restarts.

use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_shipgate");
pub const MASTER_KEY: &str = "1111111111111111111111111111111111111111111111111111111111111111";

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port()
}

/// A running `shipgate serve`; killed when dropped.
pub struct ShipgateProcess {
    pub child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl ShipgateProcess {
    /// `shipgate serve [args]` on a free port with a master key; `env` adds or
    /// overrides variables (an empty value removes one).
    pub fn serve(database_url: &str, args: &[&str], env: &[(&str, &str)]) -> ShipgateProcess {
        Self::serve_with_stdout(database_url, args, env, Stdio::null())
    }

    pub fn serve_with_stdout(
        database_url: &str,
        args: &[&str],
        env: &[(&str, &str)],
        stdout: Stdio,
    ) -> ShipgateProcess {
        let port = free_port();
        let mut cmd = Command::new(BIN);
        cmd.arg("serve")
            .args(args)
            .env("DATABASE_URL", database_url)
            .env("SHIPGATE_LISTEN", format!("127.0.0.1:{port}"))
            .env("SHIPGATE_MASTER_KEY", MASTER_KEY)
            .env_remove("SHIPGATE_FAILPOINT")
            .stdout(stdout)
            .stderr(Stdio::null());
        for (k, v) in env {
            if v.is_empty() {
                cmd.env_remove(k);
            } else {
                cmd.env(k, v);
            }
        }
        ShipgateProcess { child: cmd.spawn().expect("start shipgate"), base: format!("http://127.0.0.1:{port}") }
    }

    pub async fn wait_ready(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/readyz", self.base)).send().await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("shipgate did not become ready");
    }

    /// Sends a signal by name (`TERM`, `KILL`...).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status();
        assert!(status.expect("kill runs").success());
    }

    /// Waits for the process to end by itself.
    pub async fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("child status") {
                return status;
            }
            assert!(Instant::now() < deadline, "shipgate did not exit within {within:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for ShipgateProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
