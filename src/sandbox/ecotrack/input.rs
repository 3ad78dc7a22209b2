//! Validation of order fields (create/order, create/orders, update/order).

use serde_json::{Map, Value};

use super::geo::{find_commune, has_stop_desk, wilaya};
use super::params::{Validation, param};
use super::store::OrderFields;
use crate::sandbox::core::fields::flag;

const REQUIRED: [&str; 7] = ["nom_client", "telephone", "adresse", "commune", "code_wilaya", "montant", "type"];

fn phone_ok(phone: &str) -> bool {
    let digits: String = phone.chars().filter(|c| !c.is_whitespace()).collect();
    (9..=10).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
}

fn optional(params: &Map<String, Value>, name: &str, fallback: Option<String>) -> Option<String> {
    if params.contains_key(name) { param(params, name) } else { fallback }
}

/// Reads and checks fields; `base` supplies the current values for an update.
pub fn read(params: &Map<String, Value>, base: Option<&OrderFields>) -> Result<OrderFields, Validation> {
    let mut v = Validation::default();
    let get = |name: &str| param(params, name);
    if base.is_none() {
        for name in REQUIRED {
            if get(name).is_none() {
                v.required(name);
            }
        }
    }
    let code_wilaya = match get("code_wilaya") {
        Some(raw) => match raw.parse::<u32>().ok().filter(|id| wilaya(*id).is_some()) {
            Some(id) => id,
            None => {
                v.add("code_wilaya", "Le champ code wilaya doit être entre 1 et 58.");
                0
            }
        },
        None => base.map(|b| b.code_wilaya).unwrap_or(0),
    };
    let commune_name = get("commune").or_else(|| base.map(|b| b.commune.clone()));
    let mut commune = String::new();
    let mut commune_index = None;
    if let (Some(name), true) = (&commune_name, code_wilaya > 0) {
        match find_commune(code_wilaya, name) {
            Some((index, official)) => {
                commune = official.to_owned();
                commune_index = Some(index);
            }
            None => v.add("commune", format!("La commune {name} n'appartient pas à la wilaya {code_wilaya}.")),
        }
    }
    let telephone = get("telephone").or_else(|| base.map(|b| b.telephone.clone())).unwrap_or_default();
    if !telephone.is_empty() && !phone_ok(&telephone) {
        v.add("telephone", "Le champ telephone doit contenir 9 ou 10 chiffres.");
    }
    let telephone_2 = optional(params, "telephone_2", base.and_then(|b| b.telephone_2.clone()));
    if telephone_2.as_deref().is_some_and(|p| !phone_ok(p)) {
        v.add("telephone_2", "Le champ telephone 2 doit contenir 9 ou 10 chiffres.");
    }
    let montant = match get("montant") {
        Some(raw) => raw.parse::<f64>().ok().filter(|m| (0.0..=1e9).contains(m)).unwrap_or_else(|| {
            v.add("montant", "Le champ montant doit être un nombre.");
            0.0
        }),
        None => base.map(|b| b.montant).unwrap_or(0.0),
    };
    let kind = match get("type") {
        Some(raw) => raw.parse::<u8>().ok().filter(|t| (1..=4).contains(t)).unwrap_or_else(|| {
            v.add("type", "Le champ type sélectionné est invalide.");
            1
        }),
        None => base.map(|b| b.kind).unwrap_or(1),
    };
    let mut read_flag = |name: &str, current: bool| match flag(params.get(name)) {
        Ok(value) => value.unwrap_or(current),
        Err(_) => {
            v.add(name, format!("Le champ {} doit être 0 ou 1.", name.replace('_', " ")));
            current
        }
    };
    let stop_desk = read_flag("stop_desk", base.is_some_and(|b| b.stop_desk));
    let fragile = read_flag("fragile", base.is_some_and(|b| b.fragile));
    if stop_desk && commune_index.is_some_and(|i| !has_stop_desk(code_wilaya, i)) {
        v.add("stop_desk", format!("Pas de stop desk dans la commune {commune}."));
    }
    let remarque = optional(params, "remarque", base.and_then(|b| b.remarque.clone()));
    if remarque.as_deref().is_some_and(|r| r.chars().count() > 255) {
        v.add("remarque", "Le champ remarque ne peut pas dépasser 255 caractères.");
    }
    let weight = match get("weight") {
        Some(raw) => match raw.parse::<f64>() {
            Ok(w) if w >= 0.0 => Some(w),
            _ => {
                v.add("weight", "Le champ weight doit être un nombre.");
                None
            }
        },
        None => base.and_then(|b| b.weight),
    };
    if !v.is_empty() {
        return Err(v);
    }
    let text = |name: &str, current: Option<&String>| get(name).or_else(|| current.cloned()).unwrap_or_default();
    Ok(OrderFields {
        reference: optional(params, "reference", base.and_then(|b| b.reference.clone())),
        nom_client: text("nom_client", base.map(|b| &b.nom_client)),
        telephone,
        telephone_2,
        adresse: text("adresse", base.map(|b| &b.adresse)),
        commune,
        code_wilaya,
        montant,
        remarque,
        produit: optional(params, "produit", base.and_then(|b| b.produit.clone())),
        kind,
        stop_desk,
        fragile,
        weight,
    })
}
