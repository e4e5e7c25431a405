//! The MOT day pack, `/mot?service=…&from=…&to=…` (and `/mot.csv`): what one department
//! dealt with over a period — contacts by channel and week, cases by kind, complaints,
//! missed deadlines, its emerging issues and open learning actions — printable (the page's
//! own print stylesheet drops the navigation and forms), with a form to record a finding
//! as a learning action during the day. The period defaults to the six months to today.

use crate::audit::{Action, Subject};
use crate::learning::{Row, rows, today};
use crate::pages::{Staff, page_error, render};
use crate::satisfaction::csv_field;
use crate::{AppState, Caller};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use heard_core::CaseReference;
use heard_store::UserRecord;
use heard_store::learning::{KINDS, LearningFilter, Source};
use heard_store::mot::{MotFigures, PackCase};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/mot", get(page))
        .route("/mot.csv", get(csv))
        .route("/static/mot.css", get(style))
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        include_str!("../static/mot.css"),
    )
}

#[derive(Deserialize, Default)]
struct PackQuery {
    #[serde(default)]
    service: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// A case line of the pack.
struct CaseLine {
    reference: String,
    title: String,
    kind: String,
    status: String,
    opened: String,
    due: String,
    closed: String,
}

/// An emerging issue of the department.
struct AlarmLine {
    title: String,
    raised_on: String,
    observed: u32,
    window_days: i32,
    one_in: String,
}

/// Everything in one pack, for the page and the CSV alike.
struct Pack {
    service: String,
    service_name: String,
    from: Date,
    to: Date,
    figures: MotFigures,
    contacts: i64,
    complaints: Vec<CaseLine>,
    missed: Vec<CaseLine>,
    alarms: Vec<AlarmLine>,
    actions: Vec<Row>,
}

#[derive(Template)]
#[template(path = "mot.html")]
struct PackPage {
    user: Option<UserRecord>,
    csrf: String,
    can_write: bool,
    services: Vec<(String, String)>,
    pack: Option<Pack>,
    from: String,
    to: String,
    errors: Vec<(String, String)>,
    chart: String,
    chart_max: i64,
    kinds: &'static [(&'static str, &'static str)],
    owners: Vec<(i64, String)>,
    me: i64,
    today: String,
    back: String,
}

/// The period asked for, or errors by field.
fn period(q: &PackQuery) -> Result<(Date, Date), Vec<(String, String)>> {
    let mut errors = Vec::new();
    let to = match q.to.trim() {
        "" => Some(today()),
        t => t.parse::<Date>().ok(),
    };
    if to.is_none() {
        errors.push(("to".to_string(), "To: enter a date like 2027-03-31".to_string()));
    }
    let to = to.unwrap_or(today());
    let from = match q.from.trim() {
        "" => to.checked_sub(6.months()).ok(),
        f => f.parse::<Date>().ok(),
    };
    match from {
        None => errors.push(("from".into(), "From: enter a date like 2026-10-01".into())),
        Some(f) if f > to => errors.push(("from".into(), "From: must be on or before the To date".into())),
        _ => {}
    }
    if errors.is_empty() {
        Ok((from.unwrap_or(to), to))
    } else {
        Err(errors)
    }
}

fn line(c: &PackCase, prefix: &str) -> CaseLine {
    use crate::time::London;
    CaseLine {
        reference: CaseReference::new(prefix, c.id)
            .map(|r| r.to_string())
            .unwrap_or_default(),
        title: c.title.clone(),
        kind: c.kind.replace('_', " "),
        status: c.status.replace('_', " "),
        opened: c.created_at.london("%-d %b %Y"),
        due: c.due_at.map(|t| t.london("%-d %b %Y %H:%M")).unwrap_or_default(),
        closed: c.closed_at.map(|t| t.london("%-d %b %Y")).unwrap_or_default(),
    }
}

/// Builds the pack of `service` over `from`..=`to` (London days).
async fn build(state: &AppState, service: &str, name: &str, from: Date, to: Date) -> Result<Pack, Response> {
    let tz = crate::time::london_tz();
    let start = from
        .to_zoned(tz.clone())
        .map_err(|e| page_error(crate::problem::ApiError::bad_request(e.to_string())))?;
    let end = to
        .checked_add(1.day())
        .and_then(|d| d.to_zoned(tz))
        .map_err(|e| page_error(crate::problem::ApiError::bad_request(e.to_string())))?;
    let store = state.store();
    let filter = LearningFilter {
        open_only: true,
        ..Default::default()
    };
    let (figures, open) = tokio::try_join!(
        store.mot_figures(service, start.timestamp(), end.timestamp()),
        store.learning_actions(&filter)
    )
    .map_err(|e| page_error(e.into()))?;
    let prefix = state.settings().reference_prefix.clone();
    let complaint_ids: Vec<i64> = figures.complaints.iter().map(|c| c.id).collect();
    let mine: Vec<_> = open
        .into_iter()
        .filter(|a| match &a.source {
            Source::Mot { service: s, .. } => s == service,
            Source::Complaint(c) => complaint_ids.contains(c),
            Source::Problem(_) => false,
        })
        .collect();
    let alarms = match crate::trends::view(state).await {
        Ok(v) => v
            .issues
            .iter()
            .filter(|i| i.services.iter().any(|s| s == service))
            .map(|i| AlarmLine {
                title: format!("{} at {}: {}", i.service_name, i.site, i.label),
                raised_on: i.raised_on.clone(),
                observed: i.observed,
                window_days: i.window_days,
                one_in: i.one_in.clone(),
            })
            .collect(),
        Err(e) => return Err(page_error(e)),
    };
    Ok(Pack {
        service: service.to_string(),
        service_name: name.to_string(),
        from,
        to,
        contacts: figures.contacts_by_channel.iter().map(|c| c.1).sum(),
        complaints: figures.complaints.iter().map(|c| line(c, &prefix)).collect(),
        missed: figures.missed.iter().map(|c| line(c, &prefix)).collect(),
        actions: rows(&mine, &prefix),
        alarms,
        figures,
    })
}

/// The chosen service if the caller may see it: (slug, name).
async fn service_of(state: &AppState, caller: &Caller, slug: &str) -> Result<Vec<(String, String)>, Response> {
    let services = state.store().services().await.map_err(|e| page_error(e.into()))?;
    let visible: Vec<(String, String)> = services
        .into_iter()
        .filter(|s| caller.sees(&s.slug))
        .map(|s| (s.slug, s.name))
        .collect();
    if !slug.is_empty() && !visible.iter().any(|s| s.0 == slug) {
        return Err((StatusCode::NOT_FOUND, "no such service").into_response());
    }
    Ok(visible)
}

async fn audit_pack(state: &AppState, caller: &Caller, pack: &Pack, format: &str) -> Option<Response> {
    let detail = serde_json::json!({
        "service": pack.service,
        "from": pack.from.to_string(),
        "to": pack.to.to_string(),
        "format": format,
        "complaints": pack.complaints.iter().map(|c| c.reference.clone()).collect::<Vec<_>>(),
    });
    state
        .audit(caller, Action::MOT_PACK, Subject::none(), detail)
        .await
        .err()
        .map(page_error)
}

/// SVG points of weekly counts in a 300-wide box `height` high (a line from 2 below the top
/// to 2 above the bottom), and the largest. The MOT pack's box is 60 high, the reports' 80.
pub(crate) fn chart(weeks: &[i64], height: f64) -> (String, i64) {
    let max = weeks.iter().copied().max().unwrap_or(0).max(1);
    let step = 300.0 / (weeks.len().max(2) - 1) as f64;
    let points = weeks
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                height - 2.0 - n as f64 * (height - 4.0) / max as f64
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    (points, max)
}

async fn page(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<PackQuery>) -> Response {
    let services = match service_of(&state, &caller, &q.service).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let users = match state.store().users().await {
        Ok(u) => u,
        Err(e) => return page_error(e.into()),
    };
    let mut page = PackPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        can_write: caller.user.role.can_write(),
        user: Some(caller.user.clone()),
        services,
        pack: None,
        from: q.from.clone(),
        to: q.to.clone(),
        errors: Vec::new(),
        chart: String::new(),
        chart_max: 0,
        kinds: KINDS,
        owners: users.into_iter().filter(|u| u.active).map(|u| (u.id, u.name)).collect(),
        me: caller.user.id,
        today: today().to_string(),
        back: String::new(),
    };
    if q.service.is_empty() {
        return render(&page);
    }
    let (from, to) = match period(&q) {
        Ok(p) => p,
        Err(errors) => {
            page.errors = errors;
            return (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
        }
    };
    let name = page
        .services
        .iter()
        .find(|s| s.0 == q.service)
        .map(|s| s.1.clone())
        .unwrap_or_default();
    let pack = match build(&state, &q.service, &name, from, to).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Some(refused) = audit_pack(&state, &caller, &pack, "html").await {
        return refused;
    }
    (page.chart, page.chart_max) = chart(&pack.figures.contacts_by_week, 60.0);
    page.from = from.to_string();
    page.to = to.to_string();
    page.back = format!("/mot?service={}&from={from}&to={to}", pack.service);
    page.pack = Some(pack);
    render(&page)
}

async fn csv(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<PackQuery>) -> Response {
    let services = match service_of(&state, &caller, &q.service).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some((_, name)) = services.iter().find(|s| s.0 == q.service) else {
        return (StatusCode::BAD_REQUEST, "service: choose a service").into_response();
    };
    let (from, to) = match period(&q) {
        Ok(p) => p,
        Err(errors) => {
            let m: Vec<String> = errors.into_iter().map(|e| e.1).collect();
            return (StatusCode::BAD_REQUEST, m.join("; ")).into_response();
        }
    };
    let pack = match build(&state, &q.service, name, from, to).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Some(refused) = audit_pack(&state, &caller, &pack, "csv").await {
        return refused;
    }
    let body = csv_of(&pack);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"mot-{}-{from}-{to}.csv\"", pack.service),
            ),
        ],
        body,
    )
        .into_response()
}

/// One table for spreadsheets: `section,item,detail,value`.
fn csv_of(p: &Pack) -> String {
    let mut out = String::from("section,item,detail,value\n");
    let mut row = |cells: [&str; 4]| {
        out.push_str(&cells.map(csv_field).join(","));
        out.push('\n');
    };
    for (channel, n) in &p.figures.contacts_by_channel {
        row(["contacts by channel", channel, "", &n.to_string()]);
    }
    for (w, n) in p.figures.contacts_by_week.iter().enumerate() {
        let start = p.from.checked_add((7 * w as i64).days()).unwrap_or(p.from);
        row(["contacts by week", &start.to_string(), "", &n.to_string()]);
    }
    for (kind, n) in &p.figures.cases_by_kind {
        row(["cases by kind", kind, "", &n.to_string()]);
    }
    for c in &p.complaints {
        row(["complaint", &c.reference, &c.title, &c.status]);
    }
    for c in &p.missed {
        let closed = if c.closed.is_empty() { "still open" } else { &c.closed };
        row(["missed deadline", &c.reference, &format!("due {}", c.due), closed]);
    }
    for a in &p.alarms {
        row(["emerging issue", &a.title, &a.raised_on, &a.observed.to_string()]);
    }
    for a in &p.actions {
        row([
            "open learning action",
            &a.what,
            &format!("{}, {}", a.kind, a.owner),
            &a.due_on,
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_period_defaults_to_six_months_and_refuses_backwards() {
        let q = super::PackQuery {
            service: "x".into(),
            from: String::new(),
            to: "2026-11-20".into(),
        };
        let (from, to) = super::period(&q).unwrap();
        assert_eq!(
            (from.to_string(), to.to_string()),
            ("2026-05-20".into(), "2026-11-20".into())
        );
        let q = super::PackQuery {
            service: "x".into(),
            from: "2026-12-01".into(),
            to: "2026-11-20".into(),
        };
        assert_eq!(super::period(&q).unwrap_err()[0].0, "from");
    }
}
