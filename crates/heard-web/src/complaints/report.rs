//! The yearly complaints performance and service improvement report the Complaint Handling
//! Code asks for, at `/complaints/report?year=2026` (the financial year from 1 April) and
//! as CSV: volumes by stage, service and category, the share answered on time at each
//! stage, extensions, refusals by reason, outcomes, remedies, Ombudsman cases and the
//! learning recorded, with the self-assessment's checks pre-filled from the same figures.
//! Staff see the complaints of the services they may see.

use super::ombudsman_for;
use crate::audit::{Action, Subject};
use crate::pages::{Staff, page_error, render};
use crate::satisfaction::csv_field;
use crate::{AppState, Caller};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use heard_core::CaseReference;
use heard_core::complaint::{Decision, Refusal, Stage};
use heard_store::complaints::{ComplaintRecord, StageRecord};
use jiff::Timestamp;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
pub(crate) struct ReportQuery {
    year: Option<String>,
}

/// Figures for one stage.
#[derive(Default)]
pub(crate) struct StageFigures {
    pub received: usize,
    pub acknowledged: usize,
    pub acknowledged_on_time: usize,
    pub responded: usize,
    pub responded_on_time: usize,
    pub extended: usize,
    /// Responses by decision, in `Decision::ALL` order.
    pub decisions: Vec<(&'static str, usize)>,
    pub remedies: usize,
}

impl StageFigures {
    fn percent(part: usize, whole: usize) -> String {
        if whole == 0 {
            "–".to_string()
        } else {
            format!("{:.0}%", 100.0 * part as f64 / whole as f64)
        }
    }
    pub fn acknowledged_share(&self) -> String {
        Self::percent(self.acknowledged_on_time, self.acknowledged)
    }
    pub fn responded_share(&self) -> String {
        Self::percent(self.responded_on_time, self.responded)
    }
}

/// One check of the self-assessment, answered from the figures.
pub(crate) struct Check {
    pub requirement: &'static str,
    pub evidence: String,
    /// "Met", "Not met" or "Review": heard answers only what its data shows.
    pub verdict: &'static str,
}

/// The whole report.
pub(crate) struct Report {
    pub year: i16,
    pub total: usize,
    pub stages: [StageFigures; 2],
    /// (service, stage 1, stage 2).
    pub by_service: Vec<(String, usize, usize)>,
    pub by_category: Vec<(String, usize)>,
    pub refusals: Vec<(&'static str, usize)>,
    pub late: usize,
    pub ombudsman_cases: usize,
    pub with_adjustments: usize,
    /// (reference, service, learning).
    pub learning: Vec<(String, String, String)>,
    pub checks: Vec<Check>,
}

/// The financial year beginning 1 April of `year`, in London time.
fn bounds(year: i16) -> Option<(Timestamp, Timestamp)> {
    let tz = crate::time::london_tz();
    let at = |y: i16| {
        jiff::civil::date(y, 4, 1)
            .to_zoned(tz.clone())
            .ok()
            .map(|z| z.timestamp())
    };
    Some((at(year)?, at(year.checked_add(1)?)?))
}

fn current_year() -> i16 {
    let today = Timestamp::now().to_zoned(crate::time::london_tz()).date();
    if today.month() >= 4 {
        today.year()
    } else {
        today.year() - 1
    }
}

fn stage_figures(stages: &[&StageRecord]) -> StageFigures {
    let mut f = StageFigures {
        received: stages.len(),
        ..Default::default()
    };
    for s in stages {
        if let Some(on_time) = s.acknowledged_on_time() {
            f.acknowledged += 1;
            f.acknowledged_on_time += usize::from(on_time);
        }
        if let Some(on_time) = s.responded_on_time() {
            f.responded += 1;
            f.responded_on_time += usize::from(on_time);
        }
        f.extended += usize::from(s.extended_days > 0);
        f.remedies += usize::from(s.responded_at.is_some() && !s.remedy.trim().is_empty());
    }
    f.decisions = Decision::ALL
        .iter()
        .map(|d| (d.label(), stages.iter().filter(|s| s.decision == Some(*d)).count()))
        .collect();
    f
}

/// The report over `complaints` (already limited to the year and the caller's services).
pub(crate) fn figures(year: i16, complaints: &[ComplaintRecord], prefix: &str) -> Report {
    let of = |n: Stage| -> Vec<&StageRecord> {
        complaints
            .iter()
            .flat_map(|c| c.stages.iter())
            .filter(|s| s.stage == n)
            .collect()
    };
    let stages = [stage_figures(&of(Stage::One)), stage_figures(&of(Stage::Two))];
    let mut by_service: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_category: BTreeMap<String, usize> = BTreeMap::new();
    for c in complaints {
        let e = by_service.entry(c.service.clone()).or_default();
        e.0 += 1;
        e.1 += usize::from(c.stages.len() > 1);
        let cat = if c.category.trim().is_empty() {
            "(no category)".to_string()
        } else {
            c.category.clone()
        };
        *by_category.entry(cat).or_default() += 1;
    }
    let refusals = Refusal::ALL
        .iter()
        .map(|r| (r.label(), complaints.iter().filter(|c| c.refusal == Some(*r)).count()))
        .collect();
    let learning = complaints
        .iter()
        .flat_map(|c| {
            c.stages.iter().filter(|s| !s.learning.trim().is_empty()).map(move |s| {
                let r = CaseReference::new(prefix, c.case_id)
                    .map(|r| r.to_string())
                    .unwrap_or_default();
                (r, c.service.clone(), s.learning.clone())
            })
        })
        .collect();
    let mut report = Report {
        year,
        total: complaints.len(),
        by_service: by_service.into_iter().map(|(k, (a, b))| (k, a, b)).collect(),
        by_category: by_category.into_iter().collect(),
        refusals,
        late: complaints.iter().filter(|c| c.late).count(),
        ombudsman_cases: complaints.iter().filter(|c| !c.ombudsman_ref.trim().is_empty()).count(),
        with_adjustments: complaints.iter().filter(|c| !c.adjustments.trim().is_empty()).count(),
        learning,
        stages,
        checks: Vec::new(),
    };
    report.checks = checks(&report, complaints);
    report
}

fn checks(r: &Report, complaints: &[ComplaintRecord]) -> Vec<Check> {
    let share = |part: usize, whole: usize| -> &'static str {
        match whole {
            0 => "Review",
            _ if part == whole => "Met",
            _ => "Not met",
        }
    };
    let [s1, s2] = &r.stages;
    let refused = complaints.iter().filter(|c| c.refusal.is_some()).count();
    let refused_with_reasons = complaints
        .iter()
        .filter(|c| c.refusal.is_some() && !c.refusal_reasons.trim().is_empty())
        .count();
    let late_decided = complaints
        .iter()
        .filter(|c| c.late && c.late_decision.is_some())
        .count();
    let responses = s1.responded + s2.responded;
    let with_learning = r.learning.len();
    vec![
        Check {
            requirement: "Complaints are acknowledged within 5 working days of receipt, at both stages",
            evidence: format!(
                "Stage 1: {} of {} on time; stage 2: {} of {} on time",
                s1.acknowledged_on_time, s1.acknowledged, s2.acknowledged_on_time, s2.acknowledged
            ),
            verdict: share(
                s1.acknowledged_on_time + s2.acknowledged_on_time,
                s1.acknowledged + s2.acknowledged,
            ),
        },
        Check {
            requirement: "Stage 1 responses within 10 working days of the acknowledgement (or the extended date)",
            evidence: format!(
                "{} of {} on time; {} extended",
                s1.responded_on_time, s1.responded, s1.extended
            ),
            verdict: share(s1.responded_on_time, s1.responded),
        },
        Check {
            requirement: "Stage 2 responses within 20 working days of the acknowledgement (or the extended date)",
            evidence: format!(
                "{} of {} on time; {} extended",
                s2.responded_on_time, s2.responded, s2.extended
            ),
            verdict: share(s2.responded_on_time, s2.responded),
        },
        Check {
            requirement: "Extensions are no longer than the stage allows, with a reason, the resident told",
            evidence: format!(
                "{} extensions; heard refuses one without a reason, past the limit, or without the resident told",
                s1.extended + s2.extended
            ),
            verdict: "Met",
        },
        Check {
            requirement: "Stage 2 is handled by someone who did not handle stage 1",
            evidence: format!(
                "{} at stage 2; heard refuses a stage 1 handler as reviewer",
                s2.received
            ),
            verdict: "Met",
        },
        Check {
            requirement: "Complaints not accepted are refused with reasons and the Ombudsman's details",
            evidence: format!("{refused_with_reasons} of {refused} refusals record their reasons"),
            verdict: if refused == refused_with_reasons {
                "Met"
            } else {
                "Not met"
            },
        },
        Check {
            requirement: "Complaints about matters over 12 months old get a decision with reasons",
            evidence: format!("{late_decided} of {} decided", r.late),
            verdict: share(late_decided, r.late),
        },
        Check {
            requirement: "Reasonable adjustments are recorded and kept in view",
            evidence: format!("{} complaints record adjustments", r.with_adjustments),
            verdict: "Review",
        },
        Check {
            requirement: "Learning from complaints is recorded and acted on",
            evidence: format!("{with_learning} of {responses} responses record learning"),
            verdict: "Review",
        },
    ]
}

#[derive(Template)]
#[template(path = "complaints_report.html")]
struct ReportPage {
    user: Option<heard_store::UserRecord>,
    csrf: String,
    r: Report,
    error: Option<String>,
}

async fn load(state: &AppState, caller: &Caller, year: Option<&str>) -> Result<Report, Response> {
    let year = match year.map(str::trim).filter(|y| !y.is_empty()) {
        None => current_year(),
        Some(y) => match y.parse::<i16>() {
            Ok(y) if (2000..=2100).contains(&y) => y,
            _ => {
                let p = ReportPage {
                    user: Some(caller.user.clone()),
                    csrf: caller.csrf_token.clone().unwrap_or_default(),
                    r: figures(current_year(), &[], ""),
                    error: Some("Year: enter the year the financial year starts in, like 2026".into()),
                };
                return Err((StatusCode::UNPROCESSABLE_ENTITY, render(&p)).into_response());
            }
        },
    };
    let Some((from, to)) = bounds(year) else {
        return Err((StatusCode::UNPROCESSABLE_ENTITY, "year out of range").into_response());
    };
    // The Ombudsman a complaint defaults to does not change the figures; the record's own
    // wins once saved.
    let all = state
        .store()
        .complaints_received(from, to, ombudsman_for(state, ""))
        .await
        .map_err(|e| page_error(e.into()))?;
    let mine: Vec<ComplaintRecord> = all
        .into_iter()
        .filter(|c| caller.user.sees_service(&c.service))
        .collect();
    let report = figures(year, &mine, &state.settings().reference_prefix);
    let detail = serde_json::json!({"year": year, "complaints": report.total});
    state
        .audit(caller, Action::COMPLAINTS_REPORT, Subject::none(), detail)
        .await
        .map_err(page_error)?;
    Ok(report)
}

pub(crate) async fn page(
    State(state): State<AppState>,
    Staff(caller): Staff,
    Query(q): Query<ReportQuery>,
) -> Response {
    match load(&state, &caller, q.year.as_deref()).await {
        Ok(r) => render(&ReportPage {
            user: Some(caller.user.clone()),
            csrf: caller.csrf_token.clone().unwrap_or_default(),
            r,
            error: None,
        })
        .into_response(),
        Err(res) => res,
    }
}

pub(crate) async fn csv(State(state): State<AppState>, Staff(caller): Staff, Query(q): Query<ReportQuery>) -> Response {
    let year = q.year.clone();
    let all = match load(&state, &caller, year.as_deref()).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let mut out = String::from("table,group,stage_1,stage_2\n");
    let [s1, s2] = &all.stages;
    for (name, a, b) in [
        ("received", s1.received, s2.received),
        ("acknowledged", s1.acknowledged, s2.acknowledged),
        ("acknowledged_on_time", s1.acknowledged_on_time, s2.acknowledged_on_time),
        ("responded", s1.responded, s2.responded),
        ("responded_on_time", s1.responded_on_time, s2.responded_on_time),
        ("extended", s1.extended, s2.extended),
        ("remedies", s1.remedies, s2.remedies),
    ] {
        out.push_str(&format!("stages,{name},{a},{b}\n"));
    }
    for (label, a, b) in all.outcomes() {
        out.push_str(&format!("outcomes,{},{a},{b}\n", csv_field(label)));
    }
    for (service, a, b) in &all.by_service {
        out.push_str(&format!("services,{},{a},{b}\n", csv_field(service)));
    }
    for (cat, n) in &all.by_category {
        out.push_str(&format!("categories,{},{n},\n", csv_field(cat)));
    }
    for (label, n) in &all.refusals {
        out.push_str(&format!("refusals,{},{n},\n", csv_field(label)));
    }
    out.push_str(&format!("ombudsman,cases,{},\n", all.ombudsman_cases));
    out.push_str(&format!("late,over_12_months,{},\n", all.late));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"complaints-{}.csv\"", all.year),
            ),
        ],
        out,
    )
        .into_response()
}

impl Report {
    /// Responses by decision: (decision, stage 1, stage 2).
    pub fn outcomes(&self) -> Vec<(&'static str, usize, usize)> {
        let [s1, s2] = &self.stages;
        s1.decisions
            .iter()
            .zip(&s2.decisions)
            .map(|((label, a), (_, b))| (*label, *a, *b))
            .collect()
    }

    /// "2026/27".
    pub fn period(&self) -> String {
        format!("{}/{:02}", self.year, (self.year + 1) % 100)
    }
}
