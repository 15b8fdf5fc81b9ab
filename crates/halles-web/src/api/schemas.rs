//! JSON Schemas of the code lists the API reads, built from the core's own lists, so the OpenAPI
//! document names exactly the codes the server accepts (used with `#[schema(schema_with = ...)]`
//! and `#[param(schema_with = ...)]`).

use halles_core::catalog::{Allergen, Category, Certification, Origin, SaleUnit, Storage};
use halles_core::coupons::{
    CardStatus, ClaimStatus, EntryKind, LoadMoment, PaperStatus, ReportPeriod,
};
use halles_core::organizations::Role;
use halles_core::taxes::TaxClass;
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat, Type,
};

/// A string that is one of `list`.
fn codes<'a>(list: impl IntoIterator<Item = &'a str>) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(list))
        .build()
}

/// A product category.
pub fn category() -> Object {
    codes(Category::ALL.iter().map(|c| c.code()))
}

/// A sale unit.
pub fn unit() -> Object {
    codes(SaleUnit::ALL.iter().map(|c| c.code()))
}

/// A list of priority allergens.
pub fn allergens() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(codes(Allergen::ALL.iter().map(|c| c.code())))
        .build()
}

/// How a product is kept, or null when not said.
pub fn storage() -> Schema {
    AnyOfBuilder::new()
        .item(codes(Storage::ALL.iter().map(|c| c.code())))
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build()
        .into()
}

/// A tax class.
pub fn tax_class() -> Object {
    codes(TaxClass::ALL.iter().map(|c| c.code()))
}

/// A product's origin.
pub fn origin() -> Object {
    codes(Origin::ALL.iter().map(|c| c.code()))
}

/// A list of certifications.
pub fn certifications() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(codes(Certification::ALL.iter().map(|c| c.code())))
        .build()
}

/// A list of a hub's tags: at most [`MAX_TAGS`](halles_core::catalog::MAX_TAGS), each one
/// word of letters, digits, `-` or `_`.
pub fn tags() -> utoipa::openapi::schema::Array {
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(halles_core::catalog::MAX_TAG_LEN))
                .pattern(Some(r"^[\w-]+$"))
                .build(),
        )
        .max_items(Some(halles_core::catalog::MAX_TAGS))
        .build()
}

/// A weight unit a buyer reads prices in first.
pub fn weight_unit() -> Object {
    codes(
        halles_core::catalog::WeightUnit::ALL
            .iter()
            .map(|c| c.code()),
    )
}

/// A pickup point or a delivery zone.
pub fn location_kind() -> Object {
    codes(["pickup", "delivery"])
}

/// A role offered in an invitation (each organization kind offers some of them).
pub fn role() -> Object {
    codes(Role::ALL.iter().map(|r| r.code()))
}

/// When a schedule loads funds.
pub fn moment() -> Object {
    codes(LoadMoment::ALL.iter().map(|c| c.code()))
}

/// A reconciliation period.
pub fn report_period() -> Object {
    codes(ReportPeriod::ALL.iter().map(|c| c.code()))
}

/// A card status, as a filter.
pub fn card_status() -> Object {
    codes(CardStatus::ALL.iter().map(|c| c.code()))
}

/// A claim status, as a filter.
pub fn claim_status() -> Object {
    codes(ClaimStatus::ALL.iter().map(|c| c.code()))
}

/// A paper coupon's status.
pub fn paper_status() -> Object {
    codes(PaperStatus::ALL.iter().map(|c| c.code()))
}

/// A ledger entry kind, as a filter.
pub fn entry_kind() -> Object {
    codes(EntryKind::ALL.iter().map(|c| c.code()))
}

/// What a coupon report groups by.
pub fn report_dimension() -> Object {
    codes(
        halles_store::coupons::Dimension::ALL
            .iter()
            .map(|d| d.code()),
    )
}

/// A day (`YYYY-MM-DD`, Montréal) or an instant (RFC 3339).
pub fn day_or_instant() -> Schema {
    let string = |f| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(f)))
    };
    AnyOfBuilder::new()
        .item(string(KnownFormat::Date).pattern(Some(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")))
        .item(string(KnownFormat::DateTime).pattern(Some(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T")))
        .build()
        .into()
}

/// A buyer type: the price list a buyer orders at.
pub fn buyer_type() -> Object {
    codes(
        halles_core::pricing::BuyerType::ALL
            .iter()
            .map(|c| c.code()),
    )
}

/// A buyer type, or `null` for a price rule that applies to every buyer type.
pub fn buyer_type_or_null() -> Schema {
    AnyOfBuilder::new()
        .item(buyer_type())
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build()
        .into()
}

/// How a hub's delivery fee is taxed.
pub fn fee_taxation() -> Object {
    codes(
        halles_core::taxes::FeeTaxation::ALL
            .iter()
            .map(|c| c.code()),
    )
}

/// Payment terms.
pub fn payment_terms() -> Object {
    codes(
        halles_core::billing::PaymentTerms::ALL
            .iter()
            .map(|c| c.code()),
    )
}

/// How a buyer paid.
pub fn payment_method() -> Object {
    codes(
        halles_core::receivables::PaymentMethod::ALL
            .iter()
            .map(|c| c.code()),
    )
}

/// Payment terms, or null for the hub's.
pub fn payment_terms_or_null() -> Schema {
    AnyOfBuilder::new()
        .item(payment_terms())
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build()
        .into()
}
