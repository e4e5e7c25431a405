//! The emerging-issues page: the trend detector run over the council's own contacts, showing
//! each service × site whose recent contacts are unlikely under its history, with the
//! evidence (observed against expected, how unusual, the window, the cases) and a chart.
//!
//! The detector replays the last ~14 months of inbound contacts; the result is cached for a
//! minute per node, so the page is cheap to open however often people look.

use crate::pages::Staff;
use crate::{AppState, problem::ApiError};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use heard_core::CaseReference;
use heard_store::queries::TrendContact;
use heard_trends::demand::{Cause, Context, classify};
use heard_trends::{ALARM_SCORE, Alarm, Detector, Evidence, Settings};
use jiff::{Timestamp, ToSpan};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a node reuses its last run of the detector.
pub(crate) const TRENDS_TTL: Duration = Duration::from_secs(60);
/// The newest contacts the page's run reads at most (about 0.3 GB and a few seconds); a
/// larger council needs the detector kept live by a background job instead.
const MAX_CONTACTS: u32 = 300_000;
/// Alarms raised within this many days are shown.
const SHOWN_DAYS: i32 = 28;
/// The pseudo-category of the pass that looks at each site across all services.
const ACROSS: &str = "\u{1}across services";
/// How the across-services pass's unit is stored with staff decisions.
pub const ACROSS_UNIT: &str = "(across services)";
/// The unit of a service's contacts whose case has no site.
const NO_SITE: &str = "(no site recorded)";
/// Days of daily counts in each chart.
const CHART_DAYS: i32 = 90;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/trends", get(trends_page))
        .merge(crate::alarms::router())
}

/// One emerging issue as the page shows it.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The alarm's unit as stored with staff decisions: the service's name, or
    /// [`ACROSS_UNIT`] for the pass across services; with `site` and `starts_on`, its key.
    pub category: String,
    /// The first day of the alarm's window (`YYYY-MM-DD`).
    pub starts_on: String,
    /// The words its contacts share that the service's other contacts rarely use.
    pub label: String,
    /// The services its evidence comes from (one, or several for a problem at one site
    /// that reaches more than one service); staff see it only if they may see them all.
    pub services: Vec<String>,
    pub service_name: String,
    pub site: String,
    pub raised_on: String,
    pub score: f64,
    /// "one in N" for people who do not read logarithms.
    pub one_in: String,
    pub evidence: &'static str,
    pub window_days: i32,
    pub observed: u32,
    pub expected: String,
    pub cases: Vec<String>,
    /// SVG polyline points of the daily counts, and the largest count.
    pub chart: String,
    pub chart_max: u32,
}

/// Failure demand counts of one service and channel over the report period.
#[derive(Debug, Clone, Default)]
pub struct DemandCount {
    pub service: String,
    pub service_name: String,
    pub channel: String,
    pub contacts: u32,
    pub failure: u32,
    /// Per cause (in [`Cause`] order): chasing, repeat, correction.
    pub causes: [u32; 3],
}

/// One row of the failure-demand table as shown.
#[derive(Debug, Clone)]
pub struct DemandRow {
    pub name: String,
    pub contacts: u32,
    pub failure: u32,
    pub share: String,
    pub top_cause: &'static str,
}

/// A failure-demand table: by service, or by channel.
#[derive(Debug, Clone)]
pub struct DemandTable {
    pub caption: &'static str,
    pub heading: &'static str,
    pub rows: Vec<DemandRow>,
}

/// Days of contacts in the failure-demand report.
const DEMAND_DAYS: i32 = 84;

/// The cached result of one run.
#[derive(Debug, Default)]
pub struct TrendsView {
    pub issues: Vec<Issue>,
    pub demand: Vec<DemandCount>,
    pub contacts: String,
    pub computed_at: String,
}

async fn trends_page(State(state): State<AppState>, Staff(caller): Staff) -> Response {
    crate::alarms::page(&state, &caller, None).await
}

/// The failure-demand tables the caller may see: by service, and by channel.
pub(crate) fn demand_tables(view: &TrendsView, caller: &crate::Caller) -> Vec<DemandTable> {
    vec![
        DemandTable {
            caption: "By service",
            heading: "Service",
            rows: demand_rows(&view.demand, caller, |d| d.service_name.clone()),
        },
        DemandTable {
            caption: "By channel",
            heading: "Channel",
            rows: demand_rows(&view.demand, caller, |d| d.channel.clone()),
        },
    ]
}

/// Sums the visible services' failure demand by `key` (service or channel), largest share first.
fn demand_rows(counts: &[DemandCount], caller: &crate::Caller, key: impl Fn(&DemandCount) -> String) -> Vec<DemandRow> {
    let mut sums: HashMap<String, (u32, u32, [u32; 3])> = HashMap::new();
    for d in counts.iter().filter(|d| caller.sees(&d.service)) {
        let e = sums.entry(key(d)).or_default();
        e.0 += d.contacts;
        e.1 += d.failure;
        for k in 0..3 {
            e.2[k] += d.causes[k];
        }
    }
    let causes = [Cause::Chasing, Cause::Repeat, Cause::Correction];
    let mut rows: Vec<DemandRow> = sums
        .into_iter()
        .map(|(name, (contacts, failure, by_cause))| {
            let top = (0..3).max_by_key(|&k| by_cause[k]).filter(|&k| by_cause[k] > 0);
            DemandRow {
                name,
                contacts,
                failure,
                share: format!("{:.0}%", 100.0 * f64::from(failure) / f64::from(contacts.max(1))),
                top_cause: top.map_or("–", |k| causes[k].as_str()),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let share = |r: &DemandRow| f64::from(r.failure) / f64::from(r.contacts.max(1));
        share(b).total_cmp(&share(a)).then_with(|| a.name.cmp(&b.name))
    });
    rows
}

/// The last run, or a fresh one if it is older than [`TRENDS_TTL`].
pub(crate) async fn view(state: &AppState) -> Result<Arc<TrendsView>, ApiError> {
    let mut cache = state.trends_cache().lock().await;
    if let Some((at, v)) = cache.as_ref()
        && at.elapsed() < TRENDS_TTL
    {
        return Ok(v.clone());
    }
    let now = Timestamp::now();
    let since = now.checked_sub((430 * 24).hours()).unwrap_or(now);
    let contacts = state.store().contacts_for_trends(since, MAX_CONTACTS).await?;
    let prefix = state.settings().reference_prefix.clone();
    let view = tokio::task::spawn_blocking(move || detect(&contacts, &prefix, now))
        .await
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                format!("trend detection failed: {e}"),
            )
        })?;
    let view = Arc::new(view);
    *cache = Some((Instant::now(), view.clone()));
    Ok(view)
}

fn day_of(t: Timestamp) -> i32 {
    (t.as_second().div_euclid(86_400)) as i32
}

/// Runs the detector over `contacts` (oldest first) and keeps, per service and site, the
/// strongest alarm of the last [`SHOWN_DAYS`].
pub fn detect(contacts: &[TrendContact], prefix: &str, now: Timestamp) -> TrendsView {
    let today = day_of(now);
    let mut detector = Detector::new(Settings::default());
    let mut alarms: Vec<Alarm> = Vec::new();
    let mut names = HashMap::new();
    let mut vocabulary = heard_trends::label::Vocabulary::default();
    // A second pass looks at each site across every service, so that two complaints to
    // Libraries and a call to the ICT desk about one library's WiFi are one issue.
    let mut across = Detector::new(Settings {
        recovery: None,
        ..Settings::default()
    });
    let recent = |a: &Alarm| a.day > today - SHOWN_DAYS && a.score >= ALARM_SCORE;
    let spans_services = |a: &Alarm| {
        let mut services: Vec<&str> = a
            .contacts
            .iter()
            .filter_map(|&i| contacts.get(i as usize))
            .map(|c| c.service.as_str())
            .collect();
        services.sort_unstable();
        services.dedup();
        a.evidence == Evidence::Similar && services.len() >= 2
    };
    let mut last_on_case: HashMap<i64, i32> = HashMap::new();
    let mut demand: HashMap<(String, String), DemandCount> = HashMap::new();
    for (i, c) in contacts.iter().enumerate() {
        if !c.inbound {
            // Our reply: the resident's next contact answers it, it is not a repeat.
            last_on_case.remove(&c.case_id);
            continue;
        }
        vocabulary.learn(&c.text);
        let d = day_of(c.received_at);
        let previous = last_on_case.insert(c.case_id, d);
        if d > today - DEMAND_DAYS {
            let causes = classify(
                &c.text,
                Context {
                    days_since_previous_on_case: previous.map(|p| i64::from(d - p)),
                },
            );
            let e = demand
                .entry((c.service.clone(), c.channel.clone()))
                .or_insert_with(|| DemandCount {
                    service: c.service.clone(),
                    service_name: c.service_name.clone(),
                    channel: c.channel.clone(),
                    ..DemandCount::default()
                });
            e.contacts += 1;
            if !causes.is_empty() {
                e.failure += 1;
            }
            for cause in causes {
                e.causes[cause as usize] += 1;
            }
        }
        if let Some(site) = c.site.as_deref() {
            let found = across.observe(i as u64, day_of(c.received_at), ACROSS, Some(site), &c.text);
            alarms.extend(found.into_iter().filter(|a| recent(a) && spans_services(a)));
        }
        names.insert(c.service_name.clone(), c.service.clone());
        // A case without a site counts towards its service as a whole.
        let site = c.site.as_deref().unwrap_or(NO_SITE);
        let found = detector.observe(i as u64, day_of(c.received_at), &c.service_name, Some(site), &c.text);
        alarms.extend(found.into_iter().filter(|a| recent(a)));
    }
    alarms.extend(detector.finish().into_iter().filter(|a| recent(a)));
    alarms.extend(across.finish().into_iter().filter(|a| recent(a) && spans_services(a)));
    let mut best: HashMap<(String, String), Alarm> = HashMap::new();
    for a in alarms {
        let key = (a.category.clone(), a.site.clone());
        if best.get(&key).is_none_or(|b| a.score > b.score) {
            best.insert(key, a);
        }
    }
    let mut issues: Vec<Issue> = best
        .into_values()
        .map(|a| {
            let evidence: Vec<&TrendContact> = a.contacts.iter().filter_map(|&i| contacts.get(i as usize)).collect();
            let mut case_ids: Vec<i64> = evidence.iter().map(|c| c.case_id).collect();
            case_ids.sort_unstable();
            case_ids.dedup();
            let (chart, chart_max) = chart(contacts, &a, today);
            let (services, service_name) = if a.category == ACROSS {
                let mut pairs: Vec<(String, String)> = evidence
                    .iter()
                    .map(|c| (c.service.clone(), c.service_name.clone()))
                    .collect();
                pairs.sort();
                pairs.dedup();
                let names: Vec<String> = pairs.iter().map(|p| p.1.clone()).collect();
                (pairs.into_iter().map(|p| p.0).collect(), names.join(" and "))
            } else {
                (
                    vec![names.get(&a.category).cloned().unwrap_or_default()],
                    a.category.clone(),
                )
            };
            Issue {
                category: if a.category == ACROSS {
                    ACROSS_UNIT.to_string()
                } else {
                    a.category.clone()
                },
                starts_on: heard_trends::replay::format_day(a.day - a.window_days + 1),
                label: vocabulary.label(evidence.iter().map(|c| c.text.as_str()), 3),
                services,
                service_name,
                site: a.site.clone(),
                raised_on: heard_trends::replay::format_day(a.day),
                score: (a.score * 10.0).round() / 10.0,
                one_in: one_in(a.score),
                evidence: match a.evidence {
                    Evidence::Count => "More contacts than usual",
                    Evidence::Similar => "Contacts that read alike",
                },
                window_days: a.window_days,
                observed: a.observed,
                expected: format!("{:.2}", a.expected),
                cases: case_ids
                    .into_iter()
                    .filter_map(|id| CaseReference::new(prefix, id).ok())
                    .map(|r| r.to_string())
                    .collect(),
                chart,
                chart_max,
            }
        })
        .collect();
    issues.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut demand: Vec<DemandCount> = demand.into_values().collect();
    demand.sort_by(|a, b| (&a.service, &a.channel).cmp(&(&b.service, &b.channel)));
    TrendsView {
        issues,
        demand,
        contacts: thousands(contacts.iter().filter(|c| c.inbound).count() as u64),
        computed_at: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
    }
}

fn one_in(score: f64) -> String {
    let n = 10f64.powf(score.min(15.0));
    // Two significant figures: "about once in 180,000", not "184927".
    let digits = n.log10().floor() as i32;
    let step = 10f64.powi((digits - 1).max(0));
    let rounded = (n / step).round() * step;
    if rounded >= 1e6 {
        format!("{} million", format!("{:.1}", rounded / 1e6).trim_end_matches(".0"))
    } else {
        thousands(rounded as u64)
    }
}

/// 185000 → "185,000".
pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Daily contact counts of the alarm's unit over the last [`CHART_DAYS`], as SVG points in
/// a 300 × 60 box.
fn chart(contacts: &[TrendContact], a: &Alarm, today: i32) -> (String, u32) {
    let mut counts = vec![0u32; CHART_DAYS as usize];
    for c in contacts {
        let d = day_of(c.received_at);
        if c.inbound
            && (a.category == ACROSS || c.service_name == a.category)
            && c.site.as_deref().unwrap_or(NO_SITE) == a.site
            && d > today - CHART_DAYS
            && d <= today
        {
            counts[(d - (today - CHART_DAYS + 1)) as usize] += 1;
        }
    }
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let points = counts
        .iter()
        .enumerate()
        .map(|(i, &n)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * 300.0 / f64::from(CHART_DAYS - 1),
                58.0 - f64::from(n) * 56.0 / f64::from(max)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    (points, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: i64, at: Timestamp, service: &str, site: &str, text: &str) -> TrendContact {
        TrendContact {
            id,
            case_id: id,
            received_at: at,
            service: service.to_lowercase().replace(' ', "-"),
            service_name: service.into(),
            site: Some(site.into()),
            text: text.into(),
            channel: "email".into(),
            inbound: true,
        }
    }

    /// Brief story 5: complaints to Libraries and a call to the ICT desk about the same
    /// library's WiFi are one issue at the site, with all three as evidence.
    #[test]
    fn wifi_reports_to_two_services_at_one_library_are_one_issue() {
        let now: Timestamp = "2026-11-20T17:00:00Z".parse().unwrap();
        let day = jiff::SignedDuration::from_hours(24);
        let books = [
            "Can I renew my books online",
            "What time do you open on Saturday",
            "Lost my library card",
        ];
        let desk = [
            "Printer jammed at the front desk",
            "Password reset for the library PC",
            "Till screen frozen",
        ];
        let mut cs = Vec::new();
        for n in 0..60i32 {
            let at = now - day * (7 * (60 - n) + 2);
            cs.push(contact(
                cs.len() as i64,
                at,
                "Libraries",
                "Castle Street Library",
                books[n as usize % 3],
            ));
            cs.push(contact(
                cs.len() as i64,
                at,
                "ICT Service Desk",
                "Castle Street Library",
                desk[n as usize % 3],
            ));
        }
        let wifi = [
            (
                9,
                "Libraries",
                "Complaint: the public wifi at the library keeps dropping out",
            ),
            (
                4,
                "Libraries",
                "I want to complain, the wifi in the library dropped out three times",
            ),
            (
                2,
                "ICT Service Desk",
                "Library wifi access point dropping out all afternoon",
            ),
        ];
        for (ago, service, text) in wifi {
            cs.push(contact(
                cs.len() as i64,
                now - day * ago,
                service,
                "Castle Street Library",
                text,
            ));
        }
        let view = detect(&cs, "HRD", now);
        let issue = view
            .issues
            .iter()
            .find(|i| i.services.len() == 2)
            .unwrap_or_else(|| panic!("one issue across both services: {:?}", view.issues));
        assert_eq!(issue.site, "Castle Street Library");
        assert!(issue.service_name.contains("Libraries") && issue.service_name.contains("ICT Service Desk"));
        assert!(issue.label.contains("wifi"), "{}", issue.label);
        assert_eq!(issue.cases.len(), 3);
    }

    #[test]
    fn a_repeat_is_failure_demand_but_an_answer_to_our_reply_is_not() {
        let now: Timestamp = "2026-11-20T17:00:00Z".parse().unwrap();
        let hour = jiff::SignedDuration::from_hours(1);
        let mut first = contact(1, now - hour * 50, "Waste", "Elm Grove", "Bin not collected");
        first.case_id = 10;
        let mut reply = contact(2, now - hour * 49, "Waste", "Elm Grove", "Which bin was it?");
        reply.case_id = 10;
        reply.inbound = false;
        let mut answer = contact(3, now - hour * 48, "Waste", "Elm Grove", "The green one");
        answer.case_id = 10;
        let mut repeat = contact(4, now - hour * 10, "Waste", "Elm Grove", "Bin still here");
        repeat.case_id = 10;
        let view = detect(&[first, reply, answer, repeat], "HRD", now);
        let d = &view.demand[0];
        assert_eq!((d.contacts, d.failure), (3, 1), "{d:?}");
        assert_eq!(d.causes[Cause::Repeat as usize], 1);
        assert_eq!(view.contacts, "3");
    }

    #[test]
    fn odds_read_like_a_person_would_say_them() {
        assert_eq!(one_in(5.267), "180,000");
        assert_eq!(one_in(2.0), "100");
        assert_eq!(one_in(6.4), "2.5 million");
        assert_eq!(one_in(7.0), "10 million");
        assert_eq!(thousands(13_080), "13,080");
        assert_eq!(thousands(999), "999");
    }
}
