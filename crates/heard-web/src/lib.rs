//! heard's HTTP face: the REST API under `/api/v1` (with its OpenAPI document), the
//! staff pages, and the health check. Handlers are thin: they validate, call the
//! store, and shape the answer.

mod alarms;
pub mod api;
mod audit;
mod auth;
mod calls;
mod certificates;
mod complaints;
mod customers;
mod extract;
pub mod files;
mod forms;
mod help;
mod i18n;
mod learning;
pub mod meta;
mod metrics;
mod mot;
pub mod oidc;
pub mod open311;
mod pages;
mod payments;
mod performance;
mod privacy;
pub mod problem;
mod problems;
mod reports;
pub mod routing;
mod satisfaction;
mod time;
mod track;
pub mod trends;
pub mod two_factor;
mod workspace;

pub use auth::{Caller, hash_password, verify_password};
pub use track::link_for as track_link;
pub use track::notices::tell as tell_residents;

use axum::Router;
use heard_core::contact::ContactLimits;
use heard_store::reports::ServiceDefinition;
use heard_store::{IntakeConfig, Store};
use std::sync::Arc;

/// Settings the web layer needs, from the `[web]` and council parts of the config.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Case reference prefix, e.g. `HRD`.
    pub reference_prefix: String,
    /// Service a contact goes to when nothing routes it.
    pub default_service: String,
    /// Limits on one contact.
    pub limits: ContactLimits,
    /// Largest request body accepted, in bytes (attachments travel base64-encoded).
    pub max_request_bytes: usize,
    /// How long a sign-in lasts.
    pub session_hours: i64,
    /// Mark cookies `Secure` (behind HTTPS). Off for plain-HTTP local use.
    pub secure_cookies: bool,
    /// heard sits behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`: the audit log records that last hop instead of the proxy's address.
    pub trusted_proxy: bool,
    /// A bearer token that may read `/metrics` from anywhere (loopback clients need none).
    pub metrics_token: Option<String>,
    /// How many jobs (open cases) an agent may hold at once.
    pub job_limit: usize,
    /// The From of emailed replies, e.g. `Our Council <contact@council.example>`.
    pub reply_from: String,
    /// Standard replies agents insert (placeholders filled from the case).
    pub reply_templates: Vec<heard_core::reply_template::ReplyTemplate>,
    /// First response and resolution targets per service and kind (none: heard's defaults).
    pub service_levels: heard_core::service_level::ServiceLevels,
    /// Where residents reach heard, without a trailing slash: links in emails start so.
    pub public_url: String,
    /// The council's name, as residents read it in emails.
    pub council_name: String,
    /// Which acknowledgements and status changes reach residents unasked.
    pub updates: heard_core::updates::UpdatePolicy,
    /// Text messages can be sent (GOV.UK Notify is configured): codes and updates go by
    /// text to residents who gave only a phone number.
    pub sms: bool,
    /// Routing learned from the council's history (`[routing]`); none: keywords only.
    pub routing: Option<routing::Routing>,
    /// Values a case must have confirmed before it closes (`[[required_fields]]`).
    pub required_fields: Vec<heard_core::job::RequiredFields>,
    /// Services whose complaints go to the Housing Ombudsman (the council as landlord);
    /// the rest go to the Local Government and Social Care Ombudsman.
    pub housing_services: Vec<String>,
    /// Prices per copy of registrar certificates (`[certificates]`).
    pub certificate_prices: heard_core::certificate::Prices,
    /// Facebook Page and Instagram messages (`[meta]`); none: the webhook answers 404 and
    /// no social replies are offered.
    pub meta: Option<meta::MetaSettings>,
    /// Payments by link through GOV.UK Pay (`[pay]`); none: no payment form, and the
    /// webhook answers 404.
    pub pay: Option<heard_channels::pay::PaySettings>,
    /// Single sign-on with OpenID Connect (`[oidc]`); none: no button on the sign-in page,
    /// and `/login/oidc` answers 404.
    pub oidc: Option<oidc::OidcSettings>,
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            reference_prefix: "HRD".into(),
            default_service: "customer-services".into(),
            limits: ContactLimits::default(),
            max_request_bytes: 40 << 20,
            session_hours: 9,
            secure_cookies: false,
            trusted_proxy: false,
            metrics_token: None,
            job_limit: heard_core::job::DEFAULT_JOB_LIMIT,
            reply_from: "Council contact centre <contact@council.example>".into(),
            reply_templates: heard_core::reply_template::default_templates(),
            service_levels: Default::default(),
            public_url: "http://127.0.0.1:8080".into(),
            council_name: "Our Council".into(),
            updates: Default::default(),
            sms: false,
            routing: None,
            required_fields: Vec::new(),
            housing_services: vec!["housing".into()],
            certificate_prices: heard_core::certificate::Prices::default(),
            meta: None,
            pay: None,
            oidc: None,
        }
    }
}

/// Shared by every request. Holds no state of its own beyond caches: several nodes
/// serving one database behave as one.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    store: Store,
    extractor: heard_understand::extract::Extractor,
    settings: WebSettings,
    files: files::FileStore,
    intake: tokio::sync::RwLock<Arc<IntakeConfig>>,
    /// Services' public definitions (Open311, the report form), briefly cached.
    definitions: tokio::sync::RwLock<Option<(std::time::Instant, Arc<Vec<ServiceDefinition>>)>>,
    /// The emerging-issues page's last run of the trend detector (see `trends`).
    trends: tokio::sync::Mutex<Option<(std::time::Instant, Arc<trends::TrendsView>)>>,
    /// Writes the audit log (see `audit`).
    audit: audit::Auditor,
    /// Sign-in attempts per address (see `auth::SignInLimiter`).
    sign_ins: auth::SignInLimiter,
    /// Tracking codes asked for and tried, per address (see `track`).
    track_attempts: auth::SignInLimiter,
    /// The key that signs residents' tracking links, read once (see `track::link`).
    track_key: tokio::sync::OnceCell<Arc<Vec<u8>>>,
    /// The customer matcher and when it was trained (see `customers::matcher`).
    customer_matcher: tokio::sync::Mutex<customers::matcher::Cached>,
    /// Request counts and timings for `/metrics` (see `metrics`).
    metrics: metrics::Metrics,
    /// The single sign-on provider's endpoints and keys (see `oidc`).
    oidc: oidc::Cache,
}

/// How long a node serves service definitions from its cache: the config sets them at
/// start, so another node's change reaches this one within this time.
const DEFINITIONS_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl AppState {
    /// Builds the state, reading the services' routing keywords from the store.
    pub async fn new(
        store: Store,
        settings: WebSettings,
        files: files::FileStore,
    ) -> Result<AppState, heard_store::StoreError> {
        let intake = intake_config(&store, &settings).await?;
        let extractor = heard_understand::extract::Extractor::new(&heard_understand::extract::ExtractConfig {
            case_prefix: settings.reference_prefix.clone(),
            ..Default::default()
        })
        .map_err(|e| heard_store::StoreError::Schema(format!("extraction settings: {e}")))?;
        Ok(AppState(Arc::new(Inner {
            audit: audit::Auditor::start(store.clone()),
            sign_ins: auth::SignInLimiter::default(),
            track_attempts: auth::SignInLimiter::default(),
            track_key: tokio::sync::OnceCell::new(),
            customer_matcher: tokio::sync::Mutex::new(None),
            metrics: metrics::Metrics::new(),
            oidc: oidc::Cache::default(),
            extractor,
            store,
            settings,
            files,
            intake: tokio::sync::RwLock::new(Arc::new(intake)),
            definitions: tokio::sync::RwLock::new(None),
            trends: tokio::sync::Mutex::new(None),
        })))
    }

    pub(crate) fn trends_cache(&self) -> &tokio::sync::Mutex<Option<(std::time::Instant, Arc<trends::TrendsView>)>> {
        &self.0.trends
    }

    pub(crate) fn sign_in_limiter(&self) -> &auth::SignInLimiter {
        &self.0.sign_ins
    }

    pub(crate) fn track_limiter(&self) -> &auth::SignInLimiter {
        &self.0.track_attempts
    }

    pub(crate) fn customer_matcher(&self) -> &tokio::sync::Mutex<customers::matcher::Cached> {
        &self.0.customer_matcher
    }

    pub(crate) fn oidc_cache(&self) -> &oidc::Cache {
        &self.0.oidc
    }

    pub(crate) fn track_key_cell(&self) -> &tokio::sync::OnceCell<Arc<Vec<u8>>> {
        &self.0.track_key
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn settings(&self) -> &WebSettings {
        &self.0.settings
    }

    /// Reads postcodes, references, dates… from contact text.
    pub fn extractor(&self) -> &heard_understand::extract::Extractor {
        &self.0.extractor
    }

    pub fn files(&self) -> &files::FileStore {
        &self.0.files
    }

    /// The current intake rules (a cache of the services table).
    pub async fn intake(&self) -> Arc<IntakeConfig> {
        self.0.intake.read().await.clone()
    }

    /// Every service's public definition, from a cache at most a few seconds old.
    pub async fn service_definitions(&self) -> Result<Arc<Vec<ServiceDefinition>>, heard_store::StoreError> {
        if let Some((at, defs)) = &*self.0.definitions.read().await
            && at.elapsed() < DEFINITIONS_TTL
        {
            return Ok(defs.clone());
        }
        let fresh = Arc::new(self.0.store.service_definitions().await?);
        *self.0.definitions.write().await = Some((std::time::Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    /// Re-reads routing rules after services change.
    pub async fn reload_intake(&self) -> Result<(), heard_store::StoreError> {
        let fresh = intake_config(&self.0.store, &self.0.settings).await?;
        *self.0.intake.write().await = Arc::new(fresh);
        Ok(())
    }
}

async fn intake_config(store: &Store, settings: &WebSettings) -> Result<IntakeConfig, heard_store::StoreError> {
    let rules = store
        .services()
        .await?
        .into_iter()
        .map(|s| heard_core::ServiceRule {
            service: s.slug,
            keywords: s.keywords,
        })
        .collect();
    Ok(IntakeConfig {
        reference_prefix: settings.reference_prefix.clone(),
        router: heard_core::Router::new(rules),
        default_service: settings.default_service.clone(),
        learned: settings.routing.as_ref().map(routing::Routing::learned),
        service_levels: settings.service_levels.clone(),
    })
}

/// The whole application: API, pages, health check.
pub fn app(state: AppState) -> Router {
    use tower_http::trace::TraceLayer;
    let (api, _) = api::router(state.settings().max_request_bytes).split_for_parts();
    Router::new()
        .merge(api)
        .merge(pages::router())
        .merge(workspace::router())
        .merge(trends::router())
        .merge(problems::router())
        .merge(learning::router())
        .merge(mot::router())
        .merge(complaints::router())
        .merge(certificates::router())
        .merge(performance::router())
        .merge(open311::router())
        .merge(forms::router())
        .merge(track::router())
        .merge(help::router())
        .merge(two_factor::router())
        .merge(oidc::router())
        .merge(customers::router())
        .route("/customers/{id}/export", axum::routing::get(privacy::export))
        .route(
            "/contacts/{id}/redact",
            axum::routing::get(privacy::redact_page).post(privacy::redact),
        )
        .route(
            "/customers/{id}/erase",
            axum::routing::get(privacy::erase_page).post(privacy::erase),
        )
        .route("/satisfaction", axum::routing::get(satisfaction::page))
        .route("/satisfaction.csv", axum::routing::get(satisfaction::csv))
        .merge(calls::router())
        .merge(meta::router())
        .merge(payments::router())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(metrics::readyz))
        .route("/metrics", axum::routing::get(metrics::metrics))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            audit::client_address,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        // Every request has an id (the caller's `X-Request-Id`, or a new UUID), in its log
        // span and echoed in the response, so a resident's "it failed at 10:02" can be found.
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(
            tower_http::request_id::MakeRequestUuid,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// The log span of one request: method, path (never the query: it may hold a resident's
/// tracking key) and request id.
fn request_span<B>(req: &axum::http::Request<B>) -> tracing::Span {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}

/// Headers every response carries: no inline script may run, nothing may frame us.
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // A page may ask for a stricter policy (the resident's pages: keys in addresses).
    if !h.contains_key(header::REFERRER_POLICY) {
        h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    }
    res
}

/// Serves `app` on `listener` until `shutdown` resolves, then writes the audit entries
/// still queued. Also tells residents of their cases' news (see `track::notices`). Each
/// request knows its TCP peer (`ConnectInfo`), for the audit log.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let u = &state.settings().updates;
    if !(u.statuses.is_empty() && u.acknowledge.is_empty() && u.per_service.is_empty()) {
        // One round before the first request: on a new database it marks where telling
        // starts, so nothing that arrives from now on can fall before the mark.
        if let Err(e) = track::notices::tell(&state).await {
            tracing::warn!(error = %e, "resident updates could not start; retrying in the background");
        }
        tokio::spawn(track::notices::run(state.clone(), std::time::Duration::from_secs(5)));
    }
    let service = app(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, service).with_graceful_shutdown(shutdown).await;
    state.flush_audit().await;
    served
}
