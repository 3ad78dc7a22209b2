#[derive(Default)] pub struct EcourierStore;
