//! Registrar certificate orders at `/cases/{reference}/certificate`: on a certificate case,
//! the order — which certificate, the names, the date and place of the event, copies and
//! the delivery address — prefilled from what heard read in the resident's messages (and
//! their address on file), so nothing is typed twice; its fee from the council's prices
//! (`[certificates]`); whether it is paid (a link through GOV.UK Pay from the case page,
//! prefilled with the fee); and "Posted", which resolves the case.

use crate::audit::Action;
use crate::pages::{Staff, page_error, render};
use crate::problems::field_errors;
use crate::time::London;
use crate::workspace::{audit_case, check_form, read_values, visible_case};
use crate::{AppState, Caller};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use heard_channels::pay::pounds;
use heard_core::CaseReference;
use heard_core::certificate::{CertificateOrder, CertificateType, MAX_COPIES};
use heard_store::certificates::OrderRecord;
use heard_store::{CaseRecord, StoreError};
use heard_understand::extract::kinds;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/cases/{reference}/certificate", get(page).post(save))
}

/// What the officer typed (or heard read), kept when the form is refused.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct OrderForm {
    #[serde(default)]
    csrf_token: String,
    /// `save` or `dispatch`.
    #[serde(default)]
    step: String,
    #[serde(default)]
    certificate: String,
    #[serde(default)]
    names: String,
    #[serde(default)]
    event_on: String,
    #[serde(default)]
    event_place: String,
    #[serde(default)]
    copies: String,
    #[serde(default)]
    delivery_address: String,
    #[serde(default)]
    paid_otherwise: String,
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct OrderPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    case: CaseRecord,
    can_write: bool,
    order: Option<OrderRecord>,
    form: OrderForm,
    /// The form's fields that heard filled from the messages, for the hint.
    read: Vec<&'static str>,
    max_copies: u32,
    /// Price per copy of each type, in words ("£12.50").
    prices: Vec<(CertificateType, String)>,
    fee: String,
    paid: String,
    /// The case page's "Request a payment", prefilled with the fee.
    pay_link: String,
    errors: Vec<(String, String)>,
    done: Option<&'static str>,
}

impl OrderPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::problems::field_error(&self.errors, field)
    }
}

#[derive(Deserialize)]
struct PageQuery {
    done: Option<String>,
}

async fn page(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let reference = match visible_case(&state, &caller, &raw).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let done = match q.done.as_deref() {
        Some("saved") => Some("The order was saved with its fee."),
        Some("posted") => Some("The certificates are recorded as posted, and the case is resolved."),
        _ => None,
    };
    show(&state, &caller, &reference, None, Vec::new(), done).await
}

async fn show(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    typed: Option<OrderForm>,
    errors: Vec<(String, String)>,
    done: Option<&'static str>,
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    match build(state, caller, reference, typed, errors, done).await {
        Ok(p) => (status, render(&p)).into_response(),
        Err(e) => page_error(e.into()),
    }
}

async fn build(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    typed: Option<OrderForm>,
    errors: Vec<(String, String)>,
    done: Option<&'static str>,
) -> Result<OrderPage, StoreError> {
    let store = state.store();
    let detail = store.case_detail(reference).await?;
    let order = store.certificate_order(reference).await?;
    let prices = state.settings().certificate_prices;
    let mut read = Vec::new();
    let form = match (typed, &order) {
        (Some(t), _) => t,
        (None, Some(o)) => OrderForm {
            certificate: o.order.certificate.as_str().to_string(),
            names: o.order.names.clone(),
            event_on: o.order.event_on.to_string(),
            event_place: o.order.event_place.clone(),
            copies: o.order.copies.to_string(),
            delivery_address: o.order.delivery_address.clone(),
            paid_otherwise: o.paid_otherwise.clone(),
            ..Default::default()
        },
        (None, None) => {
            // Nothing typed twice: what the resident's messages said, confirmed values first.
            let values = read_values(&detail.contacts);
            let first = |kind: &str| values.iter().find(|v| v.kind == kind).map(|v| v.value.clone());
            let mut f = OrderForm {
                copies: "1".into(),
                ..Default::default()
            };
            if let Some(t) = first(kinds::CERTIFICATE_TYPE).and_then(|w| CertificateType::from_word(&w)) {
                f.certificate = t.as_str().to_string();
                read.push("certificate");
            }
            let names: Vec<String> = values
                .iter()
                .filter(|v| v.kind == kinds::PERSON_NAME)
                .map(|v| v.value.clone())
                .collect();
            if !names.is_empty() {
                f.names = names.join(" and ");
                read.push("names");
            }
            if let Some(d) = first(kinds::EVENT_DATE) {
                f.event_on = d;
                read.push("event_on");
            }
            let customer = store.customer(detail.case.customer.id).await?;
            if let Some(a) = customer.addresses.first() {
                let mut lines = vec![a.line1.clone()];
                lines.extend(a.line2.clone());
                lines.push(a.town.clone());
                lines.push(a.postcode.clone());
                f.delivery_address = lines
                    .into_iter()
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
            } else if let Some(a) = first(kinds::ADDRESS) {
                f.delivery_address = match first(kinds::POSTCODE) {
                    Some(p) if !a.contains(&p) => format!("{a}, {p}"),
                    _ => a,
                };
                read.push("delivery_address");
            }
            f
        }
    };
    let fee = order.as_ref().map(|o| o.fee_pence).unwrap_or(0);
    let pay_for = order
        .as_ref()
        .map(|o| {
            let n = o.order.copies;
            let copies = if n == 1 {
                "1 copy".to_string()
            } else {
                format!("{n} copies")
            };
            format!("{} ({copies}), {}", o.order.certificate.label(), reference)
        })
        .unwrap_or_default();
    let paid = match &order {
        None => String::new(),
        Some(o) if !o.paid_otherwise.is_empty() => format!("Paid another way: {}", o.paid_otherwise),
        Some(o) if o.paid() => format!("Paid by link ({})", pounds(o.paid_by_link_pence)),
        Some(o) if o.paid_by_link_pence > 0 => format!(
            "Part paid by link ({} of {})",
            pounds(o.paid_by_link_pence),
            pounds(o.fee_pence)
        ),
        Some(_) => "Not paid yet".to_string(),
    };
    let pay_link = format!(
        "/cases/{reference}?pay_amount={}&pay_for={}#payment",
        urlencoding(&format!("{:.2}", fee as f64 / 100.0)),
        urlencoding(&pay_for)
    );
    Ok(OrderPage {
        user: Some(caller.user.clone()),
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        can_write: caller.user.role.can_write(),
        case: detail.case,
        order,
        form,
        read,
        max_copies: MAX_COPIES,
        prices: CertificateType::ALL
            .iter()
            .map(|t| (*t, pounds(i64::from(prices.per_copy(*t)))))
            .collect(),
        fee: pounds(fee),
        paid,
        pay_link,
        errors,
        done,
    })
}

/// Percent-encodes a query value.
fn urlencoding(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)])
        .map(|e| e.trim_start_matches("v=").to_string())
        .unwrap_or_default()
}

async fn save(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<OrderForm>,
) -> Response {
    if let Some(refused) = check_form(&caller, &f.csrf_token) {
        return refused;
    }
    let reference = match visible_case(&state, &caller, &raw).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let result = if f.step == "dispatch" {
        state
            .store()
            .dispatch_certificates(&reference, &f.paid_otherwise, caller.user.id)
            .await
    } else {
        let today = jiff::Timestamp::now().to_zoned(crate::time::london_tz()).date();
        let order = CertificateOrder::new(
            f.certificate.parse().ok(),
            &f.names,
            f.event_on.trim().parse().ok(),
            &f.event_place,
            f.copies.trim().parse().ok(),
            &f.delivery_address,
            today,
        );
        match order {
            Ok(o) => {
                let fee = o.fee_pence(&state.settings().certificate_prices);
                state
                    .store()
                    .save_certificate_order(&reference, &o, fee, caller.user.id)
                    .await
            }
            Err(inv) => Err(inv.into()),
        }
    };
    match result {
        Ok(()) => {
            let detail = serde_json::json!({"step": if f.step == "dispatch" { "dispatch" } else { "save" }});
            if let Some(refused) = audit_case(&state, &caller, &reference, Action::CASE_CERTIFICATE, detail).await {
                return refused;
            }
            let done = if f.step == "dispatch" { "posted" } else { "saved" };
            Redirect::to(&format!("/cases/{reference}/certificate?done={done}")).into_response()
        }
        Err(StoreError::Invalid(inv)) => show(&state, &caller, &reference, Some(f), field_errors(inv), None).await,
        Err(e) => page_error(e.into()),
    }
}

impl OrderPage {
    fn posted_already(&self) -> bool {
        self.order.as_ref().is_some_and(|o| o.dispatched_at.is_some())
    }

    fn posted(&self) -> String {
        self.order
            .as_ref()
            .and_then(|o| o.dispatched_at.map(|t| t.london("%-d %B %Y")))
            .unwrap_or_default()
    }
}
