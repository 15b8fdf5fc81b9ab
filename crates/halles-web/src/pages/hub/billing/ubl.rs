//! An issued invoice as UBL 2.1 XML under the EN 16931 core (`urn:cen.eu:en16931:2017`),
//! written with quick-xml from the frozen invoice. The pages and the API serve the same bytes.
//!
//! How two Québec taxes fit a one-VAT model (docs/ARCHITECTURE.md lists what follows):
//! - **GST is the VAT.** Each line's VAT category is its GST status: taxable `S` at 5 %,
//!   zero-rated `Z`, exempt `E`; a hub not registered writes every line `O` (not subject).
//!   The VAT breakdown and the VAT total (BT-110) are the GST.
//! - **QST is a document-level charge** of category `E` (QST is not subject to GST), its
//!   reason naming the tax, its rate and the seller's QST number; so the total with taxes
//!   (BT-112) and the amount due are the invoice's total, to the cent.
//! - The delivery fee is a document-level charge split by the GST it bore: its taxable share
//!   (the invoice's GST base less its taxable lines) `S`, the rest `Z`.
//! - The GST number is the seller's tax registration identifier (BT-32, scheme `GST`), not its
//!   VAT identifier (BT-31), which BR-CO-09 wants prefixed by a country code that Canadian
//!   numbers do not carry.
//! - The seller identifier (BT-29, which BR-CO-26 asks for) is the CRA business number, the
//!   GST number's first 9 digits; an unregistered hub's is its id in Halles.
//! - A catch-weight line is invoiced in kilograms (`KGM`) at its price per kilogram.

use halles_core::catalog::SaleUnit;
use halles_core::money::Cents;
use halles_core::taxes::TaxClass;
use halles_store::hub::billing::invoices::IssuedInvoice;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io;

type W = Writer<Vec<u8>>;

/// Why an invoice cannot be written as UBL.
#[derive(Debug, thiserror::Error)]
pub enum UblError {
    /// Writing failed.
    #[error("writing UBL: {0}")]
    Write(#[from] io::Error),
    /// A discount or a deposit: not mapped yet (invoices carry none today).
    #[error("discounts and deposits are not written to UBL yet")]
    Unsupported,
}

/// Cents as a decimal amount (`-12.05`).
pub(super) fn dec(c: Cents) -> String {
    let sign = if c.0 < 0 { "-" } else { "" };
    let a = c.0.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Thousandths as a decimal quantity (`2.500`).
fn qty(thousandths: i64) -> String {
    let sign = if thousandths < 0 { "-" } else { "" };
    let a = thousandths.unsigned_abs();
    format!("{sign}{}.{:03}", a / 1000, a % 1000)
}

/// The UN/ECE Recommendation 20 code of a sale unit.
fn unit_code(u: SaleUnit) -> &'static str {
    match u {
        SaleUnit::Kg => "KGM",
        SaleUnit::Lb => "LBR",
        SaleUnit::Case => "CS",
        _ => "H87",
    }
}

/// A VAT category: code and rate (none for `O`).
#[derive(Clone, Copy, PartialEq, Eq)]
struct Category {
    code: &'static str,
    percent: Option<&'static str>,
}

const S: Category = Category {
    code: "S",
    percent: Some("5"),
};
const Z: Category = Category {
    code: "Z",
    percent: Some("0"),
};
const E: Category = Category {
    code: "E",
    percent: Some("0"),
};
const O: Category = Category {
    code: "O",
    percent: None,
};

fn category_of(registered: bool, gst: TaxClass) -> Category {
    match (registered, gst) {
        (false, _) => O,
        (true, TaxClass::Taxable) => S,
        (true, TaxClass::ZeroRated) => Z,
        (true, TaxClass::Exempt) => E,
    }
}

/// The delivery fee's share that bore GST (the invoice's GST base less its GST-taxable lines)
/// and the rest, for a registered seller.
pub(super) fn delivery_split(inv: &IssuedInvoice) -> (Cents, Cents) {
    let i = &inv.invoice;
    let taxable_lines: Cents = inv
        .lines
        .iter()
        .filter(|l| l.codes.gst == TaxClass::Taxable)
        .map(|l| l.amount)
        .sum();
    let taxed = (i.gst_base - taxable_lines)
        .max(Cents::ZERO)
        .min(i.delivery);
    (taxed, i.delivery - taxed)
}

fn leaf(w: &mut W, name: &str, text: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(text))?;
    Ok(())
}

fn money(w: &mut W, name: &str, c: Cents) -> io::Result<()> {
    w.create_element(name)
        .with_attribute(("currencyID", "CAD"))
        .write_text_content(BytesText::new(&dec(c)))?;
    Ok(())
}

fn tax_category(w: &mut W, name: &str, c: Category, reason: Option<&str>) -> io::Result<()> {
    w.create_element(name).write_inner_content(|w| {
        leaf(w, "cbc:ID", c.code)?;
        if let Some(p) = c.percent {
            leaf(w, "cbc:Percent", p)?;
        }
        if let Some(r) = reason {
            leaf(w, "cbc:TaxExemptionReason", r)?;
        }
        w.create_element("cac:TaxScheme")
            .write_inner_content(|w| leaf(w, "cbc:ID", "VAT"))?;
        Ok(())
    })?;
    Ok(())
}

fn address(w: &mut W, text: &str) -> io::Result<()> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let (first, second) = (lines.next(), lines.next());
    w.create_element("cac:PostalAddress")
        .write_inner_content(|w| {
            if let Some(l) = first {
                leaf(w, "cbc:StreetName", l)?;
            }
            if let Some(l) = second {
                leaf(w, "cbc:AdditionalStreetName", l)?;
            }
            leaf(w, "cbc:CountrySubentity", "QC")?;
            w.create_element("cac:Country")
                .write_inner_content(|w| leaf(w, "cbc:IdentificationCode", "CA"))?;
            Ok(())
        })?;
    Ok(())
}

fn charge(w: &mut W, reason: &str, amount: Cents, c: Category) -> io::Result<()> {
    w.create_element("cac:AllowanceCharge")
        .write_inner_content(|w| {
            leaf(w, "cbc:ChargeIndicator", "true")?;
            leaf(w, "cbc:AllowanceChargeReason", reason)?;
            money(w, "cbc:Amount", amount)?;
            tax_category(w, "cac:TaxCategory", c, None)
        })?;
    Ok(())
}

/// The invoice as UBL 2.1 XML (EN 16931), in the invoice's language for names and notes.
pub fn invoice_ubl(inv: &IssuedInvoice) -> Result<Vec<u8>, UblError> {
    let i = &inv.invoice;
    if i.discount.0 != 0 || i.deposits.0 != 0 {
        return Err(UblError::Unsupported);
    }
    let lang = i.lang;
    let lines: Vec<(Category, &_)> = inv
        .lines
        .iter()
        .map(|l| (category_of(i.registered, l.codes.gst), l))
        .collect();
    let sum = |c: Category| -> Cents {
        lines
            .iter()
            .filter(|(k, _)| *k == c)
            .map(|(_, l)| l.amount)
            .sum()
    };
    // Document-level charges: the delivery fee split by the GST it bore, and the QST.
    let mut charges: Vec<(String, Cents, Category)> = Vec::new();
    let fee = lang.pick("Frais de livraison", "Delivery fee");
    if i.registered {
        let (taxed, rest) = delivery_split(inv);
        if taxed.0 > 0 {
            charges.push((fee.to_owned(), taxed, S));
        }
        if rest.0 > 0 {
            charges.push((fee.to_owned(), rest, Z));
        }
        if i.qst.0 > 0 {
            let reason = format!(
                "{} 9,975 % ({}: {})",
                lang.pick("TVQ", "QST"),
                lang.pick("no", "no."),
                i.qst_number
            );
            charges.push((reason, i.qst, E));
        }
    } else if i.delivery.0 > 0 {
        charges.push((fee.to_owned(), i.delivery, O));
    }
    let charged = |c: Category| -> Cents {
        charges
            .iter()
            .filter(|(_, _, k)| *k == c)
            .map(|(_, a, _)| *a)
            .sum()
    };
    let line_total: Cents = inv.lines.iter().map(|l| l.amount).sum();
    let charge_total: Cents = charges.iter().map(|(_, a, _)| *a).sum();
    let exclusive = line_total + charge_total;

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("Invoice")
        .with_attribute((
            "xmlns",
            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
        ))
        .with_attribute((
            "xmlns:cac",
            "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
        ))
        .with_attribute((
            "xmlns:cbc",
            "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
        ))
        .write_inner_content(|w| {
            leaf(w, "cbc:CustomizationID", "urn:cen.eu:en16931:2017")?;
            leaf(w, "cbc:ID", &i.number)?;
            leaf(w, "cbc:IssueDate", &i.invoice_date.to_string())?;
            leaf(w, "cbc:DueDate", &i.due_date.to_string())?;
            leaf(w, "cbc:InvoiceTypeCode", "380")?;
            if !i.registered {
                leaf(
                    w,
                    "cbc:Note",
                    lang.pick(
                        "Vendeur non inscrit aux fichiers de la TPS et de la TVQ.",
                        "Seller not registered for GST and QST.",
                    ),
                )?;
            }
            leaf(w, "cbc:DocumentCurrencyCode", "CAD")?;
            if !i.po_number.is_empty() {
                leaf(w, "cbc:BuyerReference", &i.po_number)?;
                w.create_element("cac:OrderReference")
                    .write_inner_content(|w| leaf(w, "cbc:ID", &i.po_number))?;
            }
            w.create_element("cac:AccountingSupplierParty")
                .write_inner_content(|w| {
                    w.create_element("cac:Party").write_inner_content(|w| {
                        // BT-29: the CRA business number (the GST number's first 9 digits),
                        // else the hub's id in Halles.
                        let seller_id = if i.registered && i.gst_number.len() >= 9 {
                            i.gst_number[..9].to_owned()
                        } else {
                            format!("halles:{}", i.hub)
                        };
                        w.create_element("cac:PartyIdentification")
                            .write_inner_content(|w| leaf(w, "cbc:ID", &seller_id))?;
                        address(w, &i.seller_address)?;
                        if i.registered {
                            w.create_element("cac:PartyTaxScheme")
                                .write_inner_content(|w| {
                                    leaf(w, "cbc:CompanyID", &i.gst_number)?;
                                    w.create_element("cac:TaxScheme")
                                        .write_inner_content(|w| leaf(w, "cbc:ID", "GST"))?;
                                    Ok(())
                                })?;
                        }
                        w.create_element("cac:PartyLegalEntity")
                            .write_inner_content(|w| {
                                leaf(w, "cbc:RegistrationName", &i.seller_name)
                            })?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
            w.create_element("cac:AccountingCustomerParty")
                .write_inner_content(|w| {
                    w.create_element("cac:Party").write_inner_content(|w| {
                        address(w, &i.buyer_address)?;
                        w.create_element("cac:PartyLegalEntity")
                            .write_inner_content(|w| {
                                leaf(w, "cbc:RegistrationName", &i.buyer_name)
                            })?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
            w.create_element("cac:Delivery").write_inner_content(|w| {
                leaf(w, "cbc:ActualDeliveryDate", &i.delivery_date.to_string())
            })?;
            if !i.how_to_pay.is_empty() {
                w.create_element("cac:PaymentTerms")
                    .write_inner_content(|w| leaf(w, "cbc:Note", &i.how_to_pay))?;
            }
            for (reason, amount, c) in &charges {
                charge(w, reason, *amount, *c)?;
            }
            w.create_element("cac:TaxTotal").write_inner_content(|w| {
                money(w, "cbc:TaxAmount", i.gst)?;
                for c in [S, Z, E, O] {
                    let base = sum(c) + charged(c);
                    let used = lines.iter().any(|(k, _)| *k == c)
                        || charges.iter().any(|(_, _, k)| *k == c);
                    if !used {
                        continue;
                    }
                    let reason = match c.code {
                        "E" => Some(lang.pick(
                            "Exonéré de TPS (la TVQ n’est pas assujettie à la TPS)",
                            "GST exempt (QST is not subject to GST)",
                        )),
                        "O" => Some(lang.pick(
                            "Vendeur non inscrit à la TPS",
                            "Seller not registered for GST",
                        )),
                        _ => None,
                    };
                    w.create_element("cac:TaxSubtotal")
                        .write_inner_content(|w| {
                            money(w, "cbc:TaxableAmount", base)?;
                            money(w, "cbc:TaxAmount", if c == S { i.gst } else { Cents::ZERO })?;
                            tax_category(w, "cac:TaxCategory", c, reason)
                        })?;
                }
                Ok(())
            })?;
            w.create_element("cac:LegalMonetaryTotal")
                .write_inner_content(|w| {
                    money(w, "cbc:LineExtensionAmount", line_total)?;
                    money(w, "cbc:TaxExclusiveAmount", exclusive)?;
                    money(w, "cbc:TaxInclusiveAmount", exclusive + i.gst)?;
                    if charge_total.0 != 0 {
                        money(w, "cbc:ChargeTotalAmount", charge_total)?;
                    }
                    money(w, "cbc:PayableAmount", i.total)
                })?;
            for (c, l) in &lines {
                w.create_element("cac:InvoiceLine")
                    .write_inner_content(|w| {
                        leaf(w, "cbc:ID", &l.line_no.to_string())?;
                        if let Some(replaced) = l.substitute_for(lang) {
                            leaf(
                                w,
                                "cbc:Note",
                                &format!("{} {replaced}", lang.pick("Remplace", "Replaces")),
                            )?;
                        }
                        let (q, code, price) = match (l.weight_g, l.kg_price) {
                            (Some(g), Some(k)) => (qty(g), "KGM", k),
                            _ => (qty(l.quantity.0), unit_code(l.unit), l.unit_price),
                        };
                        w.create_element("cbc:InvoicedQuantity")
                            .with_attribute(("unitCode", code))
                            .write_text_content(BytesText::new(&q))?;
                        money(w, "cbc:LineExtensionAmount", l.amount)?;
                        w.create_element("cac:Item").write_inner_content(|w| {
                            leaf(w, "cbc:Name", l.name(lang))?;
                            tax_category(w, "cac:ClassifiedTaxCategory", *c, None)
                        })?;
                        w.create_element("cac:Price")
                            .write_inner_content(|w| money(w, "cbc:PriceAmount", price))?;
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    Ok(w.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_quantities_are_plain_decimals() {
        assert_eq!(dec(Cents(15_545)), "155.45");
        assert_eq!(dec(Cents(-5)), "-0.05");
        assert_eq!(qty(4_050), "4.050");
        assert_eq!(qty(30_000), "30.000");
    }
}
