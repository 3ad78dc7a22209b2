//! The built-in demo account of each carrier.

pub const MFB_LOGIN: &str = "sandbox";
pub const MFB_PASSWORD: &str = "sandbox-mfb-password";
pub const ECOURIER_WEBSITE: &str = "example";
pub const ECOURIER_USERNAME: &str = "sandbox";
pub const ECOURIER_PASSWORD: &str = "sandbox-ecourier-password";
pub const ECOTRACK_TOKEN: &str = "sandbox-ecotrack-token";
/// The test account published in the Coursier.fr document.
pub const COURSIER_USER: &str = "test@apicfr.fr";
pub const COURSIER_APIKEY: &str = "e1ab1411d66765e73cf4b068d39cda8a";
pub const COURSIER_CLIENT_ID: u64 = 7055339;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MyFlyingBoxCredentials {
    pub login: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcourierCredentials {
    pub website: String,
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EcotrackCredentials {
    pub token: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoursierFrCredentials {
    pub user: String,
    pub apikey: String,
    pub client_id: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoCredentials {
    pub myflyingbox: MyFlyingBoxCredentials,
    pub ecourier: EcourierCredentials,
    pub ecotrack: EcotrackCredentials,
    pub coursier_fr: CoursierFrCredentials,
}

pub fn demo_credentials() -> DemoCredentials {
    DemoCredentials {
        myflyingbox: MyFlyingBoxCredentials { login: MFB_LOGIN.into(), password: MFB_PASSWORD.into() },
        ecourier: EcourierCredentials {
            website: ECOURIER_WEBSITE.into(),
            username: ECOURIER_USERNAME.into(),
            password: ECOURIER_PASSWORD.into(),
        },
        ecotrack: EcotrackCredentials { token: ECOTRACK_TOKEN.into() },
        coursier_fr: CoursierFrCredentials {
            user: COURSIER_USER.into(),
            apikey: COURSIER_APIKEY.into(),
            client_id: COURSIER_CLIENT_ID,
        },
    }
}
