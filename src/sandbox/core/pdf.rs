//! Minimal but valid PDF documents (labels): one page per entry, Helvetica text.

fn escape(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii() && !c.is_ascii_control() { c } else { '?' })
        .flat_map(|c| match c {
            '(' | ')' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect()
}

/// Builds a PDF with one 4x6 inch page per item of `pages`, each a list of lines.
pub fn text_pdf(pages: &[Vec<String>]) -> Vec<u8> {
    let page_count = pages.len().max(1);
    let empty = vec![];
    // Objects: 1 catalog, 2 pages, 3 font, then (page, contents) pairs.
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".into(),
        String::new(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into(),
    ];
    let mut kids = Vec::new();
    for index in 0..page_count {
        let lines = pages.get(index).unwrap_or(&empty);
        let page_id = 4 + index * 2;
        kids.push(format!("{page_id} 0 R"));
        let mut content = String::from("BT /F1 12 Tf 16 TL 20 400 Td\n");
        for line in lines {
            content.push_str(&format!("({}) Tj T*\n", escape(line)));
        }
        content.push_str("ET");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] /Contents {} 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
            page_id + 1
        ));
        objects.push(format!("<< /Length {} >>\nstream\n{}\nendstream", content.len(), content));
    }
    objects[1] = format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), page_count);
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{}\nendobj\n", i + 1, body).as_bytes());
    }
    let xref_at = out.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        xref.push_str(&format!("{offset:010} 00000 n \n"));
    }
    out.extend_from_slice(xref.as_bytes());
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n", objects.len() + 1, xref_at).as_bytes(),
    );
    out
}
