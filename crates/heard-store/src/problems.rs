//! What staff do with an emerging issue (migration 0015): decisions on the trend
//! detector's alarms (acknowledge, or dismiss with a reason) and problem records (ITIL)
//! that link many cases to one underlying cause, with its root cause, workaround and fix.

use crate::db::{insert_event, read, write_tx};
use crate::{Result, Store, StoreError, from_millis, to_millis};
use heard_core::Invalid;
use jiff::Timestamp;
use jiff::civil::Date;

/// Longest problem title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest free text (reason, root cause, workaround, fix), in bytes.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// A dismissal quietens its unit for this many days after the dismissed alarm was raised.
pub const QUIET_DAYS: i64 = 14;
/// …unless a new alarm's score beats the dismissed one by this much: the score is
/// −log10 of the chance, so 1 more is a run ten times less likely.
pub const QUIET_MARGIN: f64 = 1.0;

/// Which alarm: its unit (the detector's category and site) and the first day of its
/// window, which stays put while the same run of contacts keeps raising it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AlarmKey {
    pub category: String,
    pub site: String,
    pub starts_on: Date,
}

/// An alarm as staff saw it when they decided.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmFacts {
    pub key: AlarmKey,
    pub raised_on: Date,
    pub window_days: i64,
    pub score: f64,
    pub label: String,
}

/// A decision on an alarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Acknowledged,
    Dismissed,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Acknowledged => "acknowledged",
            Decision::Dismissed => "dismissed",
        }
    }
}

/// A stored decision.
#[derive(Debug, Clone, PartialEq)]
pub struct AlarmDecision {
    pub facts: AlarmFacts,
    pub decision: Decision,
    pub reason: String,
    /// The problem opened from the alarm, if one was.
    pub problem_id: Option<i64>,
    pub decided_by: Option<String>,
    pub decided_at: Timestamp,
}

/// The dismissal that quietens an alarm of unit `(category, site)` whose window starts on
/// `starts_on` with `score`, if any. The rule: staff who dismissed an alarm said "this run
/// of contacts is not a problem", so the same unit is not shown again while that run goes
/// on — an alarm whose window starts no later than [`QUIET_DAYS`] after the dismissed alarm
/// was raised — unless it is clearly stronger: a score at least [`QUIET_MARGIN`] above the
/// dismissed one (ten times less likely by chance). Later runs alarm as usual.
pub fn quietened<'a>(
    decisions: &'a [AlarmDecision],
    category: &str,
    site: &str,
    starts_on: Date,
    score: f64,
) -> Option<&'a AlarmDecision> {
    decisions.iter().find(|d| {
        d.decision == Decision::Dismissed
            && d.facts.key.category == category
            && d.facts.key.site == site
            && starts_on >= d.facts.key.starts_on
            && (starts_on - d.facts.raised_on).get_days() as i64 <= QUIET_DAYS
            && score < d.facts.score + QUIET_MARGIN
    })
}

fn day(s: &str) -> Date {
    s.parse().unwrap_or(Date::constant(1970, 1, 1))
}

type DecisionRow = (
    String,
    String,
    String,
    String,
    i64,
    f64,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    i64,
);

fn decision(r: DecisionRow) -> AlarmDecision {
    AlarmDecision {
        facts: AlarmFacts {
            key: AlarmKey {
                category: r.0,
                site: r.1,
                starts_on: day(&r.2),
            },
            raised_on: day(&r.3),
            window_days: r.4,
            score: r.5,
            label: r.6,
        },
        decision: if r.7 == "dismissed" {
            Decision::Dismissed
        } else {
            Decision::Acknowledged
        },
        reason: r.8,
        problem_id: r.9,
        decided_by: r.10,
        decided_at: from_millis(r.11),
    }
}

/// Where a problem is in its life: open → known error (root cause and workaround known)
/// → resolved (fixed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemStatus {
    Open,
    KnownError,
    Resolved,
}

impl ProblemStatus {
    pub const ALL: &[ProblemStatus] = &[ProblemStatus::Open, ProblemStatus::KnownError, ProblemStatus::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            ProblemStatus::Open => "open",
            ProblemStatus::KnownError => "known_error",
            ProblemStatus::Resolved => "resolved",
        }
    }

    /// As people say it.
    pub fn label(self) -> &'static str {
        match self {
            ProblemStatus::Open => "Open",
            ProblemStatus::KnownError => "Known error",
            ProblemStatus::Resolved => "Resolved",
        }
    }
}

impl std::str::FromStr for ProblemStatus {
    type Err = Invalid;
    fn from_str(s: &str) -> std::result::Result<Self, Invalid> {
        ProblemStatus::ALL
            .iter()
            .copied()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| Invalid::field("status", "choose open, known error or resolved"))
    }
}

impl std::fmt::Display for ProblemStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem as written on its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemEdit {
    pub title: String,
    pub status: ProblemStatus,
    pub owner: Option<i64>,
    pub root_cause: String,
    pub workaround: String,
    pub fix: String,
}

impl ProblemEdit {
    /// Checks every field; errors name the field. A resolved problem says what fixed it.
    pub fn validate(&self) -> std::result::Result<(), Invalid> {
        let mut c = heard_core::error::Checker::new();
        check_title(&mut c, &self.title);
        for (field, text) in [
            ("root_cause", &self.root_cause),
            ("workaround", &self.workaround),
            ("fix", &self.fix),
        ] {
            if text.len() > MAX_TEXT_BYTES {
                c.fail(field, "must be 16 KB or less");
            }
        }
        if self.status == ProblemStatus::Resolved && self.fix.trim().is_empty() {
            c.fail("fix", "say what fixed the problem before resolving it");
        }
        c.finish()
    }
}

fn check_title(c: &mut heard_core::error::Checker, title: &str) {
    let title = title.trim();
    if title.is_empty() {
        c.fail("title", "write a title");
    } else if title.chars().count() > MAX_TITLE_CHARS {
        c.fail("title", "must be 200 characters or fewer");
    }
}

/// A new problem: by hand, or from an alarm (`alarm`, whose evidence cases are `cases`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewProblem {
    pub title: String,
    pub owner: Option<i64>,
    pub cases: Vec<i64>,
    pub alarm: Option<AlarmFacts>,
}

/// A problem in a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemSummary {
    pub id: i64,
    pub title: String,
    pub status: ProblemStatus,
    pub owner: Option<String>,
    pub cases: i64,
    pub updated_at: Timestamp,
}

/// A case linked to a problem.
#[derive(Debug, Clone, PartialEq)]
pub struct ProblemCase {
    pub case_id: i64,
    pub service: String,
    pub title: String,
    pub status: String,
    pub customer: String,
}

/// A problem with everything its page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub id: i64,
    pub edit: ProblemEdit,
    pub owner_name: Option<String>,
    pub source: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
    pub cases: Vec<ProblemCase>,
}

fn status_of(s: &str) -> ProblemStatus {
    s.parse().unwrap_or(ProblemStatus::Open)
}

/// "Alarm: Libraries at Castle Street Library, 3 contacts in 7 days to 2026-11-20".
fn source_of(a: &AlarmFacts) -> String {
    format!(
        "Emerging issue: {} at {}, window {} to {} (score {:.1})",
        a.key.category.trim_start_matches('\u{1}'),
        a.key.site,
        a.key.starts_on,
        a.raised_on,
        a.score
    )
}

/// Writes (or replaces) the decision on one alarm inside `$tx`.
macro_rules! upsert_decision {
    ($tx:ident, $a:expr, $decision:expr, $reason:expr, $problem:expr, $actor:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO alarm_decisions (category, site, starts_on, raised_on, window_days, score, label, decision, \
             reason, problem_id, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (category, site, starts_on) DO UPDATE SET raised_on = excluded.raised_on, \
             window_days = excluded.window_days, score = excluded.score, label = excluded.label, \
             decision = excluded.decision, reason = excluded.reason, \
             problem_id = COALESCE(excluded.problem_id, alarm_decisions.problem_id), \
             decided_by = excluded.decided_by, decided_at = excluded.decided_at",
        )
        .bind(&$a.key.category)
        .bind(&$a.key.site)
        .bind($a.key.starts_on.to_string())
        .bind($a.raised_on.to_string())
        .bind($a.window_days)
        .bind($a.score)
        .bind(&$a.label)
        .bind($decision.as_str())
        .bind($reason)
        .bind($problem)
        .bind($actor)
        .bind($now)
        .execute(&mut *$tx)
        .await?
    };
}

/// Links `$case` to `$problem` inside `$tx` with a history entry; evaluates to whether it
/// was new.
macro_rules! link {
    ($tx:ident, $problem:expr, $case:expr, $title:expr, $actor:expr, $now:expr) => {{
        let n = sqlx::query(
            "INSERT INTO problem_cases (problem_id, case_id, added_by, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (problem_id, case_id) DO NOTHING",
        )
        .bind($problem)
        .bind($case)
        .bind($actor)
        .bind($now)
        .execute(&mut *$tx)
        .await?
        .rows_affected();
        if n > 0 {
            insert_event!(
                $tx,
                $case,
                $now,
                Some($actor),
                "note",
                serde_json::json!({"text": format!("Linked to problem {}: {}", $problem, $title), "problem": $problem})
            );
        }
        n > 0
    }};
}

impl Store {
    /// Records a decision on an alarm, replacing any earlier one. A dismissal needs a
    /// reason: it quietens the unit (see [`quietened`]), so others must see why.
    pub async fn decide_alarm(&self, a: &AlarmFacts, decision: Decision, reason: &str, actor: i64) -> Result<()> {
        let reason = reason.trim();
        if decision == Decision::Dismissed && reason.is_empty() {
            return Err(Invalid::field("reason", "say why the alarm is dismissed").into());
        }
        if reason.len() > MAX_TEXT_BYTES {
            return Err(Invalid::field("reason", "must be 16 KB or less").into());
        }
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            upsert_decision!(tx, a, decision, reason, None::<i64>, actor, now);
            Ok::<_, StoreError>(())
        })
    }

    /// Decisions on alarms raised on or after `since`.
    pub async fn alarm_decisions(&self, since: Date) -> Result<Vec<AlarmDecision>> {
        let rows: Vec<DecisionRow> = read!(self, |pool, _d| {
            let r = sqlx::query_as(
                "SELECT a.category, a.site, a.starts_on, a.raised_on, a.window_days, a.score, a.label, a.decision, \
                 a.reason, a.problem_id, u.name, a.decided_at FROM alarm_decisions a \
                 LEFT JOIN users u ON u.id = a.decided_by WHERE a.raised_on >= $1 ORDER BY a.decided_at",
            )
            .bind(since.to_string())
            .fetch_all(pool)
            .await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(rows.into_iter().map(decision).collect())
    }

    /// Opens a problem, links its cases (each with a history entry) and, when it comes
    /// from an alarm, marks the alarm acknowledged with the problem: all in one transaction.
    pub async fn create_problem(&self, p: &NewProblem, actor: i64) -> Result<i64> {
        let mut c = heard_core::error::Checker::new();
        check_title(&mut c, &p.title);
        c.finish()?;
        let now = to_millis(Timestamp::now());
        let title = p.title.trim();
        let source = p.alarm.as_ref().map(source_of).unwrap_or_default();
        write_tx!(self, |tx, _d| {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO problems (title, owner_id, source, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
            )
            .bind(title)
            .bind(p.owner)
            .bind(&source)
            .bind(actor)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for &case in &p.cases {
                let _ = link!(tx, id, case, title, actor, now);
            }
            if let Some(a) = &p.alarm {
                upsert_decision!(tx, a, Decision::Acknowledged, "", Some(id), actor, now);
            }
            Ok::<_, StoreError>(id)
        })
    }

    /// Changes a problem's title, status, owner and findings.
    pub async fn update_problem(&self, id: i64, e: &ProblemEdit) -> Result<()> {
        e.validate()?;
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let n = sqlx::query(
                "UPDATE problems SET title = $1, status = $2, owner_id = $3, root_cause = $4, workaround = $5, \
                 fix = $6, updated_at = $7, \
                 resolved_at = CASE WHEN $2 = 'resolved' THEN COALESCE(resolved_at, $7) ELSE NULL END WHERE id = $8",
            )
            .bind(e.title.trim())
            .bind(e.status.as_str())
            .bind(e.owner)
            .bind(e.root_cause.trim())
            .bind(e.workaround.trim())
            .bind(e.fix.trim())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound(format!("problem {id}")));
            }
            Ok::<_, StoreError>(())
        })
    }

    /// Links a case to a problem with a history entry on the case; `false` if it was already.
    pub async fn link_problem_case(&self, problem: i64, case: i64, actor: i64) -> Result<bool> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let title: Option<String> = sqlx::query_scalar("SELECT title FROM problems WHERE id = $1")
                .bind(problem)
                .fetch_optional(&mut *tx)
                .await?;
            let title = title.ok_or_else(|| StoreError::NotFound(format!("problem {problem}")))?;
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
                .bind(case)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Err(Invalid::field("case", "there is no such case").into());
            }
            let added = link!(tx, problem, case, &title, actor, now);
            sqlx::query("UPDATE problems SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(problem)
                .execute(&mut *tx)
                .await?;
            Ok::<_, StoreError>(added)
        })
    }

    /// Unlinks a case from a problem, with a history entry on the case.
    pub async fn unlink_problem_case(&self, problem: i64, case: i64, actor: i64) -> Result<bool> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let n = sqlx::query("DELETE FROM problem_cases WHERE problem_id = $1 AND case_id = $2")
                .bind(problem)
                .bind(case)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n > 0 {
                insert_event!(
                    tx,
                    case,
                    now,
                    Some(actor),
                    "note",
                    serde_json::json!({"text": format!("Unlinked from problem {problem}"), "problem": problem})
                );
                sqlx::query("UPDATE problems SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(problem)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok::<_, StoreError>(n > 0)
        })
    }

    /// Adds a history entry (an internal note) to each of `cases` about `problem`.
    pub async fn note_problem_cases(&self, problem: i64, cases: &[i64], text: &str, actor: i64) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            for &case in cases {
                insert_event!(
                    tx,
                    case,
                    now,
                    Some(actor),
                    "note",
                    serde_json::json!({"text": text, "problem": problem})
                );
            }
            Ok::<_, StoreError>(())
        })
    }

    /// Problems, the unresolved first, then the most recently changed.
    pub async fn problems(&self) -> Result<Vec<ProblemSummary>> {
        type Row = (i64, String, String, Option<String>, i64, i64);
        let rows: Vec<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(
                "SELECT p.id, p.title, p.status, u.name, \
                 (SELECT COUNT(*) FROM problem_cases c WHERE c.problem_id = p.id), p.updated_at \
                 FROM problems p LEFT JOIN users u ON u.id = p.owner_id \
                 ORDER BY CASE WHEN p.status = 'resolved' THEN 1 ELSE 0 END, p.updated_at DESC, p.id DESC",
            )
            .fetch_all(pool)
            .await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(rows
            .into_iter()
            .map(|r| ProblemSummary {
                id: r.0,
                title: r.1,
                status: status_of(&r.2),
                owner: r.3,
                cases: r.4,
                updated_at: from_millis(r.5),
            })
            .collect())
    }

    /// One problem with its linked cases.
    pub async fn problem(&self, id: i64) -> Result<Problem> {
        type Row = (
            i64,
            String,
            String,
            Option<i64>,
            Option<String>,
            String,
            String,
            String,
            String,
            i64,
            i64,
            Option<i64>,
        );
        type CaseRow = (i64, String, String, String, String);
        let (row, cases): (Option<Row>, Vec<CaseRow>) = read!(self, |pool, _d| {
            let row = sqlx::query_as(
                "SELECT p.id, p.title, p.status, p.owner_id, u.name, p.root_cause, p.workaround, p.fix, p.source, \
                 p.created_at, p.updated_at, p.resolved_at FROM problems p LEFT JOIN users u ON u.id = p.owner_id \
                 WHERE p.id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?;
            let cases = sqlx::query_as(
                "SELECT k.id, s.slug, k.title, k.status, cu.name FROM problem_cases pc \
                 JOIN cases k ON k.id = pc.case_id JOIN services s ON s.id = k.service_id \
                 JOIN customers cu ON cu.id = k.customer_id WHERE pc.problem_id = $1 ORDER BY k.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            Ok::<_, StoreError>((row, cases))
        })?;
        let r = row.ok_or_else(|| StoreError::NotFound(format!("problem {id}")))?;
        Ok(Problem {
            id: r.0,
            edit: ProblemEdit {
                title: r.1,
                status: status_of(&r.2),
                owner: r.3,
                root_cause: r.5,
                workaround: r.6,
                fix: r.7,
            },
            owner_name: r.4,
            source: r.8,
            created_at: from_millis(r.9),
            updated_at: from_millis(r.10),
            resolved_at: r.11.map(from_millis),
            cases: cases
                .into_iter()
                .map(|c| ProblemCase {
                    case_id: c.0,
                    service: c.1,
                    title: c.2,
                    status: c.3,
                    customer: c.4,
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dismissed(score: f64) -> AlarmDecision {
        AlarmDecision {
            facts: AlarmFacts {
                key: AlarmKey {
                    category: "Libraries".into(),
                    site: "Castle Street Library".into(),
                    starts_on: Date::constant(2026, 11, 1),
                },
                raised_on: Date::constant(2026, 11, 7),
                window_days: 7,
                score,
                label: "wifi".into(),
            },
            decision: Decision::Dismissed,
            reason: "Planned outage".into(),
            problem_id: None,
            decided_by: None,
            decided_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_dismissal_quietens_its_unit_until_the_run_is_over_or_clearly_stronger() {
        let d = [dismissed(4.0)];
        let at = |m, dd| Date::constant(2026, m, dd);
        let q = |site: &str, start, score| quietened(&d, "Libraries", site, start, score).is_some();
        assert!(q("Castle Street Library", at(11, 1), 4.0), "the same alarm");
        assert!(
            q("Castle Street Library", at(11, 5), 4.9),
            "the run goes on, not clearly stronger"
        );
        assert!(
            !q("Castle Street Library", at(11, 5), 5.0),
            "ten times less likely: shown"
        );
        assert!(!q("Castle Street Library", at(11, 22), 4.0), "a later run");
        assert!(!q("Wharf Road", at(11, 1), 4.0), "another unit");
        assert!(!q("Castle Street Library", at(10, 20), 4.0), "an earlier run");
    }

    #[test]
    fn resolving_needs_the_fix() {
        let mut e = ProblemEdit {
            title: "Library WiFi".into(),
            status: ProblemStatus::Resolved,
            owner: None,
            root_cause: String::new(),
            workaround: String::new(),
            fix: " ".into(),
        };
        let err = e.validate().unwrap_err();
        assert_eq!(err.errors[0].field, "fix");
        e.fix = "Replaced the access point".into();
        assert!(e.validate().is_ok());
        assert_eq!(
            "known_error".parse::<ProblemStatus>().ok(),
            Some(ProblemStatus::KnownError)
        );
    }
}
