//! The page's words in French and English.

use super::language::Lang;
use crate::domain::tracking::TrackingStatus;

pub struct Words {
    pub title: &'static str,
    pub parcel: &'static str,
    pub from: &'static str,
    pub expected: &'static str,
    pub between: &'static str,
    pub and: &'static str,
    pub timeline: &'static str,
    pub no_events: &'static str,
    pub relay_title: &'static str,
    pub opening_hours: &'static str,
    pub proof_title: &'static str,
    pub signed_by: &'static str,
    pub delivered_at: &'static str,
    pub cash_title: &'static str,
    pub cash_due: &'static str,
    pub cash_paid: &'static str,
    pub courier: &'static str,
    pub phone: &'static str,
    pub updated: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub too_many_title: &'static str,
    pub too_many_text: &'static str,
    pub unavailable_title: &'static str,
    pub unavailable_text: &'static str,
    pub earlier_events: &'static str,
    pub days: [&'static str; 7],
    pub times_in: &'static str,
}

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Fr => &FR,
    }
}

/// The status in plain words: a headline and one sentence.
pub fn status_words(lang: Lang, status: TrackingStatus) -> (&'static str, &'static str) {
    use TrackingStatus::*;
    match (lang, status) {
        (Lang::En, PreTransit) => {
            ("Label created", "The sender has prepared your parcel; the carrier has not collected it yet.")
        }
        (Lang::En, PickedUp) => ("Picked up", "The carrier has collected your parcel."),
        (Lang::En, InTransit) => ("On its way", "Your parcel is travelling through the carrier's network."),
        (Lang::En, OutForDelivery) => ("Out for delivery", "Your parcel is with the driver and should arrive today."),
        (Lang::En, AvailableForPickup) => {
            ("Ready for collection", "Your parcel is waiting for you at the pickup point below.")
        }
        (Lang::En, DeliveryFailed) => {
            ("Delivery attempt failed", "The carrier could not deliver your parcel; it will try again or contact you.")
        }
        (Lang::En, Delivered) => ("Delivered", "Your parcel has been delivered."),
        (Lang::En, OnHold) => ("On hold", "Your parcel is held by the carrier; the sender has been told."),
        (Lang::En, Returning) => ("Returning to sender", "Your parcel is on its way back to the sender."),
        (Lang::En, Returned) => ("Returned to sender", "Your parcel is back with the sender."),
        (Lang::En, Cancelled) => ("Cancelled", "This shipment was cancelled."),
        (Lang::En, Unknown) => ("Awaiting news", "We are waiting for the carrier's first news about your parcel."),
        (Lang::Fr, PreTransit) => (
            "Étiquette créée",
            "L'expéditeur a préparé votre colis ; le transporteur ne l'a pas encore pris en charge.",
        ),
        (Lang::Fr, PickedUp) => ("Pris en charge", "Le transporteur a récupéré votre colis."),
        (Lang::Fr, InTransit) => ("En chemin", "Votre colis circule dans le réseau du transporteur."),
        (Lang::Fr, OutForDelivery) => {
            ("En cours de livraison", "Votre colis est avec le livreur et devrait arriver aujourd'hui.")
        }
        (Lang::Fr, AvailableForPickup) => {
            ("Disponible au retrait", "Votre colis vous attend au point de retrait ci-dessous.")
        }
        (Lang::Fr, DeliveryFailed) => {
            ("Échec de livraison", "Le transporteur n'a pas pu livrer votre colis ; il va réessayer ou vous contacter.")
        }
        (Lang::Fr, Delivered) => ("Livré", "Votre colis a été livré."),
        (Lang::Fr, OnHold) => ("En attente", "Votre colis est retenu par le transporteur ; l'expéditeur est prévenu."),
        (Lang::Fr, Returning) => ("Retour à l'expéditeur", "Votre colis repart vers l'expéditeur."),
        (Lang::Fr, Returned) => ("Retourné à l'expéditeur", "Votre colis est revenu chez l'expéditeur."),
        (Lang::Fr, Cancelled) => ("Annulé", "Cet envoi a été annulé."),
        (Lang::Fr, Unknown) => ("En attente d'informations", "Nous attendons les premières nouvelles du transporteur."),
    }
}

static EN: Words = Words {
    title: "Parcel tracking",
    parcel: "Parcel",
    from: "From",
    expected: "Expected delivery",
    between: "between",
    and: "and",
    timeline: "History",
    no_events: "No news from the carrier yet.",
    relay_title: "Pickup point",
    opening_hours: "Opening hours",
    proof_title: "Proof of delivery",
    signed_by: "Signed by",
    delivered_at: "Delivered on",
    cash_title: "Cash on delivery",
    cash_due: "To pay on delivery",
    cash_paid: "Paid",
    courier: "Courier",
    phone: "Phone",
    updated: "Last checked",
    not_found_title: "Tracking link not found",
    not_found_text: "This tracking link does not exist or is no longer active. Please check the link in your email or contact the sender.",
    too_many_title: "Please wait a moment",
    too_many_text: "This page was opened too often in a short time. Please try again in a minute.",
    unavailable_title: "Tracking is briefly unavailable",
    unavailable_text: "We cannot show your parcel's news right now. Please try again in a few minutes.",
    earlier_events: "earlier events not shown",
    days: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    times_in: "Times in UTC",
};

static FR: Words = Words {
    title: "Suivi de colis",
    parcel: "Colis",
    from: "Expéditeur",
    expected: "Livraison prévue",
    between: "entre",
    and: "et",
    timeline: "Historique",
    no_events: "Pas encore de nouvelles du transporteur.",
    relay_title: "Point de retrait",
    opening_hours: "Horaires d'ouverture",
    proof_title: "Preuve de livraison",
    signed_by: "Signé par",
    delivered_at: "Livré le",
    cash_title: "Paiement à la livraison",
    cash_due: "À payer à la livraison",
    cash_paid: "Payé",
    courier: "Livreur",
    phone: "Téléphone",
    updated: "Dernière vérification",
    not_found_title: "Lien de suivi introuvable",
    not_found_text: "Ce lien de suivi n'existe pas ou n'est plus actif. Vérifiez le lien reçu par e-mail ou contactez l'expéditeur.",
    too_many_title: "Merci de patienter",
    too_many_text: "Cette page a été ouverte trop souvent en peu de temps. Réessayez dans une minute.",
    unavailable_title: "Suivi momentanément indisponible",
    unavailable_text: "Nous ne pouvons pas afficher les nouvelles de votre colis pour le moment. Réessayez dans quelques minutes.",
    earlier_events: "événements plus anciens non affichés",
    days: ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"],
    times_in: "Heures en UTC",
};
