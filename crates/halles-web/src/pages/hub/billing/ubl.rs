//! An issued invoice as UBL 2.1 XML under the EN 16931 core (`urn:cen.eu:en16931:2017`),
//! written with quick-xml from the frozen invoice, and a credit note as a UBL 2.1
//! `CreditNote` (type 381) referring to its invoice (`BillingReference`), the same way. The
//! pages and the API serve the same bytes.
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

use halles_core::accounts::Lang;
use halles_core::catalog::SaleUnit;
use halles_core::money::Cents;
use halles_core::taxes::TaxClass;
use halles_store::hub::billing::credit_notes::IssuedCreditNote;
use halles_store::hub::billing::invoices::IssuedInvoice;
use jiff::civil::Date;
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
    fee_split(i.gst_base, i.delivery, taxable_lines)
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

/// A line of a document, as UBL writes it.
struct DocLine {
    line_no: i64,
    name: String,
    note: Option<String>,
    gst: TaxClass,
    quantity: String,
    unit: &'static str,
    price: Cents,
    /// The quantity the price is for, when not one unit.
    base: Option<String>,
    amount: Cents,
}

/// What UBL writes of an invoice or a credit note.
struct Doc<'a> {
    /// A credit note (`CreditNote`, type 381, crediting `invoice`), else an invoice.
    credit: bool,
    number: &'a str,
    issue_date: Date,
    due_date: Option<Date>,
    /// The invoice a credit note corrects: its number and date.
    invoice: Option<(&'a str, Date)>,
    note: Option<&'a str>,
    hub: halles_core::OrgId,
    lang: Lang,
    registered: bool,
    gst_number: &'a str,
    qst_number: &'a str,
    seller_name: &'a str,
    seller_address: &'a str,
    buyer_name: &'a str,
    buyer_address: &'a str,
    po_number: &'a str,
    delivery_date: Option<Date>,
    how_to_pay: &'a str,
    delivery: Cents,
    gst_base: Cents,
    gst: Cents,
    qst: Cents,
    total: Cents,
    lines: Vec<DocLine>,
}

/// The delivery fee's share that bore GST (the GST base less the GST-taxable lines) and the
/// rest.
fn fee_split(gst_base: Cents, delivery: Cents, taxable_lines: Cents) -> (Cents, Cents) {
    let taxed = (gst_base - taxable_lines).max(Cents::ZERO).min(delivery);
    (taxed, delivery - taxed)
}

/// The invoice as UBL 2.1 XML (EN 16931), in the invoice's language for names and notes.
pub fn invoice_ubl(inv: &IssuedInvoice) -> Result<Vec<u8>, UblError> {
    let i = &inv.invoice;
    if i.discount.0 != 0 || i.deposits.0 != 0 {
        return Err(UblError::Unsupported);
    }
    let lang = i.lang;
    let lines = inv
        .lines
        .iter()
        .map(|l| {
            let (quantity, unit, price) = match (l.weight_g, l.kg_price) {
                (Some(g), Some(k)) => (qty(g), "KGM", k),
                _ => (qty(l.quantity.0), unit_code(l.unit), l.unit_price),
            };
            DocLine {
                line_no: l.line_no,
                name: l.name(lang).to_owned(),
                note: l
                    .substitute_for(lang)
                    .map(|r| format!("{} {r}", lang.pick("Remplace", "Replaces"))),
                gst: l.codes.gst,
                quantity,
                unit,
                price,
                base: None,
                amount: l.amount,
            }
        })
        .collect();
    write(&Doc {
        credit: false,
        number: &i.number,
        issue_date: i.invoice_date,
        due_date: Some(i.due_date),
        invoice: None,
        note: None,
        hub: i.hub,
        lang,
        registered: i.registered,
        gst_number: &i.gst_number,
        qst_number: &i.qst_number,
        seller_name: &i.seller_name,
        seller_address: &i.seller_address,
        buyer_name: &i.buyer_name,
        buyer_address: &i.buyer_address,
        po_number: &i.po_number,
        delivery_date: Some(i.delivery_date),
        how_to_pay: &i.how_to_pay,
        delivery: i.delivery,
        gst_base: i.gst_base,
        gst: i.gst,
        qst: i.qst,
        total: i.total,
        lines,
    })
}

/// The credit note as a UBL 2.1 `CreditNote` (EN 16931, type 381) referring to its invoice,
/// in its language, its amounts positive. A line credited by quantity is that quantity at the
/// amount credited for it (`BaseQuantity`); by amount, one unit (`C62`) at that amount.
pub fn credit_note_ubl(cn: &IssuedCreditNote) -> Result<Vec<u8>, UblError> {
    let n = &cn.note;
    let lines_sum: Cents = cn.lines.iter().map(|l| l.amount).sum();
    if n.deposits.0 != 0 || lines_sum != n.goods {
        return Err(UblError::Unsupported);
    }
    let lang = n.lang;
    let lines = cn
        .lines
        .iter()
        .map(|l| {
            let (quantity, unit, base) = match l.quantity {
                Some(q) => (qty(q.0), unit_code(l.unit), Some(qty(q.0))),
                None => (qty(1_000), "C62", None),
            };
            DocLine {
                line_no: l.line_no,
                name: l.name(lang).to_owned(),
                note: None,
                gst: l.codes.gst,
                quantity,
                unit,
                price: l.amount,
                base,
                amount: l.amount,
            }
        })
        .collect();
    write(&Doc {
        credit: true,
        number: &n.number,
        issue_date: n.credit_date,
        due_date: None,
        invoice: Some((&n.invoice_number, n.invoice_date)),
        note: Some(&n.reason),
        hub: n.hub,
        lang,
        registered: n.registered,
        gst_number: &n.gst_number,
        qst_number: &n.qst_number,
        seller_name: &n.seller_name,
        seller_address: &n.seller_address,
        buyer_name: &n.buyer_name,
        buyer_address: &n.buyer_address,
        po_number: "",
        delivery_date: None,
        how_to_pay: "",
        delivery: n.delivery,
        gst_base: n.gst_base,
        gst: n.gst,
        qst: n.qst,
        total: n.total,
        lines,
    })
}

/// Writes an invoice or a credit note.
fn write(d: &Doc) -> Result<Vec<u8>, UblError> {
    let lang = d.lang;
    let lines: Vec<(Category, &DocLine)> = d
        .lines
        .iter()
        .map(|l| (category_of(d.registered, l.gst), l))
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
    if d.registered {
        let taxable_lines: Cents = d
            .lines
            .iter()
            .filter(|l| l.gst == TaxClass::Taxable)
            .map(|l| l.amount)
            .sum();
        let (taxed, rest) = fee_split(d.gst_base, d.delivery, taxable_lines);
        if taxed.0 > 0 {
            charges.push((fee.to_owned(), taxed, S));
        }
        if rest.0 > 0 {
            charges.push((fee.to_owned(), rest, Z));
        }
        if d.qst.0 > 0 {
            let reason = format!(
                "{} 9,975 % ({}: {})",
                lang.pick("TVQ", "QST"),
                lang.pick("no", "no."),
                d.qst_number
            );
            charges.push((reason, d.qst, E));
        }
    } else if d.delivery.0 > 0 {
        charges.push((fee.to_owned(), d.delivery, O));
    }
    let charged = |c: Category| -> Cents {
        charges
            .iter()
            .filter(|(_, _, k)| *k == c)
            .map(|(_, a, _)| *a)
            .sum()
    };
    let line_total: Cents = d.lines.iter().map(|l| l.amount).sum();
    let charge_total: Cents = charges.iter().map(|(_, a, _)| *a).sum();
    let exclusive = line_total + charge_total;
    let (root, ns, type_code, line_tag, qty_tag) = if d.credit {
        (
            "CreditNote",
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
            ("cbc:CreditNoteTypeCode", "381"),
            "cac:CreditNoteLine",
            "cbc:CreditedQuantity",
        )
    } else {
        (
            "Invoice",
            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
            ("cbc:InvoiceTypeCode", "380"),
            "cac:InvoiceLine",
            "cbc:InvoicedQuantity",
        )
    };

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element(root)
        .with_attribute(("xmlns", ns))
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
            leaf(w, "cbc:ID", d.number)?;
            leaf(w, "cbc:IssueDate", &d.issue_date.to_string())?;
            if let Some(due) = d.due_date {
                leaf(w, "cbc:DueDate", &due.to_string())?;
            }
            leaf(w, type_code.0, type_code.1)?;
            if let Some(note) = d.note {
                leaf(w, "cbc:Note", note)?;
            }
            if !d.registered {
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
            if !d.po_number.is_empty() {
                leaf(w, "cbc:BuyerReference", d.po_number)?;
                w.create_element("cac:OrderReference")
                    .write_inner_content(|w| leaf(w, "cbc:ID", d.po_number))?;
            }
            if let Some((number, date)) = d.invoice {
                w.create_element("cac:BillingReference")
                    .write_inner_content(|w| {
                        w.create_element("cac:InvoiceDocumentReference")
                            .write_inner_content(|w| {
                                leaf(w, "cbc:ID", number)?;
                                leaf(w, "cbc:IssueDate", &date.to_string())
                            })?;
                        Ok(())
                    })?;
            }
            w.create_element("cac:AccountingSupplierParty")
                .write_inner_content(|w| {
                    w.create_element("cac:Party").write_inner_content(|w| {
                        // BT-29: the CRA business number (the GST number's first 9 digits),
                        // else the hub's id in Halles.
                        let seller_id = if d.registered && d.gst_number.len() >= 9 {
                            d.gst_number[..9].to_owned()
                        } else {
                            format!("halles:{}", d.hub)
                        };
                        w.create_element("cac:PartyIdentification")
                            .write_inner_content(|w| leaf(w, "cbc:ID", &seller_id))?;
                        address(w, d.seller_address)?;
                        if d.registered {
                            w.create_element("cac:PartyTaxScheme")
                                .write_inner_content(|w| {
                                    leaf(w, "cbc:CompanyID", d.gst_number)?;
                                    w.create_element("cac:TaxScheme")
                                        .write_inner_content(|w| leaf(w, "cbc:ID", "GST"))?;
                                    Ok(())
                                })?;
                        }
                        w.create_element("cac:PartyLegalEntity")
                            .write_inner_content(|w| {
                                leaf(w, "cbc:RegistrationName", d.seller_name)
                            })?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
            w.create_element("cac:AccountingCustomerParty")
                .write_inner_content(|w| {
                    w.create_element("cac:Party").write_inner_content(|w| {
                        address(w, d.buyer_address)?;
                        w.create_element("cac:PartyLegalEntity")
                            .write_inner_content(|w| {
                                leaf(w, "cbc:RegistrationName", d.buyer_name)
                            })?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
            if let Some(day) = d.delivery_date {
                w.create_element("cac:Delivery")
                    .write_inner_content(|w| leaf(w, "cbc:ActualDeliveryDate", &day.to_string()))?;
            }
            if !d.how_to_pay.is_empty() {
                w.create_element("cac:PaymentTerms")
                    .write_inner_content(|w| leaf(w, "cbc:Note", d.how_to_pay))?;
            }
            for (reason, amount, c) in &charges {
                charge(w, reason, *amount, *c)?;
            }
            w.create_element("cac:TaxTotal").write_inner_content(|w| {
                money(w, "cbc:TaxAmount", d.gst)?;
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
                            money(w, "cbc:TaxAmount", if c == S { d.gst } else { Cents::ZERO })?;
                            tax_category(w, "cac:TaxCategory", c, reason)
                        })?;
                }
                Ok(())
            })?;
            w.create_element("cac:LegalMonetaryTotal")
                .write_inner_content(|w| {
                    money(w, "cbc:LineExtensionAmount", line_total)?;
                    money(w, "cbc:TaxExclusiveAmount", exclusive)?;
                    money(w, "cbc:TaxInclusiveAmount", exclusive + d.gst)?;
                    if charge_total.0 != 0 {
                        money(w, "cbc:ChargeTotalAmount", charge_total)?;
                    }
                    money(w, "cbc:PayableAmount", d.total)
                })?;
            for (c, l) in &lines {
                w.create_element(line_tag).write_inner_content(|w| {
                    leaf(w, "cbc:ID", &l.line_no.to_string())?;
                    if let Some(note) = &l.note {
                        leaf(w, "cbc:Note", note)?;
                    }
                    w.create_element(qty_tag)
                        .with_attribute(("unitCode", l.unit))
                        .write_text_content(BytesText::new(&l.quantity))?;
                    money(w, "cbc:LineExtensionAmount", l.amount)?;
                    w.create_element("cac:Item").write_inner_content(|w| {
                        leaf(w, "cbc:Name", &l.name)?;
                        tax_category(w, "cac:ClassifiedTaxCategory", *c, None)
                    })?;
                    w.create_element("cac:Price").write_inner_content(|w| {
                        money(w, "cbc:PriceAmount", l.price)?;
                        if let Some(b) = &l.base {
                            w.create_element("cbc:BaseQuantity")
                                .with_attribute(("unitCode", l.unit))
                                .write_text_content(BytesText::new(b))?;
                        }
                        Ok(())
                    })?;
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
