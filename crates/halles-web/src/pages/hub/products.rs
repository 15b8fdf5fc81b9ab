//! A producer's catalog: list, add and change products.

use crate::AppState;
use crate::ctx::{Ctx, Member, StaffRole};
use crate::errors::{PageError, render};
use crate::forms::FormErrors;
use crate::pages::paths;
use crate::pages::see_other;
use crate::security::{CsrfForm, flash_headers};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use halles_core::ProductId;
use halles_core::catalog::{
    Allergen, Category, Certification, Origin, SaleUnit, Storage, check_packaging,
};
use halles_core::fulfilment::is_unit_weight;
use halles_core::taxes::TaxClass;
use halles_core::validation::Validator;
use halles_store::hub::catalog::{Product, ProductDetails, ProductInput};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "products.html")]
struct ProductsPage {
    page: Ctx,
    products: Vec<Product>,
}

/// The producer's catalog.
pub async fn list(
    _: paths::Products,
    State(state): State<AppState>,
    m: Member,
) -> Result<Response, PageError> {
    let products = state.store.products(&m.scope).await?;
    let lang = m.ctx.i18n.lang;
    Ok(render(
        &ProductsPage {
            page: m.ctx,
            products,
        },
        lang,
    ))
}

/// The product form as typed (strings, so a bad value comes back as typed).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    name_fr: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    unit_detail: String,
    #[serde(default)]
    catch_weight: Option<String>,
    #[serde(default)]
    est_weight_g: String,
    #[serde(default)]
    tax_class: String,
    #[serde(default)]
    origin: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    certification: Vec<String>,
    #[serde(default)]
    organic_certifier: String,
    #[serde(default)]
    active: Option<String>,
    #[serde(default)]
    allergen: Vec<String>,
    #[serde(default)]
    storage: String,
    #[serde(default)]
    sku: String,
    #[serde(default)]
    gtin: String,
    #[serde(default)]
    case_size: String,
}

impl ProductForm {
    fn from_product(p: &ProductInput) -> Self {
        ProductForm {
            name_fr: p.name_fr.clone(),
            name_en: p.name_en.clone(),
            category: p.category.code().into(),
            description: p.description.clone(),
            unit: p.unit.code().into(),
            unit_detail: p.unit_detail.clone(),
            catch_weight: p.catch_weight.then(|| "on".into()),
            est_weight_g: p.est_weight_g.map(|g| g.to_string()).unwrap_or_default(),
            tax_class: p.tax_class.code().into(),
            origin: p.origin.code().into(),
            region: p.region.clone(),
            certification: p
                .certifications
                .iter()
                .map(|c| c.code().to_owned())
                .collect(),
            organic_certifier: p.organic_certifier.clone(),
            active: p.active.then(|| "on".into()),
            allergen: p
                .details
                .allergens
                .iter()
                .map(|a| a.code().to_owned())
                .collect(),
            storage: p
                .details
                .storage
                .map(|s| s.code().into())
                .unwrap_or_default(),
            sku: p.details.sku.clone(),
            gtin: p
                .details
                .gtin
                .as_ref()
                .map(|g| g.to_string())
                .unwrap_or_default(),
            case_size: p
                .details
                .case_size
                .map(|n| n.to_string())
                .unwrap_or_default(),
        }
    }

    fn new_product() -> Self {
        ProductForm {
            category: "vegetables".into(),
            unit: "kg".into(),
            tax_class: "zero_rated".into(),
            origin: "quebec_grown".into(),
            active: Some("on".into()),
            ..Default::default()
        }
    }

    /// Checks and converts, naming each field in error.
    fn parse(&self) -> Result<ProductInput, Vec<halles_core::validation::FieldError>> {
        let mut v = Validator::new();
        v.required("name_fr", &self.name_fr);
        v.max_len("name_fr", &self.name_fr, 120);
        v.max_len("name_en", &self.name_en, 120);
        v.max_len("description", &self.description, 2000);
        let category = self.category.parse::<Category>();
        if category.is_err() {
            v.add("category", "choice_invalid");
        }
        let unit = self.unit.parse::<SaleUnit>();
        if unit.is_err() {
            v.add("unit", "choice_invalid");
        }
        let tax = self.tax_class.parse::<TaxClass>();
        if tax.is_err() {
            v.add("tax_class", "choice_invalid");
        }
        let origin = self.origin.parse::<Origin>();
        if origin.is_err() {
            v.add("origin", "choice_invalid");
        }
        let catch_weight = self.catch_weight.is_some();
        let est = self.est_weight_g.trim();
        let est_weight_g = if est.is_empty() {
            None
        } else {
            match est.parse::<i64>() {
                Ok(g) if is_unit_weight(g) => Some(g),
                _ => {
                    v.add("est_weight_g", "grams_invalid");
                    None
                }
            }
        };
        if catch_weight && est_weight_g.is_none() && est.is_empty() {
            v.add("est_weight_g", "weight_required");
        }
        let certifications: Vec<Certification> = self
            .certification
            .iter()
            .filter_map(|c| c.parse().ok())
            .collect();
        if certifications.contains(&Certification::Organic)
            && self.organic_certifier.trim().is_empty()
        {
            v.add("organic_certifier", "certifier_required");
        }
        let allergens: Vec<Allergen> = self
            .allergen
            .iter()
            .filter_map(|c| c.parse().ok())
            .collect();
        let storage = match self.storage.trim() {
            "" => Ok(None),
            code => code.parse::<Storage>().map(Some),
        };
        if storage.is_err() {
            v.add("storage", "choice_invalid");
        }
        let case = self.case_size.trim();
        let case_size = if case.is_empty() {
            None
        } else {
            // Not a whole number: out of range, so the same message as a bound.
            Some(case.parse::<i64>().unwrap_or(0))
        };
        let packaging = check_packaging(&mut v, &self.sku, &self.gtin, case_size);
        v.finish()?;
        let (Ok(category), Ok(unit), Ok(tax_class), Ok(origin), Ok(storage), Some(packaging)) =
            (category, unit, tax, origin, storage, packaging)
        else {
            return Err(Vec::new());
        };
        Ok(ProductInput {
            name_fr: self.name_fr.trim().into(),
            name_en: self.name_en.trim().into(),
            category,
            description: self.description.trim().into(),
            unit,
            unit_detail: self.unit_detail.trim().into(),
            catch_weight,
            est_weight_g,
            tax_class,
            origin,
            region: self.region.trim().into(),
            certifications,
            organic_certifier: self.organic_certifier.trim().into(),
            active: self.active.is_some(),
            details: ProductDetails::new(allergens, storage, packaging),
        })
    }

    fn has_cert(&self, code: &str) -> bool {
        self.certification.iter().any(|c| c == code)
    }

    fn has_allergen(&self, code: &str) -> bool {
        self.allergen.iter().any(|c| c == code)
    }
}

#[derive(Template)]
#[template(path = "product_form.html")]
struct ProductFormPage {
    page: Ctx,
    form: ProductForm,
    errors: FormErrors,
    action: String,
    is_new: bool,
    /// The product's id and whether it has a photo (editing only).
    photo: Option<(ProductId, bool)>,
}

impl ProductFormPage {
    fn categories(&self) -> Vec<&'static str> {
        Category::ALL.iter().map(|c| c.code()).collect()
    }
    fn units(&self) -> Vec<&'static str> {
        SaleUnit::ALL.iter().map(|c| c.code()).collect()
    }
    fn origins(&self) -> Vec<&'static str> {
        Origin::ALL.iter().map(|c| c.code()).collect()
    }
    fn taxes(&self) -> Vec<&'static str> {
        TaxClass::ALL.iter().map(|c| c.code()).collect()
    }
    fn certifications(&self) -> &'static [Certification] {
        Certification::ALL
    }
    fn allergens(&self) -> &'static [Allergen] {
        Allergen::ALL
    }
    fn storages(&self) -> Vec<&'static str> {
        Storage::ALL.iter().map(|c| c.code()).collect()
    }
}

fn form_page(
    m: Member<StaffRole>,
    form: ProductForm,
    errors: FormErrors,
    action: String,
    is_new: bool,
    photo: Option<(ProductId, bool)>,
) -> Response {
    let lang = m.ctx.i18n.lang;
    let failed = !errors.is_empty();
    let mut res = render(
        &ProductFormPage {
            page: m.ctx,
            form,
            errors,
            action,
            is_new,
            photo,
        },
        lang,
    );
    if failed {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

/// The new-product form.
pub async fn new_form(_: paths::ProductNew, m: Member<StaffRole>) -> Response {
    let action = paths::ProductNew(m.org.id).to_string();
    form_page(
        m,
        ProductForm::new_product(),
        FormErrors::none(),
        action,
        true,
        None,
    )
}

/// Adds a product.
pub async fn create(
    _: paths::ProductNew,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ProductForm>,
) -> Result<Response, PageError> {
    match form.parse() {
        Ok(input) => {
            state.store.create_product(&m.scope, &input).await?;
            let [f, k] = flash_headers(
                "success",
                "flash-product-saved",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::Products(m.org.id).to_string(), [f, k]))
        }
        Err(errs) => {
            let errors = FormErrors::from_fields(&errs, &m.ctx.i18n);
            let action = paths::ProductNew(m.org.id).to_string();
            Ok(form_page(m, form, errors, action, true, None))
        }
    }
}

/// A product's form.
pub async fn edit_form(
    paths::Product(_, ProductId(id)): paths::Product,
    State(state): State<AppState>,
    m: Member<StaffRole>,
) -> Result<Response, PageError> {
    let p = state.store.product(&m.scope, ProductId(id)).await?;
    let action = paths::Product(m.org.id, ProductId(id)).to_string();
    let has_photo = state.store.product_photo(p.id).await?.is_some();
    Ok(form_page(
        m,
        ProductForm::from_product(&p.input),
        FormErrors::none(),
        action,
        false,
        Some((p.id, has_photo)),
    ))
}

/// Saves a product.
pub async fn update(
    paths::Product(_, ProductId(id)): paths::Product,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    CsrfForm(form): CsrfForm<ProductForm>,
) -> Result<Response, PageError> {
    match form.parse() {
        Ok(input) => {
            state
                .store
                .update_product(&m.scope, ProductId(id), &input)
                .await?;
            let [f, k] = flash_headers(
                "success",
                "flash-product-saved",
                state.config.secure_cookies,
            );
            Ok(see_other(&paths::Products(m.org.id).to_string(), [f, k]))
        }
        Err(errs) => {
            let errors = FormErrors::from_fields(&errs, &m.ctx.i18n);
            let action = paths::Product(m.org.id, ProductId(id)).to_string();
            Ok(form_page(
                m,
                form,
                errors,
                action,
                false,
                Some((ProductId(id), false)),
            ))
        }
    }
}

/// Receives a product photo (multipart form with `csrf` and `photo`), resizes it and stores it.
pub async fn upload_photo(
    paths::ProductPhoto(_, ProductId(id)): paths::ProductPhoto,
    State(state): State<AppState>,
    m: Member<StaffRole>,
    headers: axum::http::HeaderMap,
    token: Option<axum::Extension<crate::security::CsrfToken>>,
    multipart: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let secure = state.config.secure_cookies;
    let back = paths::Product(m.org.id, ProductId(id)).to_string();
    let upload = crate::pages::picture_upload(
        &headers,
        token.as_ref().map(|t| &t.0),
        multipart,
        "photo",
        m.ctx.i18n.lang,
    )
    .await?;
    let [f, k] = match upload.picture {
        None => flash_headers("error", "err-photo_missing", secure),
        Some(Ok(jpeg)) => {
            state
                .store
                .set_product_photo(&m.scope, ProductId(id), &jpeg)
                .await?;
            flash_headers("success", "flash-photo-saved", secure)
        }
        Some(Err(())) => flash_headers("error", "err-photo_unreadable", secure),
    };
    Ok(see_other(&back, [f, k]))
}

/// A product photo, for signed-in people (catalog content, not tenant data).
pub async fn photo(
    paths::Photo(file): paths::Photo,
    State(state): State<AppState>,
    _signed: crate::ctx::SignedIn,
) -> Result<Response, PageError> {
    use axum::response::IntoResponse;
    let id: i64 = file
        .trim_end_matches(".jpg")
        .parse()
        .map_err(|_| halles_store::StoreError::NotFound)?;
    let (jpeg, _) = state
        .store
        .product_photo(ProductId(id))
        .await?
        .ok_or(halles_store::StoreError::NotFound)?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "image/jpeg"),
            (axum::http::header::CACHE_CONTROL, "private, max-age=300"),
        ],
        jpeg,
    )
        .into_response())
}
