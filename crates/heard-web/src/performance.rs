//! Performance reports at `/reports` (and `/reports.csv`): for a period and one service or
//! all, contacts by channel, week and service; first-contact resolution; service levels met
//! (resolution and first response); the open backlog by age now; complaints received. Charts
//! are SVG drawn here, so the page needs no script; every table is in the CSV. Staff limited
//! to some services see one of theirs at a time, never the council's totals.

use crate::audit::{Action, Subject};
use crate::learning::today;
use crate::pages::{Staff, page_error, render};
use crate::satisfaction::csv_field;
use crate::{AppState, Caller};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use heard_store::performance::{AGE_BANDS, PerformanceFigures, ServiceFigures};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/reports", get(page))
        .route("/reports.csv", get(csv))
}

#[derive(Deserialize, Default)]
struct ReportQuery {
    #[serde(default)]
    service: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// One bar of a chart: label, value, its width in the 300-wide box, its y.
pub(crate) struct Bar {
    pub label: String,
    pub value: i64,
    pub width: String,
    pub y: u32,
}

/// Horizontal bars for `rows`, longest the full width.
fn bars(rows: &[(String, i64)]) -> Vec<Bar> {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    rows.iter()
        .enumerate()
        .map(|(i, (label, value))| Bar {
            label: label.clone(),
            value: *value,
            width: format!("{:.1}", *value as f64 * 300.0 / max as f64),
            y: u32::try_from(i).unwrap_or(0) * 22,
        })
        .collect()
}

/// "87%" of `part` in `whole`, or "–" when there is nothing to measure.
pub(crate) fn share(part: impl std::borrow::Borrow<i64>, whole: impl std::borrow::Borrow<i64>) -> String {
    let (part, whole) = (*part.borrow(), *whole.borrow());
    if whole <= 0 {
        "–".to_string()
    } else {
        format!("{:.0}%", 100.0 * part as f64 / whole as f64)
    }
}

#[derive(Template)]
#[template(path = "performance.html")]
struct ReportPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    /// (slug, name) the caller may choose; "" for all when they see every service.
    services: Vec<(String, String)>,
    all_allowed: bool,
    service: String,
    from: String,
    to: String,
    errors: Vec<(String, String)>,
    figures: Option<PerformanceFigures>,
    /// Weekly contacts as SVG points, and the largest week.
    weeks: String,
    weeks_max: i64,
    channel_bars: Vec<Bar>,
    age_bars: Vec<Bar>,
    /// The bars' box height.
    channel_height: u32,
    age_height: u32,
}

impl ReportPage {
    fn error(&self, field: &str) -> Option<&str> {
        crate::problems::field_error(&self.errors, field)
    }
}

/// The period asked for: 12 weeks to today by default; `to` is inclusive.
fn period(q: &ReportQuery) -> Result<(Date, Date), Vec<(String, String)>> {
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
        "" => to.checked_sub(83.days()).ok(),
        f => f.parse::<Date>().ok(),
    };
    match from {
        None => errors.push(("from".into(), "From: enter a date like 2026-10-01".into())),
        Some(f) if f > to => errors.push(("from".into(), "From: must be on or before the To date".into())),
        Some(f) if to.since(f).map(|s| s.get_days() > 3 * 366).unwrap_or(true) => {
            errors.push(("from".into(), "From: a report covers at most three years".into()))
        }
        _ => {}
    }
    if errors.is_empty() {
        Ok((from.unwrap_or(to), to))
    } else {
        Err(errors)
    }
}

fn instant(d: Date) -> Option<Timestamp> {
    d.to_zoned(crate::time::london_tz()).ok().map(|z| z.timestamp())
}

/// The page's figures, or the response to give instead.
async fn load(state: &AppState, caller: &Caller, q: &ReportQuery) -> Result<ReportPage, Response> {
    let all_allowed = caller.user.role.sees_all_services() && caller.scope.services.is_empty();
    let services: Vec<(String, String)> = state
        .store()
        .services()
        .await
        .map_err(|e| page_error(e.into()))?
        .into_iter()
        .filter(|s| caller.sees(&s.slug))
        .map(|s| (s.slug, s.name))
        .collect();
    let service = match q.service.trim() {
        "" if all_allowed => String::new(),
        "" => services.first().map(|s| s.0.clone()).unwrap_or_default(),
        s if services.iter().any(|v| v.0 == s) => s.to_string(),
        _ => return Err((StatusCode::NOT_FOUND, "no such service").into_response()),
    };
    let mut page = ReportPage {
        user: Some(caller.user.clone()),
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        services,
        all_allowed,
        service,
        from: q.from.clone(),
        to: q.to.clone(),
        errors: Vec::new(),
        figures: None,
        weeks: String::new(),
        weeks_max: 0,
        channel_bars: Vec::new(),
        age_bars: Vec::new(),
        channel_height: 0,
        age_height: 0,
    };
    if !page.all_allowed && page.service.is_empty() {
        return Ok(page);
    }
    let (from, to) = match period(q) {
        Ok(p) => p,
        Err(errors) => {
            page.errors = errors;
            return Err((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response());
        }
    };
    page.from = from.to_string();
    page.to = to.to_string();
    let (Some(start), Some(end)) = (instant(from), to.tomorrow().ok().and_then(instant)) else {
        return Err((StatusCode::UNPROCESSABLE_ENTITY, "the period is out of range").into_response());
    };
    let service = (!page.service.is_empty()).then_some(page.service.as_str());
    let figures = state
        .store()
        .performance(start, end, service, Timestamp::now())
        .await
        .map_err(|e| page_error(e.into()))?;
    let detail = serde_json::json!({"service": page.service, "from": page.from, "to": page.to});
    state
        .audit(caller, Action::REPORTS, Subject::none(), detail)
        .await
        .map_err(page_error)?;
    (page.weeks, page.weeks_max) = crate::mot::chart(&figures.by_week, 80.0);
    page.channel_bars = bars(
        &figures
            .by_channel
            .iter()
            .map(|(c, n)| (c.replace('_', " "), *n))
            .collect::<Vec<_>>(),
    );
    page.age_bars = bars(
        &AGE_BANDS
            .iter()
            .zip(figures.total.open_by_age)
            .map(|(b, n)| (b.to_string(), n))
            .collect::<Vec<_>>(),
    );
    page.channel_height = u32::try_from(page.channel_bars.len()).unwrap_or(0) * 22;
    page.age_height = u32::try_from(page.age_bars.len()).unwrap_or(0) * 22;
    page.figures = Some(figures);
    Ok(page)
}

async fn page(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<ReportQuery>) -> Response {
    match load(&state, &caller, &q).await {
        Ok(p) => render(&p).into_response(),
        Err(res) => res,
    }
}

fn service_row(out: &mut String, group: &str, f: &ServiceFigures) {
    let g = csv_field(group);
    for (measure, value) in [
        ("contacts", f.contacts),
        ("cases_opened", f.opened),
        ("cases_closed", f.closed),
        ("closed_at_first_contact", f.first_contact),
        ("closed_with_deadline", f.with_deadline),
        ("closed_on_time", f.on_time),
        ("first_responses_due", f.first_response_due),
        ("first_responses_on_time", f.first_response_on_time),
        ("open", f.open()),
        ("open_overdue", f.overdue),
    ] {
        out.push_str(&format!("service,{g},{measure},{value}\n"));
    }
    for (band, n) in AGE_BANDS.iter().zip(f.open_by_age) {
        out.push_str(&format!("backlog_age,{g},{},{n}\n", csv_field(band)));
    }
}

async fn csv(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<ReportQuery>) -> Response {
    let page = match load(&state, &caller, &q).await {
        Ok(p) => p,
        Err(res) => return res,
    };
    let Some(f) = page.figures else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "choose a service").into_response();
    };
    let mut out = String::from("table,group,measure,value\n");
    for (channel, n) in &f.by_channel {
        out.push_str(&format!("channel,{},inbound_contacts,{n}\n", csv_field(channel)));
    }
    let start: Option<Date> = page.from.parse().ok();
    for (i, n) in f.by_week.iter().enumerate() {
        let week = start
            .and_then(|s| s.checked_add((7 * i as i64).days()).ok())
            .map(|d| d.to_string())
            .unwrap_or_default();
        out.push_str(&format!("week,{week},inbound_contacts,{n}\n"));
    }
    for s in &f.by_service {
        service_row(&mut out, &s.slug, s);
    }
    service_row(&mut out, "all", &f.total);
    out.push_str(&format!("complaints,stage_1,received,{}\n", f.complaints.0));
    out.push_str(&format!("complaints,stage_2,received,{}\n", f.complaints.1));
    let name = if page.service.is_empty() {
        "all"
    } else {
        page.service.as_str()
    };
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"report-{name}-{}-{}.csv\"", page.from, page.to),
            ),
        ],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_shares_round() {
        let b = bars(&[("email".into(), 50), ("phone".into(), 100), ("web".into(), 0)]);
        assert_eq!(b[0].width, "150.0");
        assert_eq!(b[1].width, "300.0");
        assert_eq!(b[2].width, "0.0");
        assert_eq!(b[2].y, 44);
        assert_eq!(share(2, 3), "67%");
        assert_eq!(share(0, 0), "–");
    }

    #[test]
    fn periods_default_to_twelve_weeks_and_name_bad_fields() {
        let (from, to) = period(&ReportQuery::default()).unwrap();
        assert_eq!(to.since(from).unwrap().get_days(), 83);
        let e = period(&ReportQuery {
            from: "2026-05-01".into(),
            to: "2026-04-01".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e[0].0, "from");
        let e = period(&ReportQuery {
            to: "soon".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(e[0].0, "to");
    }
}
