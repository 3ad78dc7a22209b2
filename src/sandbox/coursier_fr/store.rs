#[derive(Default)] pub struct CoursierStore; impl CoursierStore { pub fn seeded() -> Self { CoursierStore } }
