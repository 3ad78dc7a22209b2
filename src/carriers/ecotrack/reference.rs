//! Ecotrack reference data (communes with their stop-desk flag, delivery
//! fees), read through the account's cache, and tolerant matching of commune
//! names (accents, case and spacing vary between merchants and the API).

use std::time::Duration;

use serde::de::DeserializeOwned;

use super::Ecotrack;
use super::wire_reference::{Commune, Fees};
use crate::carriers::http::Safety;
use crate::carriers::{CallCtx, CarrierError};
use crate::domain::CarrierKind;
use crate::domain::location::{Location, LocationAddress, LocationKind};

const KIND: CarrierKind = CarrierKind::Ecotrack;
/// Communes and fees change rarely: a day-old copy is good enough.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 3600);

impl Ecotrack {
    async fn cached<T: DeserializeOwned + serde::Serialize>(
        &self,
        ctx: &CallCtx,
        kind: &'static str,
        path: &str,
    ) -> Result<T, CarrierError> {
        let cache = &self.client.reference_cache;
        if let Some(value) = cache.get(ctx.account, kind, MAX_AGE).await {
            match serde_json::from_value(value) {
                Ok(parsed) => return Ok(parsed),
                Err(e) => tracing::warn!(error = %e, kind, "cached Ecotrack reference data unreadable; refetching"),
            }
        }
        let response = self.client.get(ctx, "reference_data", path, &[], Safety::Safe).await?;
        let parsed: T = serde_json::from_slice(&response.body).map_err(|e| {
            CarrierError::bad_response(KIND, format!("unreadable {kind} ({e}): {}", response.snippet()))
        })?;
        match serde_json::to_value(&parsed) {
            Ok(value) => cache.put(ctx.account, kind, &value).await,
            Err(e) => tracing::warn!(error = %e, "cannot cache Ecotrack reference data"),
        }
        Ok(parsed)
    }

    /// Every commune of every wilaya, with its stop-desk flag.
    pub async fn communes(&self, ctx: &CallCtx) -> Result<Vec<Commune>, CarrierError> {
        self.cached(ctx, "communes", "get/communes").await
    }

    pub async fn fees(&self, ctx: &CallCtx) -> Result<Fees, CarrierError> {
        self.cached(ctx, "fees", "get/fees").await
    }
}

/// Lower case, accents removed, spaces and dashes collapsed.
pub fn fold(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'í' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            '’' | '`' => '\'',
            '-' | '_' => ' ',
            other => other.to_ascii_lowercase(),
        })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The wilaya code 1–58 from an address `state` ("16", "016").
pub fn wilaya_of(state: Option<&str>) -> Option<u8> {
    state?.trim().parse::<u8>().ok().filter(|w| (1..=58).contains(w))
}

fn wilaya_matches(c: &Commune, wilaya: u8) -> bool {
    c.wilaya_id.trim().parse::<u8>().ok() == Some(wilaya)
}

pub fn find_commune<'a>(communes: &'a [Commune], wilaya: u8, name: &str) -> Option<&'a Commune> {
    let wanted = fold(name);
    communes.iter().find(|c| wilaya_matches(c, wilaya) && fold(&c.nom) == wanted)
}

/// The names of a wilaya's communes, for an error message that helps.
pub fn commune_names(communes: &[Commune], wilaya: u8) -> String {
    let names: Vec<&str> = communes.iter().filter(|c| wilaya_matches(c, wilaya)).map(|c| c.nom.as_str()).collect();
    names.join(", ")
}

/// A stop desk's location id: `{wilaya}-{commune folded, dashed}`, e.g. `16-alger-centre`.
pub fn desk_id(c: &Commune) -> String {
    format!("{}-{}", c.wilaya_id.trim(), fold(&c.nom).replace(' ', "-"))
}

pub fn find_desk<'a>(communes: &'a [Commune], id: &str) -> Option<&'a Commune> {
    communes.iter().find(|c| c.has_stop_desk && desk_id(c) == id.trim().to_ascii_lowercase())
}

pub fn desk_location(c: &Commune) -> Location {
    Location {
        id: desk_id(c),
        carrier: KIND,
        kind: LocationKind::StopDesk,
        name: format!("Stop desk {}", c.nom),
        address: LocationAddress {
            street: None,
            postal_code: c.code_postal.clone(),
            city: Some(c.nom.clone()),
            state: Some(c.wilaya_id.trim().to_owned()),
            country: Some("DZ".into()),
        },
        coordinates: None,
        opening_hours: Vec::new(),
        phone: None,
        map_link: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(nom: &str, wilaya: &str, desk: bool) -> Commune {
        Commune { nom: nom.into(), wilaya_id: wilaya.into(), code_postal: None, has_stop_desk: desk }
    }

    #[test]
    fn tolerant_matching() {
        let list = vec![commune("Chéraga", "16", false), commune("Alger Centre", "16", true)];
        assert_eq!(find_commune(&list, 16, "cheraga").unwrap().nom, "Chéraga");
        assert_eq!(find_commune(&list, 16, " ALGER   centre ").unwrap().nom, "Alger Centre");
        assert!(find_commune(&list, 9, "Chéraga").is_none());
        assert_eq!(desk_id(&list[1]), "16-alger-centre");
        assert!(find_desk(&list, "16-alger-centre").is_some());
        assert!(find_desk(&list, "16-cheraga").is_none());
        assert_eq!(wilaya_of(Some("016")), Some(16));
        assert_eq!(wilaya_of(Some("59")), None);
    }
}
