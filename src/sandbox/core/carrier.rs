//! The four simulated carriers, by their admin-API names.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    Myflyingbox,
    Ecourier,
    Ecotrack,
    CoursierFr,
}

impl Carrier {
    pub const ALL: [Carrier; 4] = [Carrier::Myflyingbox, Carrier::Ecourier, Carrier::Ecotrack, Carrier::CoursierFr];

    pub fn name(self) -> &'static str {
        match self {
            Carrier::Myflyingbox => "myflyingbox",
            Carrier::Ecourier => "ecourier",
            Carrier::Ecotrack => "ecotrack",
            Carrier::CoursierFr => "coursier_fr",
        }
    }

    pub fn parse(name: &str) -> Option<Carrier> {
        Carrier::ALL.into_iter().find(|c| c.name() == name)
    }
}
