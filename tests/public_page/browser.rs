//! Headless Chromium against `shipgate serve --sandbox` (the real binary).

use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::common::binary::{ShipgateProcess, free_port};
use crate::common::db::TestDatabase;

const CHROMIUM: &str = "chromium";

/// The page's DOM after Chromium rendered it.
fn dump_dom(url: &str) -> String {
    let out = Command::new(CHROMIUM)
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--dump-dom", url])
        .stderr(Stdio::null())
        .output()
        .expect("Debian's chromium is installed (.ci/run installs it)");
    assert!(out.status.success(), "chromium failed on {url}");
    String::from_utf8(out.stdout).unwrap()
}

/// A phone-sized screenshot under target/ for people to look at.
fn screenshot(url: &str, name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    let status = Command::new(CHROMIUM)
        .args(["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars"])
        .arg(format!("--screenshot={}", path.display()))
        .args(["--window-size=412,1400", url])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("chromium runs");
    assert!(status.success());
    let size = std::fs::metadata(&path).expect("a screenshot").len();
    assert!(size > 10_000, "a real picture, not an empty one: {size} bytes");
    path
}

struct Api {
    base: String,
    key: String,
    client: reqwest::Client,
}

impl Api {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.client.request(method, format!("{}{path}", self.base)).bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.unwrap_or(Value::Null)
    }
}

#[tokio::test]
async fn a_recipient_follows_a_sandbox_parcel_in_french_and_english() {
    let db = TestDatabase::create().await;
    let sandbox_port = free_port();
    let sandbox = format!("127.0.0.1:{sandbox_port}");
    let env = [("SHIPGATE_SANDBOX_LISTEN", sandbox.as_str()), ("SHIPGATE_MASTER_KEY", "")];
    let mut server = ShipgateProcess::serve_with_stdout(&db.url, &["--sandbox"], &env, Stdio::piped());
    server.wait_ready().await;
    let stdout = server.child.stdout.take().unwrap();
    let key = tokio::task::spawn_blocking(move || {
        use std::io::{BufRead, BufReader};
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|l| l.trim().strip_prefix("API key").map(|k| k.trim().to_owned()))
    })
    .await
    .unwrap()
    .expect("the demo key is printed");
    let api = Api { base: server.base.clone(), key, client: reqwest::Client::new() };
    let sandbox_admin = format!("http://{sandbox}/_sandbox");

    api.call(
        reqwest::Method::PUT,
        "/v1/settings/public-page",
        Some(json!({"merchant_name": "Boutique Alger", "accent_color": "#0a7d5a"})),
    )
    .await;
    let accounts = api.call(reqwest::Method::GET, "/v1/carrier-accounts?carrier=ecotrack", None).await;
    let account = accounts["data"][0]["id"].as_str().unwrap().to_owned();
    let shipment = api
        .call(
            reqwest::Method::POST,
            "/v1/shipments",
            Some(json!({"carrier_account": account, "service": "home",
                "shipper": {"name": "Boutique Alger", "street": "Rue Larbi Ben M'hidi", "city": "Alger Centre", "state": "16", "country": "DZ", "phone": "0550000001"},
                "recipient": {"name": "Karim B.", "street": "12 rue Didouche Mourad", "city": "Hydra", "state": "16", "country": "DZ", "phone": "0661234567"},
                "parcels": [{"weight": "1", "length": 20, "width": 15, "height": 10, "description": "Chaussures"}],
                "reference": "WEB-77-sbx-cod", "options": {"cash_on_delivery": {"amount": "2500.00", "currency": "DZD"}}})),
        )
        .await;
    let sid = shipment["id"].as_str().unwrap().to_owned();
    api.call(reqwest::Method::POST, &format!("/v1/shipments/{sid}/ship"), Some(json!({}))).await;
    let trackers = api.call(reqwest::Method::GET, &format!("/v1/trackers?shipment_id={sid}"), None).await;
    let tracker = &trackers["data"][0];
    let id = tracker["id"].as_str().unwrap().to_owned();
    let public = tracker["public_url"].as_str().unwrap();
    let token = public.rsplit_once("/t/").expect("a /t/ link").1;
    assert!(token.len() >= 32 && !public.contains(&id), "a random token, not the tracker id: {public}");
    // The configured public URL is for emails; the test server listens elsewhere.
    let url = format!("{}/t/{token}", server.base);

    let advance = |seconds: u64| {
        let (client, admin) = (api.client.clone(), sandbox_admin.clone());
        async move {
            let r = client.post(format!("{admin}/clock/advance")).json(&json!({"seconds": seconds})).send().await;
            assert!(r.unwrap().status().is_success());
        }
    };
    // With the driver: out for delivery, cash to pay.
    advance(1600 * 60).await;
    api.call(reqwest::Method::GET, &format!("/v1/trackers/{id}?refresh=true"), None).await;
    let en = dump_dom(&format!("{url}?lang=en"));
    assert!(en.contains(r#"<html lang="en">"#), "{en}");
    assert!(en.contains("Out for delivery"), "{en}");
    assert!(
        en.contains("Picked up") && en.contains("On its way") && en.contains("Label created"),
        "the timeline: {en}"
    );
    assert!(en.contains("To pay on delivery") && en.contains("2500.00 DZD"), "{en}");
    assert!(en.contains("Boutique Alger"));
    let fr = dump_dom(&format!("{url}?lang=fr"));
    assert!(fr.contains(r#"<html lang="fr">"#));
    assert!(fr.contains("En cours de livraison") && fr.contains("Pris en charge") && fr.contains("Historique"), "{fr}");
    assert!(fr.contains("À payer à la livraison"), "{fr}");
    screenshot(&format!("{url}?lang=fr"), "public-page-fr-out-for-delivery.png");

    // Delivered.
    advance(300 * 60).await;
    api.call(reqwest::Method::GET, &format!("/v1/trackers/{id}?refresh=true"), None).await;
    let en = dump_dom(&format!("{url}?lang=en"));
    assert!(en.contains("<h1 id=\"status\">Delivered</h1>"), "{en}");
    assert!(en.contains("Proof of delivery") && en.contains("Delivered on"), "{en}");
    let fr = dump_dom(&format!("{url}?lang=fr"));
    assert!(fr.contains("<h1 id=\"status\">Livré</h1>") && fr.contains("Preuve de livraison"), "{fr}");
    screenshot(&format!("{url}?lang=en"), "public-page-en-delivered.png");
    screenshot(&format!("{url}?lang=fr"), "public-page-fr-delivered.png");
}
