//! An MOT day's figures: what one department (service) dealt with over a period — its
//! inbound contacts by channel and by week, cases by kind (service-desk tickets among
//! them), complaints, and deadlines missed — for the pack the ICT team prints beforehand.

use crate::db::read;
use crate::{Result, Store, StoreError, from_millis, to_millis};
use jiff::Timestamp;

const WEEK_MS: i64 = 7 * 24 * 3600 * 1000;

/// A case the pack lists (a complaint, or a missed deadline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackCase {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub created_at: Timestamp,
    pub due_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
}

/// The department's figures over `[from, to)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MotFigures {
    /// Inbound contacts by channel, most first.
    pub contacts_by_channel: Vec<(String, i64)>,
    /// Inbound contacts in each week from `from` (week 0 first; weeks without any are 0).
    pub contacts_by_week: Vec<i64>,
    /// Cases opened, by kind (enquiry, request, incident, complaint…).
    pub cases_by_kind: Vec<(String, i64)>,
    pub complaints: Vec<PackCase>,
    /// Cases whose resolution deadline fell in the period and was missed: closed after it,
    /// or still open past it.
    pub missed: Vec<PackCase>,
}

type CaseRow = (i64, String, String, String, i64, Option<i64>, Option<i64>);

fn case(r: CaseRow) -> PackCase {
    PackCase {
        id: r.0,
        title: r.1,
        kind: r.2,
        status: r.3,
        created_at: from_millis(r.4),
        due_at: r.5.map(from_millis),
        closed_at: r.6.map(from_millis),
    }
}

type Counts = Vec<(String, i64)>;
/// Channels, weeks, kinds, complaints, missed deadlines.
type Rows = (Counts, Vec<(i64, i64)>, Counts, Vec<CaseRow>, Vec<CaseRow>);

const CASES: &str = "SELECT k.id, k.title, k.kind, k.status, k.created_at, k.due_at, k.closed_at \
     FROM cases k JOIN services s ON s.id = k.service_id WHERE s.slug = $1";

impl Store {
    /// The figures of `service` (a slug) from `from` up to `to`.
    pub async fn mot_figures(&self, service: &str, from: Timestamp, to: Timestamp) -> Result<MotFigures> {
        let (from, to) = (to_millis(from), to_millis(to));
        let now = to_millis(Timestamp::now());
        let complaints_sql =
            format!("{CASES} AND k.kind = 'complaint' AND k.created_at >= $2 AND k.created_at < $3 ORDER BY k.id");
        let missed_sql = format!(
            "{CASES} AND k.due_at >= $2 AND k.due_at < $3 AND ((k.closed_at IS NOT NULL AND k.closed_at > k.due_at) \
             OR (k.closed_at IS NULL AND k.due_at < $4)) ORDER BY k.due_at, k.id"
        );
        let (channels, weeks, kinds, complaints, missed): Rows = read!(self, |pool, _d| {
            let channels = sqlx::query_as(
                    "SELECT c.channel, COUNT(*) FROM contacts c JOIN cases k ON k.id = c.case_id \
                     JOIN services s ON s.id = k.service_id WHERE s.slug = $1 AND c.direction = 'inbound' \
                     AND c.received_at >= $2 AND c.received_at < $3 GROUP BY c.channel ORDER BY COUNT(*) DESC, c.channel",
                )
                .bind(service)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?;
            let weeks = sqlx::query_as(
                "SELECT (c.received_at - $2) / $4, COUNT(*) FROM contacts c JOIN cases k ON k.id = c.case_id \
                     JOIN services s ON s.id = k.service_id WHERE s.slug = $1 AND c.direction = 'inbound' \
                     AND c.received_at >= $2 AND c.received_at < $3 GROUP BY 1",
            )
            .bind(service)
            .bind(from)
            .bind(to)
            .bind(WEEK_MS)
            .fetch_all(pool)
            .await?;
            let kinds = sqlx::query_as(
                "SELECT k.kind, COUNT(*) FROM cases k JOIN services s ON s.id = k.service_id \
                     WHERE s.slug = $1 AND k.created_at >= $2 AND k.created_at < $3 GROUP BY k.kind ORDER BY k.kind",
            )
            .bind(service)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            let complaints = sqlx::query_as(sqlx::AssertSqlSafe(complaints_sql))
                .bind(service)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await?;
            let missed = sqlx::query_as(sqlx::AssertSqlSafe(missed_sql))
                .bind(service)
                .bind(from)
                .bind(to)
                .bind(now)
                .fetch_all(pool)
                .await?;
            Ok::<_, StoreError>((channels, weeks, kinds, complaints, missed))
        })?;
        let n_weeks = ((to - from).max(0) + WEEK_MS - 1) / WEEK_MS;
        let mut by_week = vec![0; n_weeks as usize];
        for (w, n) in weeks {
            if let Some(slot) = usize::try_from(w).ok().and_then(|w| by_week.get_mut(w)) {
                *slot += n;
            }
        }
        Ok(MotFigures {
            contacts_by_channel: channels,
            contacts_by_week: by_week,
            cases_by_kind: kinds,
            complaints: complaints.into_iter().map(case).collect(),
            missed: missed.into_iter().map(case).collect(),
        })
    }
}
