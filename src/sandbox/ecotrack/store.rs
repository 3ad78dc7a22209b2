#[derive(Default)] pub struct EcotrackStore;
