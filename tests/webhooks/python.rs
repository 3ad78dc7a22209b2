//! Runs `verify_receiver.py`: a Standard Webhooks receiver written against
//! the spec with Python's standard library only, so signatures are checked by
//! an implementation that shares no code with ours.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhooks/verify_receiver.py");

pub struct PyReceiver {
    pub url: String,
    child: Child,
    secrets_file: PathBuf,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl PyReceiver {
    pub fn start() -> PyReceiver {
        let secrets_file = std::env::temp_dir().join(format!("shipgate-webhook-secrets-{}", uuid::Uuid::new_v4()));
        std::fs::write(&secrets_file, "").unwrap();
        let mut child = Command::new("python3")
            .arg(SCRIPT)
            .arg(&secrets_file)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs the verifying receiver");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let port = first.trim().strip_prefix("PORT ").unwrap_or_else(|| panic!("receiver said {first:?}")).to_owned();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let value: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
                sink.lock().unwrap().push(value);
            }
        });
        PyReceiver { url: format!("http://127.0.0.1:{port}/hook"), child, secrets_file, lines }
    }

    /// The secrets the receiver accepts from now on.
    pub fn set_secrets(&self, secrets: &[&str]) {
        std::fs::write(&self.secrets_file, secrets.join("\n")).unwrap();
    }

    pub fn received(&self) -> Vec<Value> {
        self.lines.lock().unwrap().clone()
    }

    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Value> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(Instant::now() < deadline, "expected {n} requests at the Python receiver, got {got:?}");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for PyReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.secrets_file);
    }
}
