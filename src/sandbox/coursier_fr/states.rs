//! Mission states and their labels in French (default) and English.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissionState {
    NotDispatched,
    Dispatched,
    ApproachingPickup,
    PickedUp,
    ApproachingDelivery,
    Delivered,
    ToBeInvoiced,
    Billed,
    Incident,
    Canceled,
}

impl MissionState {
    pub fn label(self, english: bool) -> &'static str {
        let (fr, en) = match self {
            MissionState::NotDispatched => ("Non dispatchée", "not yet dispatched"),
            MissionState::Dispatched => ("Dispatchée", "Dispatched"),
            MissionState::ApproachingPickup => ("En approche enlèvement", "Approaching pickup"),
            MissionState::PickedUp => ("Enlevée", "Picked up"),
            MissionState::ApproachingDelivery => ("En approche livraison", "Approaching delivery"),
            MissionState::Delivered => ("Livrée", "Delivered"),
            MissionState::ToBeInvoiced => ("A facturer", "To be invoiced"),
            MissionState::Billed => ("Facturée", "Billed"),
            MissionState::Incident => ("Incident", "Incident"),
            MissionState::Canceled => ("Annulée", "Canceled"),
        };
        if english { en } else { fr }
    }
}
