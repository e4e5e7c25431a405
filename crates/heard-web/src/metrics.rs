//! Operations endpoints: `/readyz` and Prometheus metrics at `/metrics`.
//!
//! Requests are counted and timed by a middleware, labelled by route *template*
//! (`/api/v1/cases/{reference}`, never the reference itself: no personal data in labels,
//! and a bounded number of series). Everything else is read when scraped: intake counts
//! from the store's own tally of what this process stored, queue depths from capped COUNT
//! queries (see `heard_store::stats`).
//!
//! `/metrics` answers loopback clients, or anyone with the bearer token named by
//! `server.metrics_token_env`; others get 404, as if it were not there. Behind a trusted
//! proxy the client is the forwarded address, so the proxy's own loopback address does
//! not open it to the internet.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::time::{Duration, Instant};

/// How long `/readyz` waits for the database before saying it is not ready.
const READY_TIMEOUT: Duration = Duration::from_secs(2);
/// The slipping queue's horizon, as the workspace's "slipping" view has it.
const SLIPPING_AHEAD: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabels {
    channel: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    queue: &'static str,
}

/// The registry and its metrics, one per [`AppState`].
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    intake: Family<ChannelLabels, Counter>,
    outbox: Family<ChannelLabels, Gauge>,
    cases: Family<QueueLabels, Gauge>,
    escalations: Gauge,
    /// One scrape at a time: the intake counters catch up with the store's tally by
    /// difference, which two scrapes at once would count twice.
    scrape: tokio::sync::Mutex<()>,
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("heard");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by method, route template and status class",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to the response's head, by route template",
            latency.clone(),
        );
        let intake = Family::<ChannelLabels, Counter>::default();
        registry.register(
            "intake_contacts",
            "Contacts stored by this process since it started, by channel",
            intake.clone(),
        );
        let outbox = Family::<ChannelLabels, Gauge>::default();
        registry.register(
            "outbox_pending",
            "Messages waiting to leave, by channel (email, sms)",
            outbox.clone(),
        );
        let cases = Family::<QueueLabels, Gauge>::default();
        registry.register(
            "open_cases",
            "Open cases by queue: unassigned, or slipping (next action due within 24 hours, not paused)",
            cases.clone(),
        );
        let escalations = Gauge::default();
        registry.register(
            "deadline_escalations",
            "Missed service-level deadlines escalated to a manager, ever (counts are capped at 100000)",
            escalations.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            intake,
            outbox,
            cases,
            escalations,
            scrape: tokio::sync::Mutex::new(()),
        }
    }
}

/// Middleware: counts and times every request by its route template.
pub(crate) async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let m = &state.0.metrics;
    let status = match response.status().as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    m.latency
        .get_or_create(&RouteLabels { route: route.clone() })
        .observe(started.elapsed().as_secs_f64());
    m.requests.get_or_create(&RequestLabels { method, route, status }).inc();
    response
}

/// `GET /readyz`: 200 when the database answers and its schema is this build's; 503 with
/// the reason otherwise, so a load balancer sends no traffic to a node that would fail it.
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
    let not_ready = |why: String| (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {why}\n")).into_response();
    match tokio::time::timeout(READY_TIMEOUT, state.store().schema_state()).await {
        Err(_) => not_ready(format!("the database did not answer within {READY_TIMEOUT:?}")),
        Ok(Err(e)) => not_ready(format!("the database: {e}")),
        Ok(Ok(heard_store::SchemaState::Current)) => "ready\n".into_response(),
        Ok(Ok(heard_store::SchemaState::Behind { applied, known })) => not_ready(format!(
            "the database has {applied} of {known} migrations: run `heard migrate`"
        )),
        Ok(Ok(heard_store::SchemaState::Ahead { unknown_version })) => not_ready(format!(
            "the database has migration {unknown_version}, from a newer heard"
        )),
    }
}

/// Whether this request may read `/metrics` (see the module docs).
fn allowed(state: &AppState, headers: &HeaderMap) -> bool {
    if let Some(token) = &state.settings().metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(given) = given {
            use sha2::{Digest, Sha256};
            // Equal-length digests compared whole: no early exit to time.
            let (a, b) = (Sha256::digest(given.trim()), Sha256::digest(token));
            if a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0 {
                return true;
            }
        }
    }
    crate::audit::current_client()
        .and_then(|c| c.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback())
}

/// `GET /metrics`: Prometheus text (OpenMetrics) for loopback clients or the configured token.
pub(crate) async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !allowed(&state, &headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let m = &state.0.metrics;
    let _one = m.scrape.lock().await;
    for (channel, n) in state.store().intake_counts() {
        let c = m.intake.get_or_create(&ChannelLabels { channel });
        let seen = c.get();
        if n > seen {
            c.inc_by(n - seen);
        }
    }
    match state
        .store()
        .queue_depths(jiff::Timestamp::now() + SLIPPING_AHEAD)
        .await
    {
        Ok(q) => {
            m.outbox
                .get_or_create(&ChannelLabels { channel: "email" })
                .set(q.email_outbox);
            m.outbox
                .get_or_create(&ChannelLabels { channel: "sms" })
                .set(q.sms_outbox);
            m.cases
                .get_or_create(&QueueLabels { queue: "unassigned" })
                .set(q.unassigned);
            m.cases
                .get_or_create(&QueueLabels { queue: "slipping" })
                .set(q.slipping);
            m.escalations.set(q.escalations);
        }
        Err(e) => tracing::warn!(error = %e, "metrics: the queue depths could not be read"),
    }
    let mut body = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut body, &m.registry) {
        tracing::warn!(error = %e, "metrics: encoding failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
