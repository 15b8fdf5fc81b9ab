//! A hub's billing settings: who sells (legal name, address, tax numbers), how invoices are
//! numbered, how the delivery fee is taxed, payment terms; and each buyer's address and terms.

use crate::db::ms;
use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::rows::{Flag, parsed};
use crate::{Store, StoreError, StoreResult};
use halles_core::OrgId;
use halles_core::billing::{PaymentTerms, check_prefix};
use halles_core::refusals::Refusal;
use halles_core::taxes::{FeeTaxation, TaxSettings, parse_gst_number, parse_qst_number};
use halles_core::validation::Validator;
use serde::Serialize;
use sqlx::FromRow;

/// The longest legal name.
const NAME_MAX: usize = 200;
/// The longest address or payment instructions.
const TEXT_MAX: usize = 500;

/// A hub's billing settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillingSettings {
    /// The seller's legal name on invoices (empty: the hub's name).
    pub legal_name: String,
    /// The seller's address on invoices.
    pub address: String,
    /// Registered for GST and QST: invoices charge them and print the numbers.
    pub registered: bool,
    /// GST registration number (`123456789RT0001`), when registered.
    pub gst_number: String,
    /// QST registration number (`1234567890TQ0001`), when registered.
    pub qst_number: String,
    /// What invoice numbers start with.
    pub invoice_prefix: String,
    /// Whether numbers restart at 1 each calendar year (and carry the year).
    pub yearly_reset: bool,
    /// How the delivery fee is taxed.
    pub fee_taxation: FeeTaxation,
    /// Default payment terms.
    pub payment_terms: PaymentTerms,
    /// How to pay, printed on invoices.
    pub how_to_pay: String,
    /// Whether a delivered order is invoiced at once.
    pub auto_issue: bool,
}

impl Default for BillingSettings {
    /// A hub that never saved its settings: taxes estimated as before (registered, fee
    /// taxable), no invoice issued until it saves them.
    fn default() -> Self {
        BillingSettings {
            legal_name: String::new(),
            address: String::new(),
            registered: true,
            gst_number: String::new(),
            qst_number: String::new(),
            invoice_prefix: String::new(),
            yearly_reset: true,
            fee_taxation: FeeTaxation::Taxable,
            payment_terms: PaymentTerms::OnReceipt,
            how_to_pay: String::new(),
            auto_issue: true,
        }
    }
}

impl BillingSettings {
    /// What the taxes depend on.
    pub fn tax_settings(&self) -> TaxSettings {
        TaxSettings {
            registered: self.registered,
            fee: self.fee_taxation,
        }
    }

    /// Checks and normalizes the settings (tax numbers in capitals without spaces), each
    /// problem on its field.
    pub fn checked(mut self) -> StoreResult<BillingSettings> {
        let mut v = Validator::new();
        self.legal_name = self.legal_name.trim().to_owned();
        self.address = self.address.trim().to_owned();
        self.how_to_pay = self.how_to_pay.trim().to_owned();
        self.invoice_prefix = self.invoice_prefix.trim().to_owned();
        if v.required("legal_name", &self.legal_name) {
            v.max_len("legal_name", &self.legal_name, NAME_MAX);
        }
        v.max_len("address", &self.address, TEXT_MAX);
        v.max_len("how_to_pay", &self.how_to_pay, TEXT_MAX);
        if !check_prefix(&self.invoice_prefix) {
            v.refuse("invoice_prefix", Refusal::InvoicePrefixInvalid);
        }
        let gst = self.gst_number.trim().to_owned();
        let qst = self.qst_number.trim().to_owned();
        if self.registered && gst.is_empty() {
            v.refuse("gst_number", Refusal::TaxNumbersRequired);
        } else if !gst.is_empty() {
            match parse_gst_number(&gst) {
                Some(n) => self.gst_number = n,
                None => v.refuse("gst_number", Refusal::GstNumberInvalid),
            }
        }
        if self.registered && qst.is_empty() {
            v.refuse("qst_number", Refusal::TaxNumbersRequired);
        } else if !qst.is_empty() {
            match parse_qst_number(&qst) {
                Some(n) => self.qst_number = n,
                None => v.refuse("qst_number", Refusal::QstNumberInvalid),
            }
        }
        if gst.is_empty() {
            self.gst_number.clear();
        }
        if qst.is_empty() {
            self.qst_number.clear();
        }
        v.finish().map_err(StoreError::Invalid)?;
        Ok(self)
    }
}

#[derive(FromRow)]
struct SettingsRow {
    legal_name: String,
    address: String,
    registered: Flag,
    gst_number: String,
    qst_number: String,
    invoice_prefix: String,
    yearly_reset: Flag,
    fee_taxation: String,
    payment_terms: String,
    how_to_pay: String,
    auto_issue: Flag,
}

impl TryFrom<SettingsRow> for BillingSettings {
    type Error = StoreError;
    fn try_from(r: SettingsRow) -> StoreResult<Self> {
        Ok(BillingSettings {
            legal_name: r.legal_name,
            address: r.address,
            registered: r.registered.into(),
            gst_number: r.gst_number,
            qst_number: r.qst_number,
            invoice_prefix: r.invoice_prefix,
            yearly_reset: r.yearly_reset.into(),
            fee_taxation: parsed(&r.fee_taxation, "fee taxation")?,
            payment_terms: parsed(&r.payment_terms, "payment terms")?,
            how_to_pay: r.how_to_pay,
            auto_issue: r.auto_issue.into(),
        })
    }
}

const SETTINGS_COLUMNS: &str = "legal_name, address, registered, gst_number, qst_number, invoice_prefix, \
     yearly_reset, fee_taxation, payment_terms, how_to_pay, auto_issue";

/// A buyer's billing at a hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuyerBilling {
    /// The buyer.
    pub buyer: OrgId,
    /// Its name.
    pub name: String,
    /// Its billing address (empty: its delivery address).
    pub address: String,
    /// Its own terms, or the hub's.
    pub payment_terms: Option<PaymentTerms>,
}

/// Checks on a connection that the hub serves the buyer (else `NotFound`).
pub(crate) async fn served(
    conn: &mut sqlx::AnyConnection,
    hub: OrgId,
    buyer: OrgId,
) -> StoreResult<()> {
    let served: Option<i64> = sqlx::query_scalar(
        "SELECT buyer_id FROM hub_buyers WHERE organization_id = $1 AND buyer_id = $2",
    )
    .bind(hub.0)
    .bind(buyer.0)
    .fetch_optional(&mut *conn)
    .await?;
    served.map(|_| ()).ok_or(StoreError::NotFound)
}

/// A hub's saved settings read on a connection (`None`: never saved).
pub(crate) async fn saved_settings(
    conn: &mut sqlx::AnyConnection,
    hub: OrgId,
) -> StoreResult<Option<BillingSettings>> {
    let row: Option<SettingsRow> = sqlx::query_as(&format!(
        "SELECT {SETTINGS_COLUMNS} FROM hub_billing_settings WHERE organization_id = $1"
    ))
    .bind(hub.0)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(BillingSettings::try_from).transpose()
}

impl Store {
    /// The hub's billing settings (the defaults when never saved) and whether they were saved.
    pub async fn billing_settings(&self, hs: &HubScope) -> StoreResult<(BillingSettings, bool)> {
        let hub = hs.own()?.hub();
        let mut conn = self.pool.acquire().await?;
        Ok(match saved_settings(&mut conn, hub).await? {
            Some(s) => (s, true),
            None => (BillingSettings::default(), false),
        })
    }

    /// What a hub's taxes depend on, for the order-time estimate (the defaults when never
    /// saved).
    pub(crate) async fn tax_settings_of(&self, hub: OrgId) -> StoreResult<TaxSettings> {
        let row: Option<(Flag, String)> = sqlx::query_as(
            "SELECT registered, fee_taxation FROM hub_billing_settings WHERE organization_id = $1",
        )
        .bind(hub.0)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some((registered, fee)) => TaxSettings {
                registered: registered.into(),
                fee: parsed(&fee, "fee taxation")?,
            },
            None => TaxSettings::default(),
        })
    }

    /// Saves the hub's billing settings, checked ([`BillingSettings::checked`]).
    pub async fn set_billing_settings(
        &self,
        hs: &HubScope,
        input: BillingSettings,
    ) -> StoreResult<BillingSettings> {
        let scope = hs.own()?.tenant();
        let s = input.checked()?;
        let (before, _) = self.billing_settings(hs).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO hub_billing_settings (organization_id, legal_name, address, registered, gst_number, \
             qst_number, invoice_prefix, yearly_reset, fee_taxation, payment_terms, how_to_pay, auto_issue, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (organization_id) DO UPDATE SET \
             legal_name = excluded.legal_name, address = excluded.address, registered = excluded.registered, \
             gst_number = excluded.gst_number, qst_number = excluded.qst_number, invoice_prefix = excluded.invoice_prefix, \
             yearly_reset = excluded.yearly_reset, fee_taxation = excluded.fee_taxation, \
             payment_terms = excluded.payment_terms, how_to_pay = excluded.how_to_pay, \
             auto_issue = excluded.auto_issue, updated_at = excluded.updated_at",
        )
        .bind(scope.org.0)
        .bind(&s.legal_name)
        .bind(&s.address)
        .bind(s.registered)
        .bind(&s.gst_number)
        .bind(&s.qst_number)
        .bind(&s.invoice_prefix)
        .bind(s.yearly_reset)
        .bind(s.fee_taxation.code())
        .bind(s.payment_terms.code())
        .bind(&s.how_to_pay)
        .bind(s.auto_issue)
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "billing_settings", scope.org)
            .before(serde_json::to_value(&before).unwrap_or_default())
            .after(serde_json::to_value(&s).unwrap_or_default());
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(s)
    }

    /// The billing of every buyer the hub serves, by name.
    pub async fn buyers_billing(&self, hs: &HubScope) -> StoreResult<Vec<BuyerBilling>> {
        let hub = hs.own()?.hub();
        let rows: Vec<(i64, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT h.buyer_id, o.name, b.address, b.payment_terms FROM hub_buyers h \
             JOIN organizations o ON o.id = h.buyer_id \
             LEFT JOIN buyer_billing b ON b.organization_id = h.organization_id AND b.buyer_id = h.buyer_id \
             WHERE h.organization_id = $1 ORDER BY o.name, h.buyer_id",
        )
        .bind(hub.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(id, name, address, terms)| {
                Ok(BuyerBilling {
                    buyer: OrgId(id),
                    name,
                    address: address.unwrap_or_default(),
                    payment_terms: match terms.as_deref() {
                        None | Some("") => None,
                        Some(t) => Some(parsed(t, "payment terms")?),
                    },
                })
            })
            .collect()
    }

    /// Sets a buyer's billing address and terms (`None`: the hub's).
    pub async fn set_buyer_billing(
        &self,
        hs: &HubScope,
        buyer: OrgId,
        address: &str,
        terms: Option<PaymentTerms>,
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let address = address.trim();
        let mut v = Validator::new();
        v.max_len("address", address, TEXT_MAX);
        v.finish().map_err(StoreError::Invalid)?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        served(&mut tx, scope.org, buyer).await?;
        sqlx::query(
            "INSERT INTO buyer_billing (organization_id, buyer_id, address, payment_terms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (organization_id, buyer_id) DO UPDATE SET address = excluded.address, \
             payment_terms = excluded.payment_terms",
        )
        .bind(scope.org.0)
        .bind(buyer.0)
        .bind(address)
        .bind(terms.map(PaymentTerms::code).unwrap_or(""))
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "buyer_billing", buyer).after(
            serde_json::json!({"address": address, "payment_terms": terms.map(PaymentTerms::code)}),
        );
        audit::record(&mut tx, change, now).await?;
        tx.commit().await
    }
}
