//! The JSON API under `/api/v1`, its OpenAPI 3.1 document and its documentation page.

pub mod auth;
pub mod coupons;
pub mod docs;
pub mod document;
pub mod food_hub;
pub mod idempotency;
pub mod json;
pub mod organizations;
pub mod pagination;
pub mod problem;
pub mod program_admin;
pub mod schemas;

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
        coupons::programs,
        coupons::program,
        coupons::schedules,
        coupons::create_schedule,
        coupons::participants,
        coupons::create_participant,
        coupons::import_participants,
        coupons::update_participant,
        coupons::set_max_loads,
        coupons::cards,
        coupons::create_cards,
        coupons::card_lookup,
        coupons::redeem,
        coupons::redemption,
        coupons::refund,
        coupons::transactions,
        program_admin::update_program,
        program_admin::claims,
        program_admin::file_claim,
        program_admin::decide_claim,
        program_admin::payment_batches,
        program_admin::create_payment_batch,
        program_admin::pay_batch,
        program_admin::set_partner_markets,
        program_admin::adjust,
        coupons::unlock_pin,
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
        coupons::ApiProductGroup,
        coupons::ApiParticipantType,
        coupons::ApiProgram,
        coupons::ApiAmount,
        coupons::ApiSchedule,
        coupons::ApiParticipant,
        coupons::NewImport,
        coupons::NewMaxLoads,
        coupons::ApiImportRow,
        coupons::ApiImportOutcome,
        coupons::ApiImportReport,
        coupons::ApiCard,
        coupons::NewBatch,
        coupons::ApiBalance,
        coupons::ApiCardBalance,
        coupons::ApiGroupAmount,
        coupons::NewRedemption,
        coupons::ApiRedemption,
        coupons::NewRefund,
        coupons::ApiTransaction,
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
            get(coupons::programs),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}",
            get(coupons::program).put(program_admin::update_program),
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
            post(coupons::unlock_pin),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/allocation-schedules",
            get(coupons::schedules).post(coupons::create_schedule),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/participants",
            get(coupons::participants).post(coupons::create_participant),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/participants/import",
            post(coupons::import_participants),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/participants/{pid}",
            put(coupons::update_participant),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/participants/{pid}/allocation-schedules/{sid}",
            put(coupons::set_max_loads),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/cards",
            get(coupons::cards).post(coupons::create_cards),
        )
        .route(
            "/api/v1/organizations/{org}/programs/{id}/transactions",
            get(coupons::transactions),
        )
        .route(
            "/api/v1/organizations/{org}/cards/lookup",
            get(coupons::card_lookup),
        )
        .route(
            "/api/v1/organizations/{org}/redemptions",
            post(coupons::redeem),
        )
        .route(
            "/api/v1/organizations/{org}/redemptions/{id}",
            get(coupons::redemption),
        )
        .route(
            "/api/v1/organizations/{org}/redemptions/{id}/refunds",
            post(coupons::refund),
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
