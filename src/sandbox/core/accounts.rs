//! Carrier accounts known to the sandbox: the demo accounts plus those
//! registered through `POST /_sandbox/accounts`. Every account is identified in
//! counters, rate limits and stored data by its *account key*:
//! My Flying Box login, e-Courier `website/username`, Ecotrack token,
//! Coursier.fr ClientId.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::sandbox::credentials as demo;

#[derive(Default)]
struct Registry {
    mfb: HashMap<String, String>,
    ecourier: HashMap<(String, String), String>,
    ecotrack: HashMap<String, String>,
    coursier: HashMap<u64, (String, String)>,
}

pub struct Accounts {
    registry: RwLock<Registry>,
}

impl Default for Accounts {
    fn default() -> Self {
        let accounts = Accounts { registry: RwLock::new(Registry::default()) };
        accounts.add_mfb(demo::MFB_LOGIN, demo::MFB_PASSWORD);
        accounts.add_ecourier(demo::ECOURIER_WEBSITE, demo::ECOURIER_USERNAME, demo::ECOURIER_PASSWORD);
        accounts.add_ecotrack(demo::ECOTRACK_TOKEN, "Test Shop");
        accounts.add_coursier(demo::COURSIER_CLIENT_ID, demo::COURSIER_USER, demo::COURSIER_APIKEY);
        accounts
    }
}

impl Accounts {
    fn read(&self) -> std::sync::RwLockReadGuard<'_, Registry> {
        self.registry.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Registry> {
        self.registry.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn add_mfb(&self, login: &str, password: &str) -> String {
        self.write().mfb.insert(login.into(), password.into());
        login.into()
    }

    pub fn add_ecourier(&self, website: &str, username: &str, password: &str) -> String {
        self.write().ecourier.insert((website.into(), username.into()), password.into());
        ecourier_key(website, username)
    }

    /// `shop_name` is what Ecotrack shows as `shippedBy` and in notes.
    pub fn add_ecotrack(&self, token: &str, shop_name: &str) -> String {
        self.write().ecotrack.insert(token.into(), shop_name.into());
        token.into()
    }

    pub fn add_coursier(&self, client_id: u64, user: &str, apikey: &str) -> String {
        self.write().coursier.insert(client_id, (user.into(), apikey.into()));
        client_id.to_string()
    }

    pub fn check_mfb(&self, login: &str, password: &str) -> Option<String> {
        (self.read().mfb.get(login).map(String::as_str) == Some(password)).then(|| login.into())
    }

    pub fn check_ecourier(&self, website: &str, username: &str, password: &str) -> Option<String> {
        let registry = self.read();
        let stored = registry.ecourier.get(&(website.into(), username.into()));
        (stored.map(String::as_str) == Some(password)).then(|| ecourier_key(website, username))
    }

    pub fn ecotrack_shop(&self, token: &str) -> Option<String> {
        self.read().ecotrack.get(token).cloned()
    }

    pub fn check_coursier(&self, client_id: u64, user: &str, apikey: &str) -> Option<String> {
        let registry = self.read();
        let (known_user, known_key) = registry.coursier.get(&client_id)?;
        (known_user == user && known_key == apikey).then(|| client_id.to_string())
    }
}

pub fn ecourier_key(website: &str, username: &str) -> String {
    format!("{website}/{username}")
}
