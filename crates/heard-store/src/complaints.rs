//! Complaints under the Complaint Handling Code (migration 0021), on complaint cases: the
//! stage each is at, its deadlines as the code counts them (`heard_core::complaint`), and
//! each step an officer takes — acknowledge, extend, respond, take to stage 2, refuse,
//! decide on a late complaint. Each step, the case's status and deadline, and its history
//! entry are one transaction. A complaint case with no rows yet is at stage 1, received
//! when the case was opened: rows are written by the first step, so a complaint raised by
//! any channel is covered without a hook in each.

use crate::clocks::{calendar, london};
use crate::db::{insert_event, read, write_tx};
use crate::intake::parse_col;
use crate::{Dialect, Result, Store, StoreError, from_millis, to_millis};
use heard_core::complaint::{self, Decision, Ombudsman, Refusal, Stage, StageFacts};
use heard_core::{CaseKind, CaseReference, CaseStatus, Invalid};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

/// One stage of a complaint, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageRecord {
    pub stage: Stage,
    pub received_at: Timestamp,
    pub acknowledge_due_at: Option<Timestamp>,
    pub acknowledged_at: Option<Timestamp>,
    pub acknowledged_by: Option<String>,
    /// The complaint as the council understood it, and the outcome the resident seeks.
    pub understood: String,
    pub outcome_sought: String,
    pub respond_due_at: Option<Timestamp>,
    pub extended_days: u32,
    pub extension_reasons: String,
    pub handler_id: Option<i64>,
    pub handler: Option<String>,
    pub responded_at: Option<Timestamp>,
    pub decision: Option<Decision>,
    pub reasons: String,
    pub remedy: String,
    /// Outstanding actions the response promised (each a follow-up on the case).
    pub actions: u32,
    pub learning: String,
}

impl StageRecord {
    /// The facts the code's rules need.
    pub fn facts(&self) -> Option<StageFacts> {
        let z = |t: Timestamp| london(t.as_millisecond());
        Some(StageFacts {
            stage: self.stage,
            received: z(self.received_at)?,
            acknowledged: match self.acknowledged_at {
                Some(t) => Some(z(t)?),
                None => None,
            },
            extended_days: self.extended_days,
            responded: match self.responded_at {
                Some(t) => Some(z(t)?),
                None => None,
            },
        })
    }

    /// Acknowledged by the deadline (`None` while not acknowledged).
    pub fn acknowledged_on_time(&self) -> Option<bool> {
        Some(self.acknowledged_at? <= self.acknowledge_due_at?)
    }

    /// Answered by the (extended) deadline (`None` while not answered).
    pub fn responded_on_time(&self) -> Option<bool> {
        Some(self.responded_at? <= self.respond_due_at?)
    }
}

/// A complaint: what applies to all of it, and its stages (stage 1 first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComplaintRecord {
    pub case_id: i64,
    pub service: String,
    pub category: String,
    /// When the matter complained of happened, if known.
    pub matter_on: Option<Date>,
    /// The matter is more than twelve months older than the complaint.
    pub late: bool,
    /// `accepted` or `refused`, once someone has decided on a late complaint.
    pub late_decision: Option<String>,
    pub late_reasons: String,
    pub adjustments: String,
    pub ombudsman: Ombudsman,
    pub ombudsman_ref: String,
    pub refusal: Option<Refusal>,
    pub refusal_reasons: String,
    pub refused_at: Option<Timestamp>,
    pub stages: Vec<StageRecord>,
}

impl ComplaintRecord {
    /// The stage the complaint is at (the last one opened).
    pub fn current(&self) -> &StageRecord {
        // A complaint always has stage 1 (synthesised until its first step).
        self.stages
            .last()
            .unwrap_or_else(|| unreachable!("a complaint has a stage"))
    }

    /// Everyone who handled stage 1: who acknowledged, was assigned, or responded.
    fn stage_one_people(&self, responded_by: &[i64]) -> Vec<i64> {
        let mut out: Vec<i64> = responded_by.to_vec();
        if let Some(s) = self.stages.first() {
            out.extend(s.handler_id);
        }
        out
    }
}

/// One step an officer takes on a complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// What applies to the whole complaint: its category, when the matter happened, the
    /// reasonable adjustments the resident needs, the Ombudsman and their reference.
    Details {
        category: String,
        matter_on: Option<Date>,
        adjustments: String,
        ombudsman: Ombudsman,
        ombudsman_ref: String,
    },
    /// A decision, with reasons, on a complaint about a matter over twelve months old.
    DecideLate { accept: bool, reasons: String },
    /// The stage's acknowledgement: the complaint as understood and the outcome sought.
    Acknowledge { understood: String, outcome_sought: String },
    /// More time, with a reason; the resident has been told (the caller sends or records it).
    Extend {
        days: u32,
        reasons: String,
        resident_told: bool,
    },
    /// The stage's response; each action becomes a follow-up due `actions_due`.
    Respond {
        decision: Decision,
        reasons: String,
        remedy: String,
        actions: Vec<String>,
        actions_due: Option<Timestamp>,
        learning: String,
    },
    /// Stage 2 at the resident's request, handled by `handler`, who did not handle stage 1.
    Escalate { handler: i64 },
    /// Not taken through the code, with the reason the resident is told.
    Refuse { refusal: Refusal, reasons: String },
}

impl Step {
    /// The history entry's kind.
    fn event(&self) -> &'static str {
        match self {
            Step::Details { .. } => "complaint_details",
            Step::DecideLate { .. } => "complaint_late_decision",
            Step::Acknowledge { .. } => "complaint_acknowledged",
            Step::Extend { .. } => "complaint_extended",
            Step::Respond { .. } => "complaint_responded",
            Step::Escalate { .. } => "complaint_stage_2",
            Step::Refuse { .. } => "complaint_refused",
        }
    }
}

/// The case fields a complaint is read with.
#[derive(sqlx::FromRow)]
struct CaseRow {
    kind: String,
    created_at: i64,
    owner_id: Option<i64>,
    slug: String,
}

#[derive(sqlx::FromRow)]
struct ComplaintRow {
    category: String,
    matter_on: Option<String>,
    late_decision: Option<String>,
    late_reasons: String,
    adjustments: String,
    ombudsman: String,
    ombudsman_ref: String,
    refusal: Option<String>,
    refusal_reasons: String,
    refused_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct StageRow {
    stage: i64,
    received_at: i64,
    acknowledge_due_at: Option<i64>,
    acknowledged_at: Option<i64>,
    acknowledger: Option<String>,
    understood: String,
    outcome_sought: String,
    respond_due_at: Option<i64>,
    extended_days: i64,
    extension_reasons: String,
    handler_id: Option<i64>,
    handler: Option<String>,
    responded_at: Option<i64>,
    decision: Option<String>,
    reasons: String,
    remedy: String,
    actions: i64,
    learning: String,
    responded_by: Option<i64>,
}

const CASE: &str = "SELECT c.kind, c.created_at, c.owner_id, s.slug FROM cases c JOIN services s ON s.id = c.service_id WHERE c.id = $1";
const COMPLAINT: &str = "SELECT category, matter_on, late_decision, late_reasons, adjustments, ombudsman, ombudsman_ref, \
     refusal, refusal_reasons, refused_at FROM complaints WHERE case_id = $1";
const STAGES: &str = "SELECT st.stage, st.received_at, st.acknowledge_due_at, st.acknowledged_at, a.name AS acknowledger, \
     st.understood, st.outcome_sought, st.respond_due_at, st.extended_days, st.extension_reasons, st.handler_id, \
     h.name AS handler, st.responded_at, st.decision, st.reasons, st.remedy, st.actions, st.learning, st.responded_by \
     FROM complaint_stages st LEFT JOIN users a ON a.id = st.acknowledged_by LEFT JOIN users h ON h.id = st.handler_id \
     WHERE st.case_id = $1 ORDER BY st.stage";

/// Builds the record from the case row, the complaint row and the stage rows; also
/// returns who responded to stage 1.
fn assemble(
    case_id: i64,
    case: &CaseRow,
    complaint: Option<&ComplaintRow>,
    stages: &[StageRow],
    default_ombudsman: Ombudsman,
) -> Result<(ComplaintRecord, Vec<i64>)> {
    let ms = |v: Option<i64>| v.map(from_millis);
    let mut out = ComplaintRecord {
        case_id,
        service: case.slug.clone(),
        category: String::new(),
        matter_on: None,
        late: false,
        late_decision: None,
        late_reasons: String::new(),
        adjustments: String::new(),
        ombudsman: default_ombudsman,
        ombudsman_ref: String::new(),
        refusal: None,
        refusal_reasons: String::new(),
        refused_at: None,
        stages: Vec::new(),
    };
    if let Some(r) = complaint {
        out.category = r.category.clone();
        out.matter_on = r.matter_on.as_deref().and_then(|d| d.parse().ok());
        out.late_decision = r.late_decision.clone();
        out.late_reasons = r.late_reasons.clone();
        out.adjustments = r.adjustments.clone();
        out.ombudsman = parse_col(&r.ombudsman)?;
        out.ombudsman_ref = r.ombudsman_ref.clone();
        out.refusal = r.refusal.as_deref().map(parse_col).transpose()?;
        out.refusal_reasons = r.refusal_reasons.clone();
        out.refused_at = ms(r.refused_at);
    }
    let mut responders = Vec::new();
    for r in stages {
        let stage = Stage::from_number(r.stage)
            .ok_or_else(|| StoreError::Schema("complaint stage other than 1 or 2".into()))?;
        if stage == Stage::One {
            responders.extend(r.responded_by);
        }
        out.stages.push(StageRecord {
            stage,
            received_at: from_millis(r.received_at),
            acknowledge_due_at: ms(r.acknowledge_due_at),
            acknowledged_at: ms(r.acknowledged_at),
            acknowledged_by: r.acknowledger.clone(),
            understood: r.understood.clone(),
            outcome_sought: r.outcome_sought.clone(),
            respond_due_at: ms(r.respond_due_at),
            extended_days: u32::try_from(r.extended_days).unwrap_or(0),
            extension_reasons: r.extension_reasons.clone(),
            handler_id: r.handler_id,
            handler: r.handler.clone(),
            responded_at: ms(r.responded_at),
            decision: r.decision.as_deref().map(parse_col).transpose()?,
            reasons: r.reasons.clone(),
            remedy: r.remedy.clone(),
            actions: u32::try_from(r.actions).unwrap_or(0),
            learning: r.learning.clone(),
        });
    }
    if out.stages.is_empty() {
        // Not yet acted on: stage 1, received when the case was opened.
        out.stages.push(StageRecord {
            stage: Stage::One,
            received_at: from_millis(case.created_at),
            acknowledge_due_at: acknowledge_due(case.created_at),
            acknowledged_at: None,
            acknowledged_by: None,
            understood: String::new(),
            outcome_sought: String::new(),
            respond_due_at: None,
            extended_days: 0,
            extension_reasons: String::new(),
            handler_id: case.owner_id,
            handler: None,
            responded_at: None,
            decision: None,
            reasons: String::new(),
            remedy: String::new(),
            actions: 0,
            learning: String::new(),
        });
    }
    out.late = match (out.matter_on, london(case.created_at)) {
        (Some(m), Some(r)) => complaint::is_late(m, r.date()),
        _ => false,
    };
    Ok((out, responders))
}

/// [`acknowledge_due`] in milliseconds, for a complaint case opened by a split.
pub(crate) fn acknowledge_due_ms(received: i64) -> Option<i64> {
    acknowledge_due(received).map(to_millis)
}

fn acknowledge_due(received: i64) -> Option<Timestamp> {
    complaint::acknowledge_due(calendar(), &london(received)?)
        .ok()
        .map(|z| z.timestamp())
}

fn respond_due(stage: Stage, acknowledged: i64, extended: u32) -> Option<Timestamp> {
    complaint::respond_due(calendar(), stage, &london(acknowledged)?, extended)
        .ok()
        .map(|z| z.timestamp())
}

impl Store {
    /// The complaint on case `reference`; `None` when the case is not a complaint.
    /// `ombudsman` is the one a complaint goes to until someone says otherwise (the
    /// council's configuration, by service).
    pub async fn complaint(&self, reference: &CaseReference, ombudsman: Ombudsman) -> Result<Option<ComplaintRecord>> {
        self.complaint_by_id(reference.number(), ombudsman)
            .await
            .map_err(|e| match e {
                StoreError::NotFound(_) => StoreError::NotFound(format!("case {reference}")),
                e => e,
            })
    }

    async fn complaint_by_id(&self, case_id: i64, ombudsman: Ombudsman) -> Result<Option<ComplaintRecord>> {
        read!(self, |conn, _d| {
            let case: CaseRow = sqlx::query_as(CASE)
                .bind(case_id)
                .fetch_optional(conn)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("case {case_id}")))?;
            if parse_col::<CaseKind>(&case.kind)? != CaseKind::Complaint {
                return Ok(None);
            }
            let row: Option<ComplaintRow> = sqlx::query_as(COMPLAINT).bind(case_id).fetch_optional(conn).await?;
            let stages: Vec<StageRow> = sqlx::query_as(STAGES).bind(case_id).fetch_all(conn).await?;
            let (record, _) = assemble(case_id, &case, row.as_ref(), &stages, ombudsman)?;
            Ok(Some(record))
        })
    }

    /// Takes one step on the complaint on case `reference`, as `actor`; returns the
    /// complaint after it. Refused with the reason when the code does not allow it.
    pub async fn complaint_step(
        &self,
        reference: &CaseReference,
        step: &Step,
        ombudsman: Ombudsman,
        actor: i64,
    ) -> Result<ComplaintRecord> {
        let now = to_millis(Timestamp::now());
        let case_id = reference.number();
        write_tx!(self, |tx, d| {
            let lock = if d == Dialect::Postgres { " FOR UPDATE OF c" } else { "" };
            let case: CaseRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{CASE}{lock}")))
                .bind(case_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("case {reference}")))?;
            if parse_col::<CaseKind>(&case.kind)? != CaseKind::Complaint {
                return Err(Invalid::field("kind", "this case is not a complaint").into());
            }
            let row: Option<ComplaintRow> = sqlx::query_as(COMPLAINT).bind(case_id).fetch_optional(&mut *tx).await?;
            let stages: Vec<StageRow> = sqlx::query_as(STAGES).bind(case_id).fetch_all(&mut *tx).await?;
            let (before, responders) = assemble(case_id, &case, row.as_ref(), &stages, ombudsman)?;
            if row.is_none() {
                sqlx::query("INSERT INTO complaints (case_id, ombudsman) VALUES ($1, $2)")
                    .bind(case_id)
                    .bind(before.ombudsman.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
            if stages.is_empty() {
                let s1 = before.current();
                sqlx::query(
                    "INSERT INTO complaint_stages (case_id, stage, received_at, acknowledge_due_at, handler_id) \
                     VALUES ($1, 1, $2, $3, $4)",
                )
                .bind(case_id)
                .bind(to_millis(s1.received_at))
                .bind(s1.acknowledge_due_at.map(to_millis))
                .bind(s1.handler_id)
                .execute(&mut *tx)
                .await?;
            }
            let cur = before.current();
            let stage_no = cur.stage.number();
            let refused = before.refusal.is_some();
            // What the step changes on the case: (status, deadline) when it changes them.
            let mut status: Option<CaseStatus> = None;
            let mut due: Option<Option<i64>> = None;
            let mut detail = serde_json::json!({"stage": cur.stage});
            if refused && !matches!(step, Step::Details { .. }) {
                return Err(Invalid::field(
                    "complaint",
                    "this complaint was refused; nothing more is due under the code",
                )
                .into());
            }
            match step {
                Step::Details {
                    category,
                    matter_on,
                    adjustments,
                    ombudsman,
                    ombudsman_ref,
                } => {
                    for (field, v, max) in [
                        ("category", category, 100),
                        ("adjustments", adjustments, complaint::MAX_TEXT),
                        ("ombudsman_ref", ombudsman_ref, 100),
                    ] {
                        if v.chars().count() > max {
                            return Err(Invalid::field(field, format!("at most {max} characters")).into());
                        }
                    }
                    if let Some(m) = matter_on
                        && m > &from_millis(now).to_zoned(jiff::tz::TimeZone::UTC).date()
                    {
                        return Err(
                            Invalid::field("matter_on", "the matter cannot have happened in the future").into(),
                        );
                    }
                    sqlx::query(
                        "UPDATE complaints SET category = $1, matter_on = $2, adjustments = $3, ombudsman = $4, \
                         ombudsman_ref = $5 WHERE case_id = $6",
                    )
                    .bind(category.trim())
                    .bind(matter_on.map(|m| m.to_string()))
                    .bind(adjustments.trim())
                    .bind(ombudsman.as_str())
                    .bind(ombudsman_ref.trim())
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
                    detail["category"] = serde_json::json!(category.trim());
                    detail["matter_on"] = serde_json::json!(matter_on.map(|m| m.to_string()));
                    detail["adjustments"] = serde_json::json!(!adjustments.trim().is_empty());
                    detail["ombudsman_ref"] = serde_json::json!(ombudsman_ref.trim());
                }
                Step::DecideLate { accept, reasons } => {
                    if !before.late {
                        return Err(Invalid::field(
                            "late",
                            "the matter is not more than 12 months old; no decision is needed",
                        )
                        .into());
                    }
                    complaint::check_refusal(reasons)?;
                    let decision = if *accept { "accepted" } else { "refused" };
                    sqlx::query("UPDATE complaints SET late_decision = $1, late_reasons = $2 WHERE case_id = $3")
                        .bind(decision)
                        .bind(reasons.trim())
                        .bind(case_id)
                        .execute(&mut *tx)
                        .await?;
                    if !*accept {
                        sqlx::query(
                            "UPDATE complaints SET refusal = $1, refusal_reasons = $2, refused_at = $3, refused_by = $4 WHERE case_id = $5",
                        )
                        .bind(Refusal::OverTwelveMonths.as_str())
                        .bind(reasons.trim())
                        .bind(now)
                        .bind(actor)
                        .bind(case_id)
                        .execute(&mut *tx)
                        .await?;
                        status = Some(CaseStatus::Resolved);
                        due = Some(None);
                    }
                    detail["decision"] = serde_json::json!(decision);
                    detail["reasons"] = serde_json::json!(reasons.trim());
                }
                Step::Acknowledge {
                    understood,
                    outcome_sought,
                } => {
                    if cur.acknowledged_at.is_some() {
                        return Err(Invalid::field(
                            "acknowledge",
                            format!("{} is already acknowledged", cur.stage.label()),
                        )
                        .into());
                    }
                    complaint::check_acknowledgement(understood, outcome_sought)?;
                    if before.late && before.late_decision.is_none() {
                        return Err(Invalid::field(
                            "late",
                            "the matter is more than 12 months old: decide, with reasons, whether to take the complaint first",
                        )
                        .into());
                    }
                    let respond = respond_due(cur.stage, now, 0).map(to_millis);
                    sqlx::query(
                        "UPDATE complaint_stages SET acknowledged_at = $1, acknowledged_by = $2, understood = $3, \
                         outcome_sought = $4, respond_due_at = $5, handler_id = COALESCE(handler_id, $2) \
                         WHERE case_id = $6 AND stage = $7",
                    )
                    .bind(now)
                    .bind(actor)
                    .bind(understood.trim())
                    .bind(outcome_sought.trim())
                    .bind(respond)
                    .bind(case_id)
                    .bind(stage_no)
                    .execute(&mut *tx)
                    .await?;
                    // The acknowledgement is the complaint's first response.
                    sqlx::query("UPDATE cases SET responded_at = COALESCE(responded_at, $1) WHERE id = $2")
                        .bind(now)
                        .bind(case_id)
                        .execute(&mut *tx)
                        .await?;
                    status = Some(if cur.stage == Stage::One {
                        CaseStatus::Stage1
                    } else {
                        CaseStatus::Stage2
                    });
                    due = Some(respond);
                    detail["on_time"] = serde_json::json!(cur.acknowledge_due_at.map(|d| now <= to_millis(d)));
                    detail["respond_by"] = serde_json::json!(crate::clocks::stamp(respond));
                }
                Step::Extend {
                    days,
                    reasons,
                    resident_told,
                } => {
                    let Some(acknowledged) = cur.acknowledged_at else {
                        return Err(
                            Invalid::field("days", "acknowledge the complaint before extending its response").into(),
                        );
                    };
                    if cur.responded_at.is_some() {
                        return Err(
                            Invalid::field("days", format!("{} is already answered", cur.stage.label())).into(),
                        );
                    }
                    complaint::check_extension(cur.stage, cur.extended_days, *days, reasons, *resident_told)?;
                    let total = cur.extended_days + days;
                    let respond = respond_due(cur.stage, to_millis(acknowledged), total).map(to_millis);
                    let joined = if cur.extension_reasons.is_empty() {
                        reasons.trim().to_string()
                    } else {
                        format!("{}\n{}", cur.extension_reasons, reasons.trim())
                    };
                    sqlx::query(
                        "UPDATE complaint_stages SET extended_days = $1, extension_reasons = $2, respond_due_at = $3 \
                         WHERE case_id = $4 AND stage = $5",
                    )
                    .bind(i64::from(total))
                    .bind(joined)
                    .bind(respond)
                    .bind(case_id)
                    .bind(stage_no)
                    .execute(&mut *tx)
                    .await?;
                    due = Some(respond);
                    detail["days"] = serde_json::json!(days);
                    detail["reasons"] = serde_json::json!(reasons.trim());
                    detail["respond_by"] = serde_json::json!(crate::clocks::stamp(respond));
                }
                Step::Respond {
                    decision,
                    reasons,
                    remedy,
                    actions,
                    actions_due,
                    learning,
                } => {
                    if cur.acknowledged_at.is_none() {
                        return Err(Invalid::field(
                            "decision",
                            format!("acknowledge {} before responding", cur.stage.label()),
                        )
                        .into());
                    }
                    if cur.responded_at.is_some() {
                        return Err(
                            Invalid::field("decision", format!("{} is already answered", cur.stage.label())).into(),
                        );
                    }
                    let actions: Vec<String> = actions
                        .iter()
                        .map(|a| a.trim().to_string())
                        .filter(|a| !a.is_empty())
                        .collect();
                    complaint::check_response(reasons, remedy, &actions, learning)?;
                    let actions_due = match (actions.is_empty(), actions_due) {
                        (true, _) => None,
                        (false, Some(t)) if to_millis(*t) > now => Some(to_millis(*t)),
                        (false, Some(_)) => {
                            return Err(Invalid::field("actions_due", "the actions' date must be in the future").into());
                        }
                        (false, None) => {
                            return Err(Invalid::field(
                                "actions_due",
                                "say by when the outstanding actions will be done",
                            )
                            .into());
                        }
                    };
                    sqlx::query(
                        "UPDATE complaint_stages SET responded_at = $1, responded_by = $2, decision = $3, reasons = $4, \
                         remedy = $5, actions = $6, learning = $7 WHERE case_id = $8 AND stage = $9",
                    )
                    .bind(now)
                    .bind(actor)
                    .bind(decision.as_str())
                    .bind(reasons.trim())
                    .bind(remedy.trim())
                    .bind(actions.len() as i64)
                    .bind(learning.trim())
                    .bind(case_id)
                    .bind(stage_no)
                    .execute(&mut *tx)
                    .await?;
                    // Outstanding actions are tracked after the response until done: each is
                    // a follow-up on the case, in its history and its next-action date.
                    for a in &actions {
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO case_follow_ups (case_id, due_at, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                        )
                        .bind(case_id)
                        .bind(actions_due)
                        .bind(format!("Complaint action: {a}"))
                        .bind(actor)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        insert_event!(
                            tx,
                            case_id,
                            now,
                            Some(actor),
                            "follow_up",
                            serde_json::json!({"id": id, "due": crate::clocks::stamp(actions_due), "note": format!("Complaint action: {a}")})
                        );
                    }
                    status = Some(CaseStatus::Resolved);
                    due = Some(None);
                    detail["decision"] = serde_json::json!(decision);
                    detail["on_time"] = serde_json::json!(cur.respond_due_at.map(|d| now <= to_millis(d)));
                    detail["actions"] = serde_json::json!(actions.len());
                }
                Step::Escalate { handler } => {
                    if cur.stage == Stage::Two {
                        return Err(Invalid::field(
                            "stage",
                            "the code has two stages; this complaint is at stage 2 already",
                        )
                        .into());
                    }
                    if cur.responded_at.is_none() {
                        return Err(Invalid::field(
                            "stage",
                            "stage 2 follows the stage 1 response; respond to stage 1 first",
                        )
                        .into());
                    }
                    let active: Option<bool> = sqlx::query_scalar("SELECT active FROM users WHERE id = $1")
                        .bind(handler)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if active != Some(true) {
                        return Err(Invalid::field("handler", "choose an active officer to handle stage 2").into());
                    }
                    complaint::check_reviewer(&before.stage_one_people(&responders), *handler)?;
                    let ack = acknowledge_due(now).map(to_millis);
                    sqlx::query(
                        "INSERT INTO complaint_stages (case_id, stage, received_at, acknowledge_due_at, handler_id) VALUES ($1, 2, $2, $3, $4)",
                    )
                    .bind(case_id)
                    .bind(now)
                    .bind(ack)
                    .bind(handler)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("UPDATE cases SET owner_id = $1, closed_at = NULL WHERE id = $2")
                        .bind(handler)
                        .bind(case_id)
                        .execute(&mut *tx)
                        .await?;
                    status = Some(CaseStatus::Stage2);
                    due = Some(ack);
                    detail["stage"] = serde_json::json!(Stage::Two);
                    detail["handler"] = serde_json::json!(handler);
                    detail["acknowledge_by"] = serde_json::json!(crate::clocks::stamp(ack));
                }
                Step::Refuse { refusal, reasons } => {
                    complaint::check_refusal(reasons)?;
                    if cur.responded_at.is_some() {
                        return Err(
                            Invalid::field("refusal", format!("{} is already answered", cur.stage.label())).into(),
                        );
                    }
                    sqlx::query(
                        "UPDATE complaints SET refusal = $1, refusal_reasons = $2, refused_at = $3, refused_by = $4 WHERE case_id = $5",
                    )
                    .bind(refusal.as_str())
                    .bind(reasons.trim())
                    .bind(now)
                    .bind(actor)
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
                    status = Some(CaseStatus::Resolved);
                    due = Some(None);
                    detail["refusal"] = serde_json::json!(refusal);
                    detail["reasons"] = serde_json::json!(reasons.trim());
                }
            }
            if let Some(to) = status {
                let from: CaseStatus = parse_col(
                    &sqlx::query_scalar::<_, String>("SELECT status FROM cases WHERE id = $1")
                        .bind(case_id)
                        .fetch_one(&mut *tx)
                        .await?,
                )?;
                if from != to {
                    CaseKind::Complaint
                        .allows(from, to)
                        .map_err(|e| Invalid::field("status", e))?;
                    sqlx::query("UPDATE cases SET status = $1, updated_at = $2 WHERE id = $3")
                        .bind(to.as_str())
                        .bind(now)
                        .bind(case_id)
                        .execute(&mut *tx)
                        .await?;
                    insert_event!(
                        tx,
                        case_id,
                        now,
                        Some(actor),
                        "status",
                        serde_json::json!({"from": from, "to": to})
                    );
                }
            }
            if let Some(due) = due {
                sqlx::query("UPDATE cases SET due_at = $1, updated_at = $2 WHERE id = $3")
                    .bind(due)
                    .bind(now)
                    .bind(case_id)
                    .execute(&mut *tx)
                    .await?;
            }
            insert_event!(tx, case_id, now, Some(actor), step.event(), detail);
            sqlx::query(crate::clocks::REFRESH_NEXT_ACTION)
                .bind(case_id)
                .execute(&mut *tx)
                .await?;
            let row: Option<ComplaintRow> = sqlx::query_as(COMPLAINT).bind(case_id).fetch_optional(&mut *tx).await?;
            let stages: Vec<StageRow> = sqlx::query_as(STAGES).bind(case_id).fetch_all(&mut *tx).await?;
            let (after, _) = assemble(case_id, &case, row.as_ref(), &stages, ombudsman)?;
            Ok::<ComplaintRecord, StoreError>(after)
        })
    }

    /// Every complaint received in `[from, to)` (by stage 1's receipt), for the yearly
    /// report; `ombudsman` as for [`Store::complaint`].
    pub async fn complaints_received(
        &self,
        from: Timestamp,
        to: Timestamp,
        ombudsman: Ombudsman,
    ) -> Result<Vec<ComplaintRecord>> {
        let ids: Vec<i64> = read!(self, |conn, _d| {
            sqlx::query_scalar(
                "SELECT c.id FROM cases c LEFT JOIN complaint_stages st ON st.case_id = c.id AND st.stage = 1 \
                 WHERE c.kind = 'complaint' AND COALESCE(st.received_at, c.created_at) >= $1 \
                 AND COALESCE(st.received_at, c.created_at) < $2 ORDER BY c.id",
            )
            .bind(to_millis(from))
            .bind(to_millis(to))
            .fetch_all(conn)
            .await?
        });
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(c) = self.complaint_by_id(id, ombudsman).await? {
                out.push(c);
            }
        }
        Ok(out)
    }
}
