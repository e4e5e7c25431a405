//! The resident's side ("track my case"): the keys that sign tracking links, whether an
//! address belongs to a case's customer, and the one-time codes that let a resident in
//! by case reference and address.
//!
//! Codes are stored as keyed hashes made by the caller; this module never sees a code.
//! Limits are counted here, in the database, so every node agrees on them.

use crate::db::{read, write_tx};
use crate::{Result, Store, StoreError, to_millis};
use heard_core::CaseReference;
use jiff::{SignedDuration, Timestamp};

/// Wrong guesses a code survives; the next one kills it.
pub const MAX_CODE_ATTEMPTS: i64 = 5;

/// Why a code was not accepted. The resident is told the same thing for each (so a
/// guesser learns nothing), but the log and tests can tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    /// Wrong code; the code still lives.
    Wrong,
    /// No live code for this case and address: never sent, used, expired, or killed
    /// by too many wrong guesses.
    NoLiveCode,
}

impl Store {
    /// The secret called `name`, made (32 random bytes) on first use. Every node reads
    /// the same one, so a link signed by one node opens on another.
    pub async fn site_key(&self, name: &str) -> Result<Vec<u8>> {
        let made = {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            hex::encode(bytes)
        };
        let now = to_millis(Timestamp::now());
        let secret: String = write_tx!(self, |tx, _d| {
            sqlx::query(
                "INSERT INTO site_keys (name, secret, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(&made)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let s: String = sqlx::query_scalar("SELECT secret FROM site_keys WHERE name = $1")
                .bind(name)
                .fetch_one(&mut *tx)
                .await?;
            Ok::<_, StoreError>(s)
        })?;
        hex::decode(&secret).map_err(|e| StoreError::Schema(format!("site key {name} is not hex: {e}")))
    }

    /// Whether `value` (a normalised email address or phone number, of identity `kind`)
    /// is one of the identities of the customer case `case` belongs to.
    pub async fn case_has_identity(&self, case: &CaseReference, kind: &str, value: &str) -> Result<bool> {
        read!(self, |pool, _d| {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT i.id FROM cases k JOIN customer_identities i ON i.customer_id = k.customer_id \
                 WHERE k.id = $1 AND i.kind = $2 AND i.value = $3",
            )
            .bind(case.number())
            .bind(kind)
            .bind(value)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }

    /// Records a code sent for `case` to `identity`, unless `per_hour` codes were
    /// already sent for the case in the last hour (then `false`, nothing written).
    /// Earlier live codes for the same address stop working: only the newest counts.
    pub async fn issue_track_code(
        &self,
        case: &CaseReference,
        identity: &str,
        code_hash: &str,
        lifetime: SignedDuration,
        per_hour: i64,
    ) -> Result<bool> {
        let now = Timestamp::now();
        let (at, hour_ago, expires) = (
            to_millis(now),
            to_millis(now - SignedDuration::from_hours(1)),
            to_millis(now + lifetime),
        );
        write_tx!(self, |tx, _d| {
            let sent: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM track_codes WHERE case_id = $1 AND created_at > $2")
                    .bind(case.number())
                    .bind(hour_ago)
                    .fetch_one(&mut *tx)
                    .await?;
            if sent >= per_hour {
                return Ok(false);
            }
            sqlx::query("UPDATE track_codes SET used_at = $1 WHERE case_id = $2 AND identity = $3 AND used_at IS NULL")
                .bind(at)
                .bind(case.number())
                .bind(identity)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO track_codes (case_id, identity, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(case.number())
            .bind(identity)
            .bind(code_hash)
            .bind(at)
            .bind(expires)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(true)
        })
    }

    /// Checks a code for `case` and `identity`: the newest live code must have the hash
    /// `code_hash`. Every check counts as an attempt; an accepted code is used up.
    pub async fn redeem_track_code(&self, case: &CaseReference, identity: &str, code_hash: &str) -> Result<CodeCheck> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let live: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, code_hash FROM track_codes WHERE case_id = $1 AND identity = $2 AND used_at IS NULL \
                 AND expires_at > $3 AND attempts < $4 ORDER BY id DESC LIMIT 1",
            )
            .bind(case.number())
            .bind(identity)
            .bind(now)
            .bind(MAX_CODE_ATTEMPTS)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id, stored)) = live else {
                return Ok(CodeCheck::NoLiveCode);
            };
            let accepted = constant_time_eq(stored.as_bytes(), code_hash.as_bytes());
            sqlx::query("UPDATE track_codes SET attempts = attempts + 1, used_at = $1 WHERE id = $2")
                .bind(accepted.then_some(now))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            Ok::<_, StoreError>(if accepted {
                CodeCheck::Accepted
            } else {
                CodeCheck::Wrong
            })
        })
    }
}

/// Compares two hashes without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Store {
    /// The identities (kind, value) of the customer `case` belongs to, email addresses
    /// first: what a resident's addition to the case is recorded as coming from.
    pub async fn case_customer_identities(&self, case: &CaseReference) -> Result<Vec<(String, String)>> {
        read!(self, |pool, _d| {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT i.kind, i.value FROM cases k JOIN customer_identities i ON i.customer_id = k.customer_id \
                 WHERE k.id = $1 ORDER BY CASE i.kind WHEN 'email' THEN 0 WHEN 'phone' THEN 1 ELSE 2 END, i.id",
            )
            .bind(case.number())
            .fetch_all(pool)
            .await?;
            Ok(rows)
        })
    }
}

/// How far back, in event ids, the notifier looks for events it has not claimed: a
/// transaction that commits after a later one (PostgreSQL hands out ids at insert, not
/// at commit) is still found.
const NOTICE_WINDOW: i64 = 500;

/// A case event that may become an update for the resident.
#[derive(Debug, Clone)]
pub struct NoticeEvent {
    pub event_id: i64,
    pub case: CaseReference,
    /// `created` or `status`.
    pub kind: String,
    pub detail: serde_json::Value,
    pub service: String,
    /// The channel of the case's first contact: how the resident reached us.
    pub first_channel: Option<String>,
}

/// Someone an update goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub customer_id: i64,
    pub name: String,
    /// Their first deliverable email address: updates go there when there is one.
    pub email: Option<String>,
    /// Their first phone number (E.164): for a text message when they gave no email.
    pub phone: Option<String>,
    /// The language they read (`cy` for Welsh), when known.
    pub language: Option<String>,
    /// Their own case: the case itself, or the one they reported that was linked to it
    /// as a duplicate.
    pub own_case: CaseReference,
}

impl Store {
    /// Events not yet told or passed over, oldest first, that are at least `settle`
    /// old. On the first call ever, marks the newest existing event as the start, so a
    /// council's history is never sent.
    pub async fn notice_events(&self, prefix: &str, settle: SignedDuration, limit: i64) -> Result<Vec<NoticeEvent>> {
        let now = Timestamp::now();
        let start: Option<i64> = read!(self, |pool, _d| {
            let m: Option<i64> = sqlx::query_scalar("SELECT MAX(event_id) FROM resident_notices")
                .fetch_one(pool)
                .await?;
            Ok::<_, StoreError>(m)
        })?;
        let start = match start {
            Some(s) => s,
            None => {
                write_tx!(self, |tx, _d| {
                    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM case_events")
                        .fetch_one(&mut *tx)
                        .await?;
                    let newest = newest.unwrap_or(0);
                    sqlx::query(
                        "INSERT INTO resident_notices (event_id, case_id, at, sent) VALUES ($1, NULL, $2, 0) \
                         ON CONFLICT (event_id) DO NOTHING",
                    )
                    .bind(newest)
                    .bind(to_millis(now))
                    .execute(&mut *tx)
                    .await?;
                    Ok::<_, StoreError>(())
                })?;
                return Ok(Vec::new());
            }
        };
        let rows: Vec<(i64, i64, String, String, String, Option<String>)> = read!(self, |pool, _d| {
            let r = sqlx::query_as(
                "SELECT e.id, e.case_id, e.kind, e.detail, s.slug, \
                 (SELECT c.channel FROM contacts c WHERE c.case_id = e.case_id ORDER BY c.id LIMIT 1) \
                 FROM case_events e JOIN cases k ON k.id = e.case_id JOIN services s ON s.id = k.service_id \
                 WHERE e.id > $1 AND e.kind IN ('created', 'status') AND e.at <= $2 \
                 AND NOT EXISTS (SELECT 1 FROM resident_notices n WHERE n.event_id = e.id) \
                 ORDER BY e.id LIMIT $3",
            )
            .bind(start - NOTICE_WINDOW)
            .bind(to_millis(now - settle))
            .bind(limit)
            .fetch_all(pool)
            .await?;
            Ok::<_, StoreError>(r)
        })?;
        rows.into_iter()
            .map(|(event_id, case, kind, detail, service, first_channel)| {
                Ok(NoticeEvent {
                    event_id,
                    case: CaseReference::new(prefix, case).map_err(StoreError::Schema)?,
                    kind,
                    detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
                    service,
                    first_channel,
                })
            })
            .collect()
    }

    /// Who an update about `case` goes to: its customer, and the customers of cases
    /// linked to it as duplicates, each with their first deliverable email address and
    /// first phone number, leaving out anyone who stopped updates on their own case and
    /// anyone with neither.
    pub async fn notice_recipients(&self, case: &CaseReference) -> Result<Vec<Recipient>> {
        let prefix = case.prefix().to_string();
        let rows: Vec<(i64, String, String, String, i64, Option<String>)> = read!(self, |pool, _d| {
            let r = sqlx::query_as(
                "SELECT c.id, c.name, i.kind, i.value, o.case_id, c.language FROM ( \
                   SELECT id AS case_id, customer_id FROM cases WHERE id = $1 \
                   UNION SELECT k.id, k.customer_id FROM case_links l JOIN cases k ON k.id = l.from_case_id \
                   WHERE l.to_case_id = $1 AND l.kind = 'duplicate_of') o \
                 JOIN customers c ON c.id = o.customer_id \
                 JOIN customer_identities i ON i.customer_id = c.id AND i.kind IN ('email', 'phone') AND NOT i.undeliverable \
                 WHERE NOT EXISTS (SELECT 1 FROM update_opt_outs x WHERE x.case_id = o.case_id AND x.customer_id = c.id) \
                 ORDER BY o.case_id, c.id, i.id",
            )
            .bind(case.number())
            .fetch_all(pool)
            .await?;
            Ok::<_, StoreError>(r)
        })?;
        let mut out: Vec<Recipient> = Vec::new();
        for (customer_id, name, kind, value, own, language) in rows {
            let at = match out.iter().position(|r| r.customer_id == customer_id) {
                Some(at) => at,
                None => {
                    out.push(Recipient {
                        customer_id,
                        name,
                        email: None,
                        phone: None,
                        language,
                        own_case: CaseReference::new(&prefix, own).map_err(StoreError::Schema)?,
                    });
                    out.len() - 1
                }
            };
            let r = &mut out[at];
            let slot = if kind == "email" { &mut r.email } else { &mut r.phone };
            slot.get_or_insert(value);
        }
        Ok(out)
    }

    /// Claims `event` and queues its `emails` and text messages, in one transaction.
    /// `false` when another node claimed it first (nothing is queued).
    pub async fn record_notice(
        &self,
        event: &NoticeEvent,
        emails: &[crate::outbox::NewOutgoingEmail],
        texts: &[crate::sms::NewSms],
    ) -> Result<bool> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            let claimed = sqlx::query(
                "INSERT INTO resident_notices (event_id, case_id, at, sent) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(event.event_id)
            .bind(event.case.number())
            .bind(now)
            .bind((emails.len() + texts.len()) as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                return Ok(false);
            }
            for e in emails {
                crate::outbox::insert_email!(tx, e, now);
            }
            for t in texts {
                crate::sms::insert_sms!(tx, t, now);
            }
            Ok::<_, StoreError>(true)
        })
    }

    /// Stops updates about `case` to `customer`.
    pub async fn stop_updates(&self, case: &CaseReference, customer: i64) -> Result<()> {
        let now = to_millis(Timestamp::now());
        write_tx!(self, |tx, _d| {
            sqlx::query(
                "INSERT INTO update_opt_outs (case_id, customer_id, at) VALUES ($1, $2, $3) \
                 ON CONFLICT (case_id, customer_id) DO NOTHING",
            )
            .bind(case.number())
            .bind(customer)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok::<_, StoreError>(())
        })
    }
}

impl Store {
    /// Records the language `customer` reads (`en` or `cy`), as they last used heard.
    pub async fn set_customer_language(&self, customer: i64, language: &str) -> Result<()> {
        write_tx!(self, |tx, _d| {
            sqlx::query("UPDATE customers SET language = $1 WHERE id = $2 AND (language IS NULL OR language <> $1)")
                .bind(language)
                .bind(customer)
                .execute(&mut *tx)
                .await?;
            Ok::<_, StoreError>(())
        })
    }

    /// The language of the customer `case` belongs to, when known.
    pub async fn case_customer_language(&self, case: &CaseReference) -> Result<Option<String>> {
        read!(self, |pool, _d| {
            let l: Option<Option<String>> = sqlx::query_scalar(
                "SELECT c.language FROM cases k JOIN customers c ON c.id = k.customer_id WHERE k.id = $1",
            )
            .bind(case.number())
            .fetch_optional(pool)
            .await?;
            Ok(l.flatten())
        })
    }
}
