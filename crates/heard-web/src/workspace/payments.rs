//! "Request a payment" on the case page: during a call the agent asks GOV.UK Pay for a
//! payment (a replacement certificate's fee, say) and heard sends the resident Pay's link
//! by email (the case page's own reply path: an outbound contact on the case) or by text
//! (the GOV.UK Notify outbox). The resident pays on Pay's pages, so card details never
//! pass through the agent or the case; the case shows each payment with Pay's status.
//!
//! Pay is asked first: if it is away or refuses, nothing is recorded and nothing sent, and
//! the agent is told why. Once Pay has created the payment it is recorded (with the text
//! message, when it goes by text, in the same transaction) before the link is emailed, so
//! heard never loses track of a payment a resident may already be paying.

use super::actions::guard;
use super::case_page::{FormState, render_case};
use crate::AppState;
use crate::auth::Caller;
use crate::i18n::{Lang, tf};
use crate::pages::{Staff, page_error};
use crate::payments::CASE_PAYMENT;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use heard_channels::pay::{Amount, NewPayment, PayError, pounds};
use heard_core::{CaseReference, Direction, Identity, IdentityKind};
use heard_store::payments::NewCasePayment;
use heard_store::sms::NewSms;
use heard_store::workspace::{NewReply, STALE_REPLY};
use heard_store::{CaseRecord, CustomerRecord, StoreError};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;

/// What the agent typed in the form, kept when it is shown again with an error.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct Typed {
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub description: String,
    /// `email` or `sms`.
    #[serde(default)]
    pub by: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// The case page's payments panel.
pub(crate) struct Panel {
    pub payments: Vec<PaymentView>,
    /// The form is offered: Pay is configured, the caller may write, the case is open.
    pub can_request: bool,
    /// Text messages can be sent (Notify is configured).
    pub by_text: bool,
    pub form: Typed,
}

/// One payment as the panel shows it.
pub(crate) struct PaymentView {
    pub amount: String,
    pub description: String,
    /// Pay's status word (`created`, `success`…), also the tag's style.
    pub status: String,
    /// "by email to …", "by text to …".
    pub sent: String,
    pub by: Option<String>,
    pub at: Timestamp,
}

/// The panel for `case`, or `None` when there is nothing to show (no `[pay]` and no
/// payments). The form is prefilled with the customer's email address and mobile number.
pub(crate) async fn panel(
    state: &AppState,
    case: &CaseRecord,
    customer: &CustomerRecord,
    can_write: bool,
    typed: Option<&Typed>,
    prefill: Option<&(String, String)>,
) -> Result<Option<Panel>, StoreError> {
    let payments = state.store().case_payments(case.id).await?;
    let configured = crate::payments::settings(state).is_some();
    if !configured && payments.is_empty() {
        return Ok(None);
    }
    let by_text = state.settings().sms;
    let first = |kind: IdentityKind| {
        customer
            .identities
            .iter()
            .find(|i| i.kind == kind && !i.undeliverable)
            .map(|i| i.value.clone())
            .unwrap_or_default()
    };
    let form = match typed {
        Some(t) => t.clone(),
        None => {
            let email = first(IdentityKind::Email);
            let phone = first(IdentityKind::Phone);
            let by = if email.is_empty() && by_text && !phone.is_empty() {
                "sms"
            } else {
                "email"
            };
            let (amount, description) = prefill.cloned().unwrap_or_default();
            Typed {
                by: by.into(),
                email,
                phone,
                amount,
                description,
            }
        }
    };
    let payments = payments
        .into_iter()
        .map(|p| PaymentView {
            amount: pounds(p.amount_pence),
            description: p.description,
            sent: match p.sent_by.as_str() {
                "sms" => format!("by text to {}", p.sent_to),
                _ => format!("by email to {}", p.sent_to),
            },
            status: p.status,
            by: p.created_by,
            at: p.created_at,
        })
        .collect();
    Ok(Some(Panel {
        payments,
        can_request: configured && can_write && case.status.is_open(),
        by_text,
        form,
    }))
}

/// The history entries of payments, in words, for the timeline.
pub(crate) fn describe(kind: &str, d: &serde_json::Value) -> String {
    let amount = pounds(d["amount_pence"].as_i64().unwrap_or(0));
    let status = |k: &str| d[k].as_str().unwrap_or("").to_string();
    match kind {
        "payment_requested" => {
            let how = if d["sent_by"] == "sms" { "text" } else { "email" };
            format!(
                "Payment of {amount} requested through GOV.UK Pay ({}), link sent by {how} to {}",
                d["description"].as_str().unwrap_or(""),
                d["to"].as_str().unwrap_or("")
            )
        }
        _ => {
            let via = match d["via"].as_str() {
                Some("webhook") => "GOV.UK Pay told us",
                Some("return") => "seen when the resident came back from GOV.UK Pay",
                _ => "checked with GOV.UK Pay",
            };
            format!("Payment of {amount}: {} → {} ({via})", status("from"), status("to"))
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct PaymentForm {
    csrf_token: String,
    #[serde(flatten)]
    typed: Typed,
}

/// `POST /cases/{reference}/payments`: asks Pay for the payment and sends its link.
pub(crate) async fn request(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Path(raw): Path<String>,
    Form(f): Form<PaymentForm>,
) -> Response {
    let reference = match guard(&state, &caller, &raw, &f.csrf_token).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    if crate::payments::settings(&state).is_none() {
        return (StatusCode::NOT_FOUND, "payments by link are not set up ([pay])").into_response();
    }
    let typed = f.typed;
    let again = |errors: Vec<(&'static str, String)>, status: StatusCode| FormState {
        errors,
        status: Some(status),
        payment: Some(typed.clone()),
        ..Default::default()
    };
    let checked = match check(&state, &typed) {
        Ok(c) => c,
        Err(errors) => {
            let form = again(errors, StatusCode::UNPROCESSABLE_ENTITY);
            return render_case(&state, &caller, &reference, form, None).await;
        }
    };
    let store = state.store();
    let (case, customer) = match store.case(&reference).await {
        Ok(case) => match store.customer(case.customer.id).await {
            Ok(customer) => (case, customer),
            Err(e) => return page_error(e.into()),
        },
        Err(e) => return page_error(e.into()),
    };
    let lang = match customer.language.as_deref() {
        Some("cy") => Lang::Cy,
        _ => Lang::En,
    };
    let (token, token_hash) = crate::payments::new_token();
    let return_url = format!(
        "{}/pay/return/{token}{}",
        state.settings().public_url,
        if lang.is_welsh() { "?lang=cy" } else { "" }
    );
    let new = NewPayment {
        amount: checked.amount,
        reference: reference.to_string(),
        description: checked.description.clone(),
        return_url,
        email: (checked.by == "email").then(|| checked.to.clone()),
        language: lang.code().into(),
    };
    let created = match crate::payments::client(&state) {
        Ok(client) => client.create_payment(&new).await,
        Err(e) => Err(e),
    };
    let created = match created {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, case = %reference, "GOV.UK Pay did not create a payment");
            let (errors, status) = refused(e);
            return render_case(&state, &caller, &reference, again(errors, status), None).await;
        }
    };
    // Checked by the client: a created payment has its link.
    let link = created.next_url.clone().unwrap_or_default();
    let words = [
        ("amount", pounds(checked.amount.pence())),
        ("description", checked.description.clone()),
        ("reference", reference.to_string()),
        ("link", link.clone()),
    ];
    let words: Vec<(&str, &str)> = words.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sms = (checked.by == "sms").then(|| NewSms {
        case_id: Some(case.id),
        to: checked.to.clone(),
        body: tf(
            lang,
            "Pay {amount} for {description} (case {reference}) securely with GOV.UK Pay: {link}",
            &words,
        ),
    });
    let record = NewCasePayment {
        case_id: case.id,
        amount_pence: checked.amount.pence(),
        description: checked.description.clone(),
        reference: reference.to_string(),
        pay_id: created.payment_id.clone(),
        next_url: link,
        status: created.status.as_str().into(),
        sent_by: checked.by.into(),
        sent_to: checked.to.clone(),
        language: lang.code().into(),
        return_token_hash: token_hash,
        created_by: caller.user.id,
    };
    let id = match store.record_payment(&record, sms.as_ref()).await {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(error = %e, pay_id = %created.payment_id, "a payment Pay created was not recorded");
            return page_error(e.into());
        }
    };
    let mut detail = json!({"payment": id, "amount_pence": checked.amount.pence(), "sent_by": checked.by});
    if checked.by == "email" {
        let subject = tf(lang, "Payment request: {description}", &words);
        let body = tf(
            lang,
            "Hello,\n\nPlease pay {amount} for {description} (case {reference}) through this secure GOV.UK Pay \
             link:\n\n{link}\n\nWe will never ask for your card details by phone, email or text message.",
            &words,
        );
        match email_link(&state, &caller, &reference, &checked.to, &subject, &body).await {
            Ok(contact) => detail["contact"] = json!(contact),
            Err(why) => {
                let _ = super::audit_case(&state, &caller, &reference, CASE_PAYMENT, detail).await;
                let message = format!(
                    "The payment was created with GOV.UK Pay, but its link could not be emailed: {why}. \
                     Request it again by text, or check the address"
                );
                let form = again(vec![("pay_email", message)], StatusCode::UNPROCESSABLE_ENTITY);
                return render_case(&state, &caller, &reference, form, None).await;
            }
        }
    }
    super::changed(&state, &caller, &reference, CASE_PAYMENT, detail, "payment").await
}

/// The form, checked: every field at fault named.
struct Checked {
    amount: Amount,
    description: String,
    /// `email` or `sms`.
    by: &'static str,
    /// The email address, or the mobile number in E.164.
    to: String,
}

fn check(state: &AppState, t: &Typed) -> Result<Checked, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let amount = match Amount::parse_pounds(&t.amount) {
        Ok(a) => Some(a),
        Err(PayError::Invalid { reason, .. }) => {
            errors.push(("pay_amount", reason));
            None
        }
        Err(e) => {
            errors.push(("pay_amount", e.to_string()));
            None
        }
    };
    let description = t.description.trim().to_string();
    if description.is_empty() {
        errors.push(("pay_description", "Say what the payment is for".to_string()));
    } else if description.chars().count() > heard_channels::pay::MAX_TEXT_CHARS {
        errors.push((
            "pay_description",
            "The description must be 255 characters or fewer".to_string(),
        ));
    } else if heard_understand::redact::contains_card_number(&description) {
        // It goes to Pay and the case: never a card number.
        errors.push((
            "pay_description",
            "The description looks like it holds a card number: take it out. Card details are only ever typed on \
             GOV.UK Pay's own page"
                .to_string(),
        ));
    }
    let (by, to) = match t.by.as_str() {
        "email" => match Identity::new(IdentityKind::Email, &t.email) {
            Ok(i) => ("email", i.value),
            Err(_) => {
                errors.push(("pay_email", "Enter the email address to send the link to".to_string()));
                ("email", String::new())
            }
        },
        "sms" if state.settings().sms => match Identity::new(IdentityKind::Phone, &t.phone) {
            Ok(i) if i.value.starts_with("+447") => ("sms", i.value),
            _ => {
                errors.push((
                    "pay_phone",
                    "Enter a UK mobile number to text the link to, like 07700 900123".to_string(),
                ));
                ("sms", String::new())
            }
        },
        _ => {
            errors.push(("pay_by", "Choose how the link is sent".to_string()));
            ("email", String::new())
        }
    };
    match amount {
        Some(amount) if errors.is_empty() => Ok(Checked {
            amount,
            description,
            by,
            to,
        }),
        _ => Err(errors),
    }
}

/// What the agent reads when Pay did not create the payment, by the field at fault.
fn refused(e: PayError) -> (Vec<(&'static str, String)>, StatusCode) {
    let nothing = "No payment was requested and nothing was sent to the customer";
    match e {
        PayError::Invalid { field, reason } => {
            let id = match field {
                "amount" => "pay_amount",
                "description" => "pay_description",
                _ => "payment",
            };
            (vec![(id, reason)], StatusCode::UNPROCESSABLE_ENTITY)
        }
        PayError::Refused { field, description, .. } => {
            let id = match field.as_deref() {
                Some("amount") => "pay_amount",
                Some("description") => "pay_description",
                Some("email") => "pay_email",
                _ => "payment",
            };
            let message = format!("GOV.UK Pay refused the payment: {description}. {nothing}");
            (vec![(id, message)], StatusCode::UNPROCESSABLE_ENTITY)
        }
        PayError::Unauthorised => (
            vec![(
                "payment",
                format!("GOV.UK Pay did not accept heard's API key. {nothing}: tell your administrator"),
            )],
            StatusCode::BAD_GATEWAY,
        ),
        PayError::Config(why) => (
            vec![(
                "payment",
                format!("GOV.UK Pay is not set up properly ({why}). {nothing}"),
            )],
            StatusCode::INTERNAL_SERVER_ERROR,
        ),
        PayError::Unavailable(_) | PayError::NotFound(_) | PayError::Store(_) => (
            vec![(
                "payment",
                format!("GOV.UK Pay could not be reached. {nothing}: try again in a few minutes"),
            )],
            StatusCode::BAD_GATEWAY,
        ),
    }
}

/// Emails the link as a reply on the case (outbound contact, email outbox row and
/// `replied` entry, through `Store::record_reply`); the contact's id, or why not.
async fn email_link(
    state: &AppState,
    caller: &Caller,
    reference: &CaseReference,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<i64, String> {
    let store = state.store();
    // Someone may reply on the case at the same moment: the reply is then refused as
    // stale, and tried once more over the newer thread.
    for _ in 0..2 {
        let detail = store.case_detail(reference).await.map_err(|e| e.to_string())?;
        let last_reply_seen = detail
            .contacts
            .iter()
            .filter(|c| c.direction == Direction::Outbound)
            .map(|c| c.id)
            .max();
        let reply = heard_channels::smtp::Reply {
            case_id: reference.number(),
            case_reference: reference.to_string(),
            to: to.to_string(),
            subject: subject.to_string(),
            body: body.to_string(),
            attachments: Vec::new(),
        };
        let email = heard_channels::smtp::compose_reply(store, state.files(), &state.settings().reply_from, &reply)
            .await
            .map_err(|e| match e {
                heard_channels::smtp::SmtpError::Undeliverable(a) => format!("mail to {a} bounced before"),
                other => other.to_string(),
            })?;
        let result = store
            .record_reply(&NewReply {
                case: reference.clone(),
                actor: caller.user.id,
                channel: heard_core::Channel::Email,
                to: to.to_string(),
                subject: Some(email.subject.clone()),
                body: body.to_string(),
                email: Some(email),
                last_reply_seen,
            })
            .await;
        match result {
            Ok(contact) => return Ok(contact),
            Err(StoreError::Conflict(m)) if m == STALE_REPLY => continue,
            Err(e) => return Err(e.to_string()),
        }
    }
    Err("the case kept changing; try again".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_entries_read_in_words() {
        let d = json!({"payment": 1, "amount_pence": 1100, "description": "Replacement birth certificate",
                       "sent_by": "sms", "to": "+447700900123"});
        assert_eq!(
            describe("payment_requested", &d),
            "Payment of £11.00 requested through GOV.UK Pay (Replacement birth certificate), link sent by text \
             to +447700900123"
        );
        let d = json!({"payment": 1, "amount_pence": 1100, "from": "created", "to": "success", "via": "webhook"});
        assert_eq!(
            describe("payment_status", &d),
            "Payment of £11.00: created → success (GOV.UK Pay told us)"
        );
    }
}
