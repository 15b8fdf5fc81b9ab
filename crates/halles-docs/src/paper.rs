//! Printable sheets of paper food coupons (PDF), laid out like card sheets: business-card-sized
//! coupons two across and five down on Letter pages, with cut lines. Each coupon shows the
//! program name, a QR code of its random value, what it is worth, its product group, its
//! serial grouped by four digits and its last valid day.

use qrcode::{EcLevel, QrCode};

use crate::cards::{
    CARD_W, COL_W, COL_X, CardSheetError, PAD, QR_SIDE, QR_X, QR_Y, sheet_pdf, wrap,
};
use crate::draw::draw_qr;

/// One coupon to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponPrint {
    /// The serial: exactly 14 ASCII digits, printed grouped by 4 ("1234 5678 9012 34").
    pub serial: String,
    /// The text encoded in the QR code (short: under about 80 bytes).
    pub qr_value: String,
}

/// Printed texts, already translated and formatted by the caller; a batch's coupons share them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CouponSheetText {
    /// Program name, printed at the top of each coupon.
    pub program: String,
    /// Document title, printed at the top of each page and stored as the PDF title.
    pub title: String,
    /// What each coupon is worth, e.g. "10,00 $".
    pub value: String,
    /// The product group it pays for.
    pub group: String,
    /// Its last valid day, e.g. "Valide jusqu'au 31 octobre 2026".
    pub expiry: String,
}

/// Renders a PDF sheet of `coupons`, ten per Letter page. A serial that is not 14 digits is
/// refused as [`CardSheetError::InvalidNumber`]; a QR value too long as [`CardSheetError::Qr`].
pub fn coupon_sheet(
    coupons: &[CouponPrint],
    text: &CouponSheetText,
) -> Result<Vec<u8>, CardSheetError> {
    let mut prepared = Vec::with_capacity(coupons.len());
    for (index, c) in coupons.iter().enumerate() {
        let serial = group_serial(&c.serial).ok_or_else(|| CardSheetError::InvalidNumber {
            index,
            number: c.serial.clone(),
        })?;
        let qr = QrCode::with_error_correction_level(c.qr_value.as_bytes(), EcLevel::M)
            .map_err(|source| CardSheetError::Qr { index, source })?;
        prepared.push((serial, qr));
    }
    sheet_pdf(&text.title, prepared.len(), |surface, fonts, i, x, y| {
        let (serial, qr) = &prepared[i];
        let program_size = fonts.bold.fit(&text.program, 12.0, 6.0, CARD_W - 2.0 * PAD);
        fonts
            .bold
            .draw(surface, x + PAD, y + 21.0, program_size, &text.program);
        draw_qr(surface, qr, x + QR_X, y + QR_Y, QR_SIDE);
        let col = x + COL_X;
        let value_size = fonts.bold.fit(&text.value, 18.0, 8.0, COL_W);
        fonts
            .bold
            .draw(surface, col, y + 52.0, value_size, &text.value);
        let group_size = fonts.regular.fit(&text.group, 9.0, 5.5, COL_W);
        fonts
            .regular
            .draw(surface, col, y + 68.0, group_size, &text.group);
        let serial_size = fonts.regular.fit(serial, 10.5, 7.0, COL_W);
        fonts
            .regular
            .draw(surface, col, y + 88.0, serial_size, serial);
        let (size, lines) = wrap(&fonts.regular, &text.expiry, 8.0, 5.5, COL_W, 3);
        for (n, line) in lines.iter().enumerate() {
            let baseline = y + 106.0 + n as f32 * size * 1.25;
            fonts.regular.draw(surface, col, baseline, size, line);
        }
    })
}

/// "12345678901234" → "1234 5678 9012 34"; `None` unless exactly 14 ASCII digits.
fn group_serial(serial: &str) -> Option<String> {
    if serial.len() != 14 || !serial.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = serial
        .as_bytes()
        .chunks(4)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    Some(groups.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_grouped_by_four() {
        assert_eq!(
            group_serial("12345678901234").as_deref(),
            Some("1234 5678 9012 34")
        );
        assert_eq!(group_serial("1234567890123"), None);
        assert_eq!(group_serial("1234567890123x"), None);
    }
}
