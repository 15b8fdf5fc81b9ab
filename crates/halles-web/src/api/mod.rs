//! The JSON API under `/api/v1`, its OpenAPI 3.1 document and its documentation page.

pub mod auth;
pub mod coupons;
pub mod docs;
pub mod document;
pub mod hub;
pub mod idempotency;
pub mod json;
pub mod pagination;
pub mod platform;
pub mod problem;
pub mod schemas;

use coupons::{program_admin, programs as coupon_api};
use hub::food_hub;
use platform::organizations;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post, put};
use document::Completion;
use json::CleanText;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The OpenAPI document, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Halles API",
        version = "1",
        description = "JSON API of Halles. Authenticate with the header Authorization: Bearer <token> (tokens are created by an organization's administrator). Errors are RFC 9457 problem details with a stable code; messages follow Accept-Language (French by default). POSTs that create something honour Idempotency-Key. Lists are paginated with a cursor and an RFC 8288 Link header."
    ),
    paths(
        organizations::me,
        organizations::organization,
        organizations::members,
        organizations::invite,
        organizations::audit,
        food_hub::products,
        food_hub::create_product,
        food_hub::product,
        food_hub::update_product,
        food_hub::cycles,
        food_hub::create_cycle,
        food_hub::cycle,
        food_hub::hub_availability,
        food_hub::producer_availability,
        food_hub::set_availability,
        food_hub::catalog,
        food_hub::place_order,
        food_hub::orders,
        food_hub::cycle_orders,
        food_hub::order,
        food_hub::update_order,
        food_hub::cancel_order,
        food_hub::standing_orders,
        food_hub::create_standing,
        food_hub::change_standing,
        coupon_api::programs,
        coupon_api::program,
        coupon_api::schedules,
        coupon_api::create_schedule,
        coupon_api::participants,
        coupon_api::create_participant,
        coupon_api::import_participants,
        coupon_api::update_participant,
        coupon_api::set_max_loads,
        coupon_api::cards,
        coupon_api::create_cards,
        coupon_api::card_lookup,
        coupon_api::redeem,
        coupon_api::redemption,
        coupon_api::refund,
        coupon_api::transactions,
        program_admin::update_program,
        program_admin::claims,
        program_admin::file_claim,
        program_admin::decide_claim,
        program_admin::payment_batches,
        program_admin::create_payment_batch,
        program_admin::pay_batch,
        program_admin::set_partner_markets,
        program_admin::adjust,
        coupon_api::unlock_pin,
    ),
    components(schemas(
        program_admin::ApiClaim,
        program_admin::NewClaim,
        program_admin::ClaimDecision,
        program_admin::ApiPaymentBatch,
        program_admin::NewPaymentBatch,
        program_admin::BatchPayment,
        program_admin::ApiProgramSettings,
        program_admin::PartnerMarkets,
        program_admin::NewAdjustment,
        problem::Problem,
        problem::FieldProblem,
        organizations::Me,
        organizations::ApiTokenInfo,
        organizations::ApiOrganization,
        organizations::ApiMember,
        organizations::NewInvitation,
        organizations::ApiInvitation,
        organizations::ApiAuditEntry,
        food_hub::ApiProduct,
        food_hub::ApiLocation,
        food_hub::ApiCycle,
        food_hub::ApiOffer,
        food_hub::ApiCatalogItem,
        food_hub::ApiLine,
        food_hub::NewOrder,
        food_hub::ApiOrder,
        food_hub::ApiStanding,
        food_hub::ApiRun,
        food_hub::ApiShortage,
        food_hub::NewStanding,
        coupon_api::ApiProductGroup,
        coupon_api::ApiParticipantType,
        coupon_api::ApiProgram,
        coupon_api::ApiAmount,
        coupon_api::ApiSchedule,
        coupon_api::ApiParticipant,
        coupon_api::NewImport,
        coupon_api::NewMaxLoads,
        coupon_api::ApiImportRow,
        coupon_api::ApiImportOutcome,
        coupon_api::ApiImportReport,
        coupon_api::ApiCard,
        coupon_api::NewBatch,
        coupon_api::ApiBalance,
        coupon_api::ApiCardBalance,
        coupon_api::ApiGroupAmount,
        coupon_api::NewRedemption,
        coupon_api::ApiRedemption,
        coupon_api::NewRefund,
        coupon_api::ApiTransaction,
    )),
    modifiers(&BearerAuth, &Completion, &CleanText),
    tags(
        (name = "organizations", description = "The caller's organization, members, invitations and audit log"),
        (name = "food hub", description = "Products, order cycles, availability, catalogs and orders. Quantities are decimal strings in the product's unit; money is integer cents."),
        (name = "coupons", description = "Food-coupon programs: schedules, participants, cards, redemptions and refunds. Money is integer cents; dates are YYYY-MM-DD.")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The API routes, with problem localization and idempotency.
pub fn routes(state: AppState) -> Router<AppState> {
    let v1 = Router::new()
        .route("/api/v1/me", get(organizations::me))
        .route(
            "/api/v1/organizations/{org}",
            get(organizations::organization),
        )
        .route(
            "/api/v1/organizations/{org}/members",
            get(organizations::members),
        )
        .route(
            "/api/v1/organizations/{org}/invitations",
            post(organizations::invite),
        )
        .route(
            "/api/v1/organizations/{org}/audit",
            get(organizations::audit),
        )
        .route(
            "/api/v1/organizations/{org}/products",
            get(food_hub::products).post(food_hub::create_product),
        )
        .route(
            "/api/v1/organizations/{org}/products/{id}",
            get(food_hub::product).put(food_hub::update_product),
        )
        .route(
            "/api/v1/organizations/{org}/order-cycles",
            get(food_hub::cycles).post(food_hub::create_cycle),
        )
        .route(
            "/api/v1/organizations/{org}/order-cycles/{id}",
            get(food_hub::cycle),
        )
        .route(
            "/api/v1/organizations/{org}/order-cycles/{id}/availability",
            get(food_hub::hub_availability),
        )
        .route(
            "/api/v1/organizations/{org}/order-cycles/{id}/orders",
            get(food_hub::cycle_orders),
        )
        .route(
            "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/availability",
            get(food_hub::producer_availability).put(food_hub::set_availability),
        )
        .route(
            "/api/v1/organizations/{org}/hubs/{hub}/order-cycles/{id}/catalog",
            get(food_hub::catalog),
        )
        .route(
            "/api/v1/organizations/{org}/orders",
            get(food_hub::orders).post(food_hub::place_order),
        )
        .route(
            "/api/v1/organizations/{org}/orders/{id}",
            get(food_hub::order).put(food_hub::update_order),
        )
        .route(
            "/api/v1/organizations/{org}/orders/{id}/cancel",
            post(food_hub::cancel_order),
        )
        .route(
            "/api/v1/organizations/{org}/standing-orders",
            get(food_hub::standing_orders).post(food_hub::create_standing),
        )
        .route(
            "/api/v1/organizations/{org}/standing-orders/{id}/{action}",
            post(food_hub::change_standing),
        )
        .route(
            "/api/v1/organizations/{org}/programs",
            get(coupon_api::programs),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}",
            get(coupon_api::program).put(program_admin::update_program),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/claims",
            get(program_admin::claims).post(program_admin::file_claim),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/claims/{cid}/decision",
            post(program_admin::decide_claim),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/payment-batches",
            get(program_admin::payment_batches).post(program_admin::create_payment_batch),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/payment-batches/{bid}/payment",
            post(program_admin::pay_batch),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/partners/{pid}/markets",
            put(program_admin::set_partner_markets),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/cards/{cid}/adjustments",
            post(program_admin::adjust),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/cards/{cid}/pin-unlock",
            post(coupon_api::unlock_pin),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/allocation-schedules",
            get(coupon_api::schedules).post(coupon_api::create_schedule),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/participants",
            get(coupon_api::participants).post(coupon_api::create_participant),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/participants/import",
            post(coupon_api::import_participants),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/participants/{pid}",
            put(coupon_api::update_participant),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/participants/{pid}/allocation-schedules/{sid}",
            put(coupon_api::set_max_loads),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/cards",
            get(coupon_api::cards).post(coupon_api::create_cards),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/transactions",
            get(coupon_api::transactions),
        )
        .route(
            "/api/v1/organizations/{org}/cards/lookup",
            get(coupon_api::card_lookup),
        )
        .route(
            "/api/v1/organizations/{org}/redemptions",
            post(coupon_api::redeem),
        )
        .route(
            "/api/v1/organizations/{org}/redemptions/{id}",
            get(coupon_api::redemption),
        )
        .route(
            "/api/v1/organizations/{org}/redemptions/{id}/refunds",
            post(coupon_api::refund),
        )
        .layer(axum::middleware::from_fn_with_state(
            state,
            idempotency::idempotency,
        ))
        .layer(axum::middleware::from_fn(problem::localize));
    Router::new()
        .merge(v1)
        .route("/api/openapi.json", get(docs::openapi_json))
}
