//! The satisfaction report, `/satisfaction` (and `/satisfaction.csv`): residents'
//! answers by service, by the channel their case came by, and by the staff member who
//! had the case, over the last N days, as a table with a bar per row and as CSV. A
//! back-office officer sees only their services.

use crate::AppState;
use crate::pages::{Staff, page_error, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use heard_store::satisfaction::{SatisfactionReport, SatisfactionRow};
use serde::Deserialize;

/// Periods offered, in days.
const PERIODS: [i64; 4] = [30, 90, 365, 3650];

#[derive(Deserialize)]
pub(crate) struct ReportQuery {
    #[serde(default = "default_days")]
    days: i64,
}

fn default_days() -> i64 {
    90
}

#[derive(Template)]
#[template(path = "satisfaction.html")]
struct ReportPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    days: i64,
    periods: [i64; 4],
    report: SatisfactionReport,
}

impl ReportPage {
    /// The three tables: their headings and rows.
    fn sections(&self) -> Vec<(&'static str, &[SatisfactionRow])> {
        vec![
            ("By service", &self.report.by_service),
            ("By channel", &self.report.by_channel),
            ("By staff member who had the case", &self.report.by_agent),
        ]
    }
}

/// The bar's width (of 200) for a share.
fn bar(share: &f64) -> i64 {
    (share.clamp(0.0, 1.0) * 200.0).round() as i64
}

fn percent(share: &f64) -> String {
    format!("{:.0}%", share * 100.0)
}

async fn report(state: &AppState, caller: &crate::Caller, days: i64) -> Result<(i64, SatisfactionReport), Response> {
    let days = days.clamp(1, 3650);
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * days);
    let services = caller.visible_services();
    state
        .store()
        .satisfaction_report(since, services.as_deref())
        .await
        .map(|r| (days, r))
        .map_err(|e| page_error(e.into()))
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Query(q): Query<ReportQuery>,
) -> Response {
    let (days, report) = match report(&state, &caller, q.days).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    render(&ReportPage {
        csrf: caller.csrf_token.clone().unwrap_or_default(),
        user: Some(caller.user.clone()),
        days,
        periods: PERIODS,
        report,
    })
}

/// The same figures as CSV: one row per group, the grouping named in the first column.
pub(crate) async fn csv(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<ReportQuery>) -> Response {
    let (days, report) = match report(&state, &caller, q.days).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let mut out = String::from("by,group,answers,mean_score,satisfied_share,unhappy_share\n");
    let mut rows = |by: &str, list: &[SatisfactionRow]| {
        for r in list {
            out.push_str(&format!(
                "{by},{},{},{:.2},{:.3},{:.3}\n",
                csv_field(&r.group),
                r.answers,
                r.mean,
                r.satisfied,
                r.unhappy
            ));
        }
    };
    rows("all", report.total.as_slice());
    rows("service", &report.by_service);
    rows("channel", &report.by_channel);
    rows("staff", &report.by_agent);
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"satisfaction-{days}-days.csv\""),
            ),
        ],
        out,
    )
        .into_response()
}

/// A CSV field, quoted when it must be; a leading `=`, `+`, `-` or `@` is defused so a
/// spreadsheet never runs a staff name as a formula.
pub(crate) fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(super::csv_field("Waste"), "Waste");
        assert_eq!(super::csv_field("Roads, paths"), "\"Roads, paths\"");
        assert_eq!(super::csv_field("=cmd()"), "'=cmd()");
    }
}
