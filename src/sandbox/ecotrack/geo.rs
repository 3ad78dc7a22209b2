//! Algeria's 58 wilayas, a handful of communes each (the first ones have a
//! stop desk) and delivery fees per wilaya.

pub const WILAYAS: [(u32, &str, &[&str]); 58] = [
    (1, "Adrar", &["Adrar", "Reggane", "Tsabit", "Zaouiet Kounta"]),
    (2, "Chlef", &["Chlef", "Ténès", "Oued Fodda", "Boukadir"]),
    (3, "Laghouat", &["Laghouat", "Aflou", "Ksar El Hirane"]),
    (4, "Oum El Bouaghi", &["Oum El Bouaghi", "Aïn Beïda", "Aïn M'lila"]),
    (5, "Batna", &["Batna", "Barika", "Arris", "Merouana"]),
    (6, "Béjaïa", &["Béjaïa", "Akbou", "Amizour", "El Kseur"]),
    (7, "Biskra", &["Biskra", "Tolga", "Sidi Okba"]),
    (8, "Béchar", &["Béchar", "Kenadsa", "Abadla"]),
    (9, "Blida", &["Blida", "Boufarik", "Larbaâ", "Mouzaïa"]),
    (10, "Bouira", &["Bouira", "Lakhdaria", "Sour El Ghozlane"]),
    (11, "Tamanrasset", &["Tamanrasset", "Abalessa"]),
    (12, "Tébessa", &["Tébessa", "Bir El Ater", "Chéria"]),
    (13, "Tlemcen", &["Tlemcen", "Maghnia", "Ghazaouet", "Remchi"]),
    (14, "Tiaret", &["Tiaret", "Sougueur", "Frenda"]),
    (15, "Tizi Ouzou", &["Tizi Ouzou", "Azazga", "Draâ Ben Khedda", "Larbaâ Nath Irathen"]),
    (16, "Alger", &["Alger Centre", "Bab El Oued", "Hydra", "Ain Taya", "Bab Ezzouar", "Chéraga", "Kouba"]),
    (17, "Djelfa", &["Djelfa", "Aïn Oussera", "Messaad"]),
    (18, "Jijel", &["Jijel", "Taher", "El Milia"]),
    (19, "Sétif", &["Sétif", "El Eulma", "Aïn Arnat", "Aïn Oulmene"]),
    (20, "Saïda", &["Saïda", "Aïn El Hadjar"]),
    (21, "Skikda", &["Skikda", "Collo", "Azzaba"]),
    (22, "Sidi Bel Abbès", &["Sidi Bel Abbès", "Telagh", "Sfisef"]),
    (23, "Annaba", &["Annaba", "El Bouni", "El Hadjar", "Berrahal"]),
    (24, "Guelma", &["Guelma", "Oued Zenati", "Héliopolis"]),
    (25, "Constantine", &["Constantine", "El Khroub", "Hamma Bouziane", "Aïn Smara"]),
    (26, "Médéa", &["Médéa", "Berrouaghia", "Ksar El Boukhari"]),
    (27, "Mostaganem", &["Mostaganem", "Aïn Tédelès", "Hassi Mameche"]),
    (28, "M'Sila", &["M'Sila", "Bou Saâda", "Sidi Aïssa"]),
    (29, "Mascara", &["Mascara", "Sig", "Mohammadia", "Tighennif"]),
    (30, "Ouargla", &["Ouargla", "Hassi Messaoud", "Rouissat"]),
    (31, "Oran", &["Oran", "Bir El Djir", "Es Sénia", "Arzew", "Aïn El Turck"]),
    (32, "El Bayadh", &["El Bayadh", "Bougtob", "Brezina"]),
    (33, "Illizi", &["Illizi", "In Amenas"]),
    (34, "Bordj Bou Arréridj", &["Bordj Bou Arréridj", "Ras El Oued", "Medjana"]),
    (35, "Boumerdès", &["Boumerdès", "Bordj Menaïel", "Dellys", "Boudouaou"]),
    (36, "El Tarf", &["El Tarf", "El Kala", "Ben M'Hidi"]),
    (37, "Tindouf", &["Tindouf", "Oum El Assel"]),
    (38, "Tissemsilt", &["Tissemsilt", "Theniet El Had", "Bordj Bounaama"]),
    (39, "El Oued", &["El Oued", "Guemar", "Debila"]),
    (40, "Khenchela", &["Khenchela", "Kaïs", "Chechar"]),
    (41, "Souk Ahras", &["Souk Ahras", "Sedrata", "M'Daourouch"]),
    (42, "Tipaza", &["Tipaza", "Koléa", "Cherchell", "Hadjout"]),
    (43, "Mila", &["Mila", "Chelghoum Laïd", "Ferdjioua"]),
    (44, "Aïn Defla", &["Aïn Defla", "Khemis Miliana", "Miliana"]),
    (45, "Naâma", &["Naâma", "Mécheria", "Aïn Sefra"]),
    (46, "Aïn Témouchent", &["Aïn Témouchent", "Beni Saf", "Hammam Bou Hadjar"]),
    (47, "Ghardaïa", &["Ghardaïa", "Metlili", "Berriane"]),
    (48, "Relizane", &["Relizane", "Oued Rhiou", "Mazouna"]),
    (49, "Timimoun", &["Timimoun", "Aougrout"]),
    (50, "Bordj Badji Mokhtar", &["Bordj Badji Mokhtar", "Timiaouine"]),
    (51, "Ouled Djellal", &["Ouled Djellal", "Sidi Khaled"]),
    (52, "Béni Abbès", &["Béni Abbès", "Kerzaz", "Igli"]),
    (53, "In Salah", &["In Salah", "In Ghar"]),
    (54, "In Guezzam", &["In Guezzam", "Tin Zaouatine"]),
    (55, "Touggourt", &["Touggourt", "Témacine", "Megarine"]),
    (56, "Djanet", &["Djanet", "Bordj El Haouès"]),
    (57, "El M'Ghair", &["El M'Ghair", "Djamaa", "Sidi Khellil"]),
    (58, "El Meniaa", &["El Meniaa", "Hassi Gara"]),
];

pub fn wilaya(id: u32) -> Option<&'static (u32, &'static str, &'static [&'static str])> {
    WILAYAS.iter().find(|w| w.0 == id)
}

/// Stop desks: the first commune of each wilaya, and the first three in Alger and Oran.
pub fn has_stop_desk(wilaya_id: u32, index: usize) -> bool {
    index == 0 || (matches!(wilaya_id, 16 | 31) && index < 3)
}

/// Lower case without accents or punctuation differences, for tolerant matching.
pub fn fold(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' => 'o',
            'ù' | 'û' | 'ü' | 'Û' => 'u',
            'ç' | 'Ç' => 'c',
            '’' => '\'',
            other => other.to_ascii_lowercase(),
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The commune's official spelling and index, if it belongs to the wilaya.
pub fn find_commune(wilaya_id: u32, name: &str) -> Option<(usize, &'static str)> {
    let wanted = fold(name);
    wilaya(wilaya_id)?.2.iter().enumerate().find(|(_, c)| fold(c) == wanted).map(|(i, c)| (i, *c))
}

pub fn postal_code(wilaya_id: u32, index: usize) -> String {
    format!("{:02}{:03}", wilaya_id, index + 1)
}

/// (home delivery, stop desk) fees in DZD.
pub fn fees(wilaya_id: u32) -> (u32, u32) {
    match wilaya_id {
        16 => (400, 300),
        9 | 35 | 42 => (500, 350),
        1 | 11 | 33 | 37 | 49 | 50 | 52 | 53 | 54 | 56 | 58 => (1400, 900),
        8 | 30 | 32 | 39 | 45 | 47 | 55 | 57 => (1000, 700),
        3 | 5 | 7 | 12 | 14 | 17 | 20 | 28 | 40 | 51 => (750, 500),
        _ => (600, 400),
    }
}
