//! Values read from a case's contacts, reviewed by an agent: confirmed, corrected or turned
//! down. A confirmed value is a structured field of the case — templates, the back-office
//! hand-off and the API read it — so nobody types it again; one turned down is never
//! offered again. A review applies to every message of the case that carried the value.

use crate::db::{insert_event, write_tx};
use crate::{Result, Store, StoreError, to_millis};
use heard_core::{CaseReference, Invalid};
use jiff::Timestamp;

/// What the agent decided about a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    /// It is right.
    Accept,
    /// It is not a value of this case at all (a misreading).
    Reject,
    /// It was read nearly right: this is what it should be.
    Correct(String),
}

/// Longest value an agent may type.
const MAX_VALUE: usize = 300;

impl Store {
    /// Reviews the value `value` of kind `kind` read from `case`'s contacts.
    pub async fn review_value(
        &self,
        case: &CaseReference,
        kind: &str,
        value: &str,
        review: &Review,
        actor: i64,
    ) -> Result<()> {
        let (status, new_value) = match review {
            Review::Accept => ("accepted", value.to_string()),
            Review::Reject => ("rejected", value.to_string()),
            Review::Correct(v) => {
                let v = v.trim();
                if v.is_empty() {
                    return Err(Invalid::field("corrected", "write the value as it should be").into());
                }
                if v.chars().count() > MAX_VALUE {
                    return Err(Invalid::field("corrected", format!("at most {MAX_VALUE} characters")).into());
                }
                ("accepted", v.to_string())
            }
        };
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let changed = sqlx::query(
                "UPDATE contact_entities SET status = $1, value = $2 \
                 WHERE kind = $3 AND value = $4 \
                 AND contact_id IN (SELECT id FROM contacts WHERE case_id = $5)",
            )
            .bind(status)
            .bind(&new_value)
            .bind(kind)
            .bind(value)
            .bind(case.number())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::NotFound(format!(
                    "no {kind} `{value}` read from case {case}"
                )));
            }
            let detail = match review {
                Review::Correct(_) => serde_json::json!({"kind": kind, "from": value, "to": new_value}),
                _ => serde_json::json!({"kind": kind, "value": value}),
            };
            let event = match review {
                Review::Accept => "value_accepted",
                Review::Reject => "value_rejected",
                Review::Correct(_) => "value_corrected",
            };
            insert_event!(tx, case.number(), now, Some(actor), event, detail);
            Ok(())
        })
    }
}
