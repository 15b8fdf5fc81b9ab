//! A producer's catalog, and the links between a hub and the producers and buyers it works with.

use crate::db::ms;
use crate::hub::HubScope;
use crate::platform::audit::{self, Action, Change};
use crate::platform::organizations::{Organization, OrganizationRow};
use crate::platform::rows::{Flag, instant, parsed};
use crate::{Store, StoreError, StoreResult, TenantScope};
use halles_core::catalog::{
    Allergen, Category, Certification, Origin, Packaging, SaleUnit, Storage,
};
use halles_core::gtin::Gtin;
use halles_core::organizations::OrgKind;
use halles_core::pricing::BuyerType;
use halles_core::refusals::Refusal;
use halles_core::taxes::TaxClass;
use halles_core::{OrgId, ProductId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::FromRow;
use sqlx::any::AnyRow;

/// What a producer says about a product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductInput {
    /// Name in French.
    pub name_fr: String,
    /// Name in English.
    pub name_en: String,
    /// Category.
    pub category: Category,
    /// Description.
    pub description: String,
    /// Sale unit.
    pub unit: SaleUnit,
    /// What the unit holds, such as "case of 12 × 500 g".
    pub unit_detail: String,
    /// Sold by weight, with the real weight known only at packing.
    pub catch_weight: bool,
    /// Estimated weight of one unit, in grams (catch weight).
    pub est_weight_g: Option<i64>,
    /// Tax class.
    pub tax_class: TaxClass,
    /// Origin.
    pub origin: Origin,
    /// The producer's region.
    pub region: String,
    /// Certifications.
    pub certifications: Vec<Certification>,
    /// The organic certifier, when organic.
    pub organic_certifier: String,
    /// Offered or not.
    pub active: bool,
    /// Allergens, storage and packaging.
    #[serde(flatten)]
    pub details: ProductDetails,
}

/// What institutions ask of a product beyond its name and price: allergens, how it is kept,
/// its codes and its case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductDetails {
    /// Priority allergens it contains.
    pub allergens: Vec<Allergen>,
    /// How it is kept; `None` when not said.
    pub storage: Option<Storage>,
    /// The producer's own code (at most `MAX_SKU_LEN` characters).
    pub sku: String,
    /// The GS1 trade item number, check digit verified.
    pub gtin: Option<Gtin>,
    /// Units per case (1 to `MAX_CASE_SIZE`).
    pub case_size: Option<i64>,
}

impl ProductDetails {
    /// The details of checked allergens, storage and packaging.
    pub fn new(allergens: Vec<Allergen>, storage: Option<Storage>, packaging: Packaging) -> Self {
        ProductDetails {
            allergens,
            storage,
            sku: packaging.sku,
            gtin: packaging.gtin,
            case_size: packaging.case_size,
        }
    }
}

/// A product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    /// Its id.
    pub id: ProductId,
    /// The producer.
    pub producer: OrgId,
    /// Everything else.
    #[serde(flatten)]
    pub input: ProductInput,
    /// Last change.
    pub updated_at: Timestamp,
}

/// A `products` row ([`product_columns`]).
#[derive(FromRow)]
pub(crate) struct ProductRow {
    id: i64,
    organization_id: i64,
    name_fr: String,
    name_en: String,
    category: String,
    description: String,
    unit: String,
    unit_detail: String,
    catch_weight: Flag,
    est_weight_g: Option<i64>,
    tax_class: String,
    origin: String,
    region: String,
    certifications: String,
    organic_certifier: String,
    active: Flag,
    updated_at: i64,
    allergens: String,
    storage: Option<String>,
    sku: String,
    gtin: Option<String>,
    case_size: Option<i64>,
}

impl TryFrom<ProductRow> for Product {
    type Error = StoreError;
    fn try_from(r: ProductRow) -> StoreResult<Product> {
        Ok(Product {
            id: ProductId(r.id),
            producer: OrgId(r.organization_id),
            input: ProductInput {
                name_fr: r.name_fr,
                name_en: r.name_en,
                category: parsed(&r.category, "category")?,
                description: r.description,
                unit: parsed(&r.unit, "unit")?,
                unit_detail: r.unit_detail,
                catch_weight: r.catch_weight.into(),
                est_weight_g: r.est_weight_g,
                tax_class: parsed(&r.tax_class, "tax class")?,
                origin: parsed(&r.origin, "origin")?,
                region: r.region,
                certifications: Certification::parse_list(&r.certifications),
                organic_certifier: r.organic_certifier,
                active: r.active.into(),
                details: ProductDetails {
                    allergens: Allergen::parse_list(&r.allergens),
                    storage: r.storage.map(|s| parsed(&s, "storage")).transpose()?,
                    sku: r.sku,
                    gtin: r.gtin.map(|g| parsed(&g, "gtin")).transpose()?,
                    case_size: r.case_size,
                },
            },
            updated_at: instant(r.updated_at)?,
        })
    }
}

impl Product {
    pub(crate) fn from_row(r: &AnyRow) -> StoreResult<Product> {
        ProductRow::from_row(r)?.try_into()
    }

    /// The name in a language.
    pub fn name<L: std::borrow::Borrow<halles_core::accounts::Lang>>(&self, lang: L) -> &str {
        lang.borrow().pick(&self.input.name_fr, &self.input.name_en)
    }
}

/// Columns of `products`, prefixed for joins.
pub(crate) fn product_columns(prefix: &str) -> String {
    [
        "id",
        "organization_id",
        "name_fr",
        "name_en",
        "category",
        "description",
        "unit",
        "unit_detail",
        "catch_weight",
        "est_weight_g",
        "tax_class",
        "origin",
        "region",
        "certifications",
        "organic_certifier",
        "active",
        "updated_at",
        "allergens",
        "storage",
        "sku",
        "gtin",
        "case_size",
    ]
    .iter()
    .map(|c| format!("{prefix}{c}"))
    .collect::<Vec<_>>()
    .join(", ")
}

/// The columns a producer writes, in the order [`bind_input`] binds them.
const INPUT_COLUMNS: &str = "name_fr, name_en, category, description, unit, unit_detail, \
    catch_weight, est_weight_g, tax_class, origin, region, certifications, organic_certifier, \
    active, allergens, storage, sku, gtin, case_size";

/// Binds what a producer says about a product to `$1`..`$19` ([`INPUT_COLUMNS`]).
fn bind_input<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    p: &'q ProductInput,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let d = &p.details;
    q.bind(p.name_fr.trim())
        .bind(p.name_en.trim())
        .bind(p.category.code())
        .bind(p.description.trim())
        .bind(p.unit.code())
        .bind(p.unit_detail.trim())
        .bind(p.catch_weight)
        .bind(p.est_weight_g)
        .bind(p.tax_class.code())
        .bind(p.origin.code())
        .bind(p.region.trim())
        .bind(Certification::join(&p.certifications))
        .bind(p.organic_certifier.trim())
        .bind(p.active)
        .bind(Allergen::join(&d.allergens))
        .bind(d.storage.map(|s| s.code()))
        .bind(d.sku.trim())
        .bind(d.gtin.as_ref().map(|g| g.as_str()))
        .bind(d.case_size)
}

fn product_json(p: &ProductInput) -> serde_json::Value {
    serde_json::to_value(p).unwrap_or_default()
}

impl ProductInput {
    /// What the store itself refuses whatever the form or body said: an estimated unit
    /// weight beyond 1 g to 100 kg (prices are computed from it: unbounded, it broke every
    /// buyer's catalog of the cycle).
    fn check(&self) -> StoreResult<()> {
        if self
            .est_weight_g
            .is_some_and(|g| !halles_core::fulfilment::is_unit_weight(g))
        {
            return Err(StoreError::Refused(Refusal::WeightInvalid));
        }
        Ok(())
    }
}

impl Store {
    /// Adds a product to the scope's (producer's) catalog.
    pub async fn create_product(
        &self,
        scope: &TenantScope,
        p: &ProductInput,
    ) -> StoreResult<Product> {
        p.check()?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "INSERT INTO products ({INPUT_COLUMNS}, organization_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $21) RETURNING {}",
            product_columns("")
        );
        let row = bind_input(sqlx::query(&sql), p)
            .bind(scope.org.0)
            .bind(ms(now))
            .fetch_one(&mut *tx)
            .await?;
        let product = Product::from_row(&row)?;
        let change =
            Change::by(scope, Action::Create, "product", product.id).after(product_json(p));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(product)
    }

    /// Changes a product of the scope's catalog.
    pub async fn update_product(
        &self,
        scope: &TenantScope,
        id: ProductId,
        p: &ProductInput,
    ) -> StoreResult<Product> {
        p.check()?;
        let before = self.product(scope, id).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "UPDATE products SET ({INPUT_COLUMNS}, updated_at) = ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
             WHERE organization_id = $21 AND id = $22 RETURNING {}",
            product_columns("")
        );
        let row = bind_input(sqlx::query(&sql), p)
            .bind(ms(now))
            .bind(scope.org.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let product = Product::from_row(&row)?;
        let change = Change::by(scope, Action::Update, "product", id)
            .before(product_json(&before.input))
            .after(product_json(p));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(product)
    }

    /// One product of the scope's catalog.
    pub async fn product(&self, scope: &TenantScope, id: ProductId) -> StoreResult<Product> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM products WHERE organization_id = $1 AND id = $2",
            product_columns("")
        ))
        .bind(scope.org.0)
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        Product::from_row(&row)
    }

    /// The scope's catalog, by category and name.
    pub async fn products(&self, scope: &TenantScope) -> StoreResult<Vec<Product>> {
        let rows = sqlx::query(&format!(
            "SELECT {} FROM products WHERE organization_id = $1 ORDER BY category, name_fr, id",
            product_columns("")
        ))
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Product::from_row).collect()
    }

    /// Names (French, English) of products by id, for reports and e-mails about them.
    pub async fn product_names(
        &self,
        ids: &[ProductId],
    ) -> StoreResult<std::collections::HashMap<ProductId, (String, String)>> {
        let mut out = std::collections::HashMap::new();
        for id in ids {
            if let Some(names) =
                sqlx::query_as("SELECT name_fr, name_en FROM products WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.pool)
                    .await?
            {
                out.insert(*id, names);
            }
        }
        Ok(out)
    }

    /// Sets (or replaces) the photo of one of the scope's products: a JPEG already resized.
    pub async fn set_product_photo(
        &self,
        scope: &TenantScope,
        id: ProductId,
        jpeg: &[u8],
    ) -> StoreResult<()> {
        self.product(scope, id).await?;
        let now = self.now();
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO product_photos (organization_id, product_id, jpeg, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (organization_id, product_id) DO UPDATE SET jpeg = excluded.jpeg, updated_at = excluded.updated_at",
        )
        .bind(scope.org.0)
        .bind(id.0)
        .bind(jpeg.to_vec())
        .bind(ms(now))
        .execute(&mut *tx)
        .await?;
        let change = Change::by(scope, Action::Update, "product_photo", id)
            .after(json!({"bytes": jpeg.len()}));
        audit::record(&mut tx, change, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A product's photo (JPEG) and when it changed, by product id. Product photos are catalog
    /// content shown to buyers, so any signed-in caller may read them.
    pub async fn product_photo(&self, id: ProductId) -> StoreResult<Option<(Vec<u8>, Timestamp)>> {
        let row: Option<(Vec<u8>, i64)> =
            sqlx::query_as("SELECT jpeg, updated_at FROM product_photos WHERE product_id = $1")
                .bind(id.0)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(jpeg, at)| Ok((jpeg, instant(at)?))).transpose()
    }

    /// The products of these producers that have a photo.
    pub async fn products_with_photos(
        &self,
        producers: &[OrgId],
    ) -> StoreResult<std::collections::HashSet<ProductId>> {
        let mut out = std::collections::HashSet::new();
        for p in producers {
            let ids: Vec<i64> = sqlx::query_scalar(
                "SELECT product_id FROM product_photos WHERE organization_id = $1",
            )
            .bind(p.0)
            .fetch_all(&self.pool)
            .await?;
            out.extend(ids.into_iter().map(ProductId));
        }
        Ok(out)
    }

    /// Every product of the producers a hub works with (for its price rules).
    pub async fn hub_products(&self, hs: &HubScope) -> StoreResult<Vec<Product>> {
        let scope = hs.own()?.tenant();
        let rows = sqlx::query(&format!(
            "SELECT {} FROM products p JOIN hub_producers l ON l.producer_id = p.organization_id \
             WHERE l.organization_id = $1 ORDER BY p.name_fr, p.id",
            product_columns("p.")
        ))
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(Product::from_row).collect()
    }

    /// A hub starts working with a producer.
    pub async fn link_producer(&self, hs: &HubScope, producer: OrgId) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let p = self.organization_by_id(producer).await?;
        if p.kind != OrgKind::Producer {
            return Err(StoreError::Refused(Refusal::NotAProducer));
        }
        self.link(scope, "hub_producers", "producer_id", producer, None)
            .await
    }

    /// A hub starts serving a buyer, with its price-list type.
    pub async fn link_buyer(
        &self,
        hs: &HubScope,
        buyer: OrgId,
        buyer_type: BuyerType,
    ) -> StoreResult<()> {
        let scope = hs.own()?.tenant();
        let b = self.organization_by_id(buyer).await?;
        if b.kind != OrgKind::Buyer {
            return Err(StoreError::Refused(Refusal::NotABuyer));
        }
        self.link(scope, "hub_buyers", "buyer_id", buyer, Some(buyer_type))
            .await
    }

    async fn link(
        &self,
        scope: &TenantScope,
        table: &str,
        column: &str,
        other: OrgId,
        buyer_type: Option<BuyerType>,
    ) -> StoreResult<()> {
        let now = self.now();
        let mut tx = self.write_tx().await?;
        let (cols, vals) = match buyer_type {
            Some(_) => (", buyer_type", ", $4"),
            None => ("", ""),
        };
        let sql = format!(
            "INSERT INTO {table} (organization_id, {column}, created_at{cols}) VALUES ($1, $2, $3{vals}) \
             ON CONFLICT DO NOTHING"
        );
        let mut q = sqlx::query(&sql)
            .bind(scope.org.0)
            .bind(other.0)
            .bind(ms(now));
        if let Some(t) = buyer_type {
            q = q.bind(t.code());
        }
        q.execute(&mut *tx).await?;
        audit::record(
            &mut tx,
            Change {
                org: Some(scope.org),
                actor: scope.actor,
                action: Action::Create,
                entity: table.trim_end_matches('s'),
                entity_id: other.to_string(),
                before: None,
                after: Some(json!({ column: other, "buyer_type": buyer_type })),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The producers a hub works with.
    pub async fn hub_producers(&self, hs: &HubScope) -> StoreResult<Vec<Organization>> {
        self.linked(hs.own()?.hub(), "SELECT o.id, o.kind, o.name, o.lang, o.created_at FROM hub_producers l \
             JOIN organizations o ON o.id = l.producer_id WHERE l.organization_id = $1 ORDER BY o.name")
            .await
    }

    /// The hubs a producer sells through.
    pub async fn hubs_of_producer(&self, scope: &TenantScope) -> StoreResult<Vec<Organization>> {
        self.linked(scope.org, "SELECT o.id, o.kind, o.name, o.lang, o.created_at FROM hub_producers l \
             JOIN organizations o ON o.id = l.organization_id WHERE l.producer_id = $1 ORDER BY o.name")
            .await
    }

    async fn linked(&self, org: OrgId, sql: &str) -> StoreResult<Vec<Organization>> {
        let rows: Vec<OrganizationRow> = sqlx::query_as(sql)
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(Organization::try_from).collect()
    }

    /// The buyers a hub serves, with their type.
    pub async fn hub_buyers(&self, hs: &HubScope) -> StoreResult<Vec<(Organization, BuyerType)>> {
        let scope = hs.own()?.tenant();
        let rows: Vec<BuyerRow> = sqlx::query_as(
            "SELECT o.id, o.kind, o.name, o.lang, o.created_at, l.buyer_type FROM hub_buyers l \
             JOIN organizations o ON o.id = l.buyer_id WHERE l.organization_id = $1 ORDER BY o.name",
        )
        .bind(scope.org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| Ok((r.org.try_into()?, parsed(&r.buyer_type, "buyer type")?)))
            .collect()
    }

    /// The hubs a buyer orders from.
    pub async fn hubs_of_buyer(&self, scope: &TenantScope) -> StoreResult<Vec<Organization>> {
        self.linked(scope.org, "SELECT o.id, o.kind, o.name, o.lang, o.created_at FROM hub_buyers l \
             JOIN organizations o ON o.id = l.organization_id WHERE l.buyer_id = $1 ORDER BY o.name")
            .await
    }

    /// A buyer's type at a hub, if the hub serves it.
    pub(crate) async fn buyer_type_at(
        &self,
        hub: OrgId,
        buyer: OrgId,
    ) -> StoreResult<Option<BuyerType>> {
        let row: Option<String> = sqlx::query_scalar(
            "SELECT buyer_type FROM hub_buyers WHERE organization_id = $1 AND buyer_id = $2",
        )
        .bind(hub.0)
        .bind(buyer.0)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|t| parsed(&t, "buyer type")).transpose()
    }

    /// Whether a hub works with a producer.
    pub(crate) async fn works_with(&self, hub: OrgId, producer: OrgId) -> StoreResult<bool> {
        Ok(sqlx::query(
            "SELECT 1 AS one FROM hub_producers WHERE organization_id = $1 AND producer_id = $2",
        )
        .bind(hub.0)
        .bind(producer.0)
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }
}

/// A buyer a hub serves, with its type.
#[derive(FromRow)]
struct BuyerRow {
    #[sqlx(flatten)]
    org: OrganizationRow,
    buyer_type: String,
}
