//! Learning actions (migration 0015): what will change because of a complaint, a problem
//! or an MOT day, who owns it and by when. Open actions past their due date are the
//! owner's to chase, so they appear in the owner's "slipping" view.

use crate::db::{read, write_tx};
use crate::{Result, Store, StoreError, from_millis, to_millis};
use heard_core::Invalid;
use jiff::Timestamp;
use jiff::civil::Date;

/// Longest "what will change", in characters.
pub const MAX_WHAT_CHARS: usize = 500;
/// Longest evidence note, in bytes.
pub const MAX_EVIDENCE_BYTES: usize = 16 * 1024;

/// What kind of change: (value, label).
pub const KINDS: &[(&str, &str)] = &[
    ("ict_fix", "ICT fix"),
    ("process_change", "Process change"),
    ("training", "Training"),
    ("learning_opportunity", "Learning opportunity"),
];

/// The label of kind `k`.
pub fn kind_label(k: &str) -> &'static str {
    KINDS.iter().find(|(v, _)| *v == k).map_or("Other", |(_, l)| l)
}

/// Where an action came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A complaint case (by case id).
    Complaint(i64),
    Problem(i64),
    /// An MOT day with a service (slug) on a day.
    Mot {
        service: String,
        on: Date,
    },
}

impl Source {
    pub fn as_str(&self) -> &'static str {
        match self {
            Source::Complaint(_) => "complaint",
            Source::Problem(_) => "problem",
            Source::Mot { .. } => "mot",
        }
    }
}

/// An action as written; `id: None` adds one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLearning {
    pub id: Option<i64>,
    pub source: Source,
    pub what: String,
    pub kind: String,
    pub owner: Option<i64>,
    pub due_on: Option<Date>,
    pub done: bool,
    pub evidence: String,
}

impl NewLearning {
    /// Checks every field; errors name the field.
    pub fn validate(&self) -> std::result::Result<(), Invalid> {
        let mut c = heard_core::error::Checker::new();
        let what = self.what.trim();
        if what.is_empty() {
            c.fail("what", "say what will change");
        } else if what.chars().count() > MAX_WHAT_CHARS {
            c.fail("what", "must be 500 characters or fewer");
        }
        if !KINDS.iter().any(|(k, _)| *k == self.kind) {
            c.fail(
                "kind",
                "choose ICT fix, process change, training or learning opportunity",
            );
        }
        if self.owner.is_none() {
            c.fail("owner", "choose who owns the action");
        }
        if self.due_on.is_none() {
            c.fail("due_on", "enter the date it is due, like 2027-03-31");
        }
        if self.evidence.len() > MAX_EVIDENCE_BYTES {
            c.fail("evidence", "must be 16 KB or less");
        }
        c.finish()
    }
}

/// A stored action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearningAction {
    pub id: i64,
    pub source: Source,
    /// The problem's title, for a problem's action.
    pub problem_title: Option<String>,
    pub what: String,
    pub kind: String,
    pub owner: i64,
    pub owner_name: String,
    pub due_on: Date,
    pub done: bool,
    pub evidence: String,
    pub updated_at: Timestamp,
}

impl LearningAction {
    /// Open and due before `today`.
    pub fn overdue(&self, today: Date) -> bool {
        !self.done && self.due_on < today
    }
}

/// Which actions to list; every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearningFilter {
    pub owner: Option<i64>,
    pub open_only: bool,
    /// Only those due before this day.
    pub due_before: Option<Date>,
    pub case: Option<i64>,
    pub problem: Option<i64>,
    pub mot_service: Option<String>,
    /// MOT days on or after / on or before.
    pub mot_from: Option<Date>,
    pub mot_to: Option<Date>,
}

type Row = (
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    i64,
    String,
    String,
    String,
    String,
    i64,
);

fn day(s: &str) -> Date {
    s.parse().unwrap_or(Date::constant(1970, 1, 1))
}

fn action(r: Row) -> LearningAction {
    let source = match r.1.as_str() {
        "complaint" => Source::Complaint(r.2.unwrap_or_default()),
        "problem" => Source::Problem(r.3.unwrap_or_default()),
        _ => Source::Mot {
            service: r.5.unwrap_or_default(),
            on: day(r.6.as_deref().unwrap_or_default()),
        },
    };
    LearningAction {
        id: r.0,
        source,
        problem_title: r.4,
        what: r.7,
        kind: r.8,
        owner: r.9,
        owner_name: r.10,
        due_on: day(&r.11),
        done: r.12 == "done",
        evidence: r.13,
        updated_at: from_millis(r.14),
    }
}

const SELECT: &str = "SELECT a.id, a.source, a.case_id, a.problem_id, p.title, a.mot_service, a.mot_on, a.what, \
     a.kind, a.owner_id, u.name, a.due_on, a.status, a.evidence, a.updated_at FROM learning_actions a \
     JOIN users u ON u.id = a.owner_id LEFT JOIN problems p ON p.id = a.problem_id";

impl Store {
    /// Adds or changes a learning action; returns its id. Its source must exist: a
    /// complaint case, a problem, or a service for an MOT day.
    pub async fn save_learning(&self, a: &NewLearning, actor: i64) -> Result<i64> {
        a.validate()?;
        let now = to_millis(Timestamp::now());
        let (Some(owner), Some(due)) = (a.owner, a.due_on) else {
            return Err(StoreError::Invalid(Invalid::field(
                "owner",
                "choose who owns the action",
            )));
        };
        let (case, problem, service, mot_on) = match &a.source {
            Source::Complaint(c) => (Some(*c), None, None, None),
            Source::Problem(p) => (None, Some(*p), None, None),
            Source::Mot { service, on } => (None, None, Some(service.clone()), Some(on.to_string())),
        };
        let status = if a.done { "done" } else { "open" };
        write_tx!(self, |tx, _d| {
            if let Some(c) = case {
                let kind: Option<String> = sqlx::query_scalar("SELECT kind FROM cases WHERE id = $1")
                    .bind(c)
                    .fetch_optional(&mut *tx)
                    .await?;
                if kind.as_deref() != Some("complaint") {
                    return Err(Invalid::field("case", "learning actions come from complaint cases").into());
                }
            }
            if let Some(p) = problem {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM problems WHERE id = $1")
                    .bind(p)
                    .fetch_optional(&mut *tx)
                    .await?;
                if found.is_none() {
                    return Err(Invalid::field("problem", "there is no such problem").into());
                }
            }
            if let Some(s) = &service {
                let found: Option<i64> = sqlx::query_scalar("SELECT id FROM services WHERE slug = $1")
                    .bind(s)
                    .fetch_optional(&mut *tx)
                    .await?;
                if found.is_none() {
                    return Err(Invalid::field("service", format!("there is no service `{s}`")).into());
                }
            }
            let owner_ok: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1 AND active")
                .bind(owner)
                .fetch_optional(&mut *tx)
                .await?;
            if owner_ok.is_none() {
                return Err(Invalid::field("owner", "choose someone who works here").into());
            }
            let id =
                match a.id {
                    Some(id) => {
                        let n = sqlx::query(
                        "UPDATE learning_actions SET what = $1, kind = $2, owner_id = $3, due_on = $4, status = $5, \
                         evidence = $6, updated_at = $7, \
                         done_at = CASE WHEN $5 = 'done' THEN COALESCE(done_at, $7) ELSE NULL END WHERE id = $8",
                    )
                    .bind(a.what.trim())
                    .bind(&a.kind)
                    .bind(owner)
                    .bind(due.to_string())
                    .bind(status)
                    .bind(a.evidence.trim())
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                        if n == 0 {
                            return Err(StoreError::NotFound(format!("learning action {id}")));
                        }
                        id
                    }
                    None => sqlx::query_scalar(
                        "INSERT INTO learning_actions (source, case_id, problem_id, mot_service, mot_on, what, kind, \
                         owner_id, due_on, status, evidence, created_by, created_at, updated_at, done_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, \
                         CASE WHEN $10 = 'done' THEN $13 ELSE NULL END) RETURNING id",
                    )
                    .bind(a.source.as_str())
                    .bind(case)
                    .bind(problem)
                    .bind(&service)
                    .bind(&mot_on)
                    .bind(a.what.trim())
                    .bind(&a.kind)
                    .bind(owner)
                    .bind(due.to_string())
                    .bind(status)
                    .bind(a.evidence.trim())
                    .bind(actor)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?,
                };
            Ok::<_, StoreError>(id)
        })
    }

    /// Learning actions matching `f`, soonest due first.
    pub async fn learning_actions(&self, f: &LearningFilter) -> Result<Vec<LearningAction>> {
        let sql = format!(
            "{SELECT} WHERE ($1 IS NULL OR a.owner_id = $1) AND ($2 = 0 OR a.status = 'open') \
             AND ($3 IS NULL OR a.due_on < $3) AND ($4 IS NULL OR a.case_id = $4) \
             AND ($5 IS NULL OR a.problem_id = $5) AND ($6 IS NULL OR a.mot_service = $6) \
             AND ($7 IS NULL OR a.mot_on >= $7) AND ($8 IS NULL OR a.mot_on <= $8) \
             ORDER BY CASE WHEN a.status = 'open' THEN 0 ELSE 1 END, a.due_on, a.id"
        );
        let rows: Vec<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(f.owner)
                .bind(i64::from(f.open_only))
                .bind(f.due_before.map(|d| d.to_string()))
                .bind(f.case)
                .bind(f.problem)
                .bind(&f.mot_service)
                .bind(f.mot_from.map(|d| d.to_string()))
                .bind(f.mot_to.map(|d| d.to_string()))
                .fetch_all(pool)
                .await?;
            Ok::<_, StoreError>(r)
        })?;
        Ok(rows.into_iter().map(action).collect())
    }

    /// One learning action.
    pub async fn learning_action(&self, id: i64) -> Result<LearningAction> {
        let sql = format!("{SELECT} WHERE a.id = $1");
        let row: Option<Row> = read!(self, |pool, _d| {
            let r = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await?;
            Ok::<_, StoreError>(r)
        })?;
        row.map(action)
            .ok_or_else(|| StoreError::NotFound(format!("learning action {id}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_missing_field_is_named() {
        let a = NewLearning {
            id: None,
            source: Source::Problem(1),
            what: " ".into(),
            kind: "magic".into(),
            owner: None,
            due_on: None,
            done: false,
            evidence: String::new(),
        };
        let fields: Vec<String> = a.validate().unwrap_err().errors.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["what", "kind", "owner", "due_on"]);
    }
}
