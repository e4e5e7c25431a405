//! What routing learns from: the council's settled cases and its agents' corrections.
//!
//! A case is settled evidence of where its first message belonged once it is closed in a
//! service (somebody worked it there) or once an agent moved it away from where the model
//! or triage put it (a correction, recorded here and weighed more in training). Cases the
//! model routed and nobody has looked at yet are left out, so the model never learns from
//! its own unchecked guesses.

use crate::db::{read, write_tx};
use crate::{Result, Store, to_millis};
use jiff::Timestamp;

/// One settled case's first message and where it belonged.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedExample {
    pub case_id: i64,
    pub subject: Option<String>,
    pub text: String,
    /// `service/kind`, the label routing learns.
    pub label: String,
    /// An agent moved it from where intake sent it.
    pub corrected: bool,
}

/// Records, in a transfer's transaction, that intake's routing of the case was corrected
/// (once per case, and only when the model or triage chose its service).
macro_rules! record_correction {
    ($tx:ident, $case:expr, $to:expr, $actor:expr, $at:expr) => {{
        let created: Option<String> = sqlx::query_scalar(
            "SELECT detail FROM case_events WHERE case_id = $1 AND kind = 'created' ORDER BY id LIMIT 1",
        )
        .bind($case)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some((by, predicted, confidence)) = created.as_deref().and_then($crate::routing::decision) {
            sqlx::query(
                "INSERT INTO routing_corrections (case_id, routed_by, predicted, confidence, corrected, actor_id, at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (case_id) DO NOTHING",
            )
            .bind($case)
            .bind(by)
            .bind(predicted)
            .bind(confidence)
            .bind($to)
            .bind($actor)
            .bind($at)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
pub(crate) use record_correction;

/// From a case's `created` event: how a learned route chose it — (`model` or `triage`,
/// the service chosen or guessed, confidence) — or `None` for any other route.
pub(crate) fn decision(created_detail: &str) -> Option<(String, String, f64)> {
    let detail: serde_json::Value = serde_json::from_str(created_detail).ok()?;
    let routed = detail.get("routed")?;
    let confidence = routed.get("confidence")?.as_f64()?;
    match routed.get("by")?.as_str()? {
        "model" => Some(("model".into(), detail.get("service")?.as_str()?.to_string(), confidence)),
        "triage" => Some(("triage".into(), routed.get("guess")?.as_str()?.to_string(), confidence)),
        _ => None,
    }
}

impl Store {
    /// The newest `limit` settled cases (see the module docs), their first inbound message
    /// and where they belonged; cases still in `triage_service` are not settled.
    pub async fn routing_history(&self, triage_service: &str, limit: u32) -> Result<Vec<RoutedExample>> {
        read!(self, |pool, _d| {
            let rows: Vec<(i64, String, String, Option<String>, String, bool)> = sqlx::query_as(
                "SELECT k.id, s.slug, k.kind, c.subject, c.body, \
                        EXISTS (SELECT 1 FROM routing_corrections r WHERE r.case_id = k.id) \
                 FROM cases k \
                 JOIN services s ON s.id = k.service_id \
                 JOIN contacts c ON c.id = (SELECT MIN(f.id) FROM contacts f \
                                            WHERE f.case_id = k.id AND f.direction = 'inbound') \
                 WHERE s.slug <> $1 \
                   AND (k.status = 'closed' OR EXISTS (SELECT 1 FROM routing_corrections r WHERE r.case_id = k.id)) \
                 ORDER BY k.id DESC LIMIT $2",
            )
            .bind(triage_service)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(case_id, service, kind, subject, text, corrected)| RoutedExample {
                    case_id,
                    subject,
                    text,
                    label: format!("{service}{}{kind}", heard_core::routing::KIND_SEPARATOR),
                    corrected,
                })
                .collect())
        })
    }

    /// How many routing corrections agents have made since `since`.
    pub async fn routing_corrections_since(&self, since: Timestamp) -> Result<i64> {
        read!(self, |pool, _d| {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM routing_corrections WHERE at >= $1")
                .bind(to_millis(since))
                .fetch_one(pool)
                .await?;
            Ok(n)
        })
    }

    /// Makes sure the triage service exists (routing needs somewhere to put the contacts
    /// it is unsure of), owned by `team` (a slug) when it is new and the team exists.
    pub async fn ensure_triage_service(&self, slug: &str, name: &str, team: Option<&str>) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "INSERT INTO services (slug, name, keywords, team_id) \
                 VALUES ($1, $2, '', (SELECT id FROM teams WHERE slug = $3)) ON CONFLICT (slug) DO NOTHING",
            )
            .bind(slug)
            .bind(name)
            .bind(team)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_learned_decision_from_the_created_event() {
        let model = r#"{"service":"waste","routed":{"by":"model","confidence":0.91}}"#;
        assert_eq!(super::decision(model), Some(("model".into(), "waste".into(), 0.91)));
        let triage = r#"{"service":"triage","routed":{"by":"triage","guess":"highways","confidence":0.3}}"#;
        assert_eq!(super::decision(triage), Some(("triage".into(), "highways".into(), 0.3)));
        assert_eq!(
            super::decision(r#"{"service":"waste","routed":{"by":"keywords"}}"#),
            None
        );
        assert_eq!(super::decision(r#"{"service":"waste"}"#), None);
        assert_eq!(super::decision("not json"), None);
    }
}
