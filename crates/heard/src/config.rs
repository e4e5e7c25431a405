//! `heard.toml`: every setting has a default, so an empty file (or none) is a working
//! configuration. Unknown keys are errors, so a typo never silently does nothing.

use anyhow::{Context, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`; default: `heard.db` in the data folder.
    pub database_url: Option<String>,
    pub server: Server,
    pub council: Council,
    pub limits: Limits,
    pub workspace: Workspace,
    /// Standard replies (`[[reply_templates]]`); heard's own three when none are given.
    pub reply_templates: Vec<heard_core::reply_template::ReplyTemplate>,
    /// First response, next update and resolution targets (`[[service_levels]]`), in
    /// working days, with the "due soon" warning in working hours; the most specific
    /// entry for a case's service and kind wins.
    pub service_levels: Vec<heard_core::service_level::ServiceLevel>,
    /// How long closed cases keep their personal data (`[[retention]]`); none: kept.
    pub retention: Vec<heard_core::retention::RetentionRule>,
    /// Values a case must have confirmed before it closes (`[[required_fields]]`).
    pub required_fields: Vec<heard_core::job::RequiredFields>,
    /// What residents are told unasked: acknowledgements and status changes (`[updates]`).
    pub updates: heard_core::updates::UpdatePolicy,
    /// Text messages through GOV.UK Notify (`[notify]`); without it, none are sent.
    pub notify: Option<Notify>,
    /// Facebook Page and Instagram messages in and out (`[meta]`); without it, none.
    pub meta: Option<Meta>,
    /// Payments by link through GOV.UK Pay (`[pay]`); without it, none are offered.
    pub pay: Option<Pay>,
    /// Single sign-on with OpenID Connect (`[oidc]`); without it, local accounts only.
    pub oidc: Option<Oidc>,
    /// Email: mailboxes and limits (see `mail_config.rs`).
    pub email: crate::mail_config::Email,
    /// Routing learned from the council's history (`[routing]`).
    pub routing: Routing,
    /// The Complaint Handling Code (`[complaints]`).
    pub complaints: Complaints,
    /// Registrar certificate prices per copy, in pence (`[certificates]`).
    pub certificates: heard_core::certificate::Prices,
    /// Teams, services and sites to create or update at start (by slug).
    pub teams: Vec<Team>,
    pub services: Vec<Service>,
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Server {
    pub listen: String,
    /// Set when heard is served over HTTPS (behind a proxy): cookies become `Secure`.
    pub secure_cookies: bool,
    /// Hours a sign-in lasts.
    pub session_hours: i64,
    /// heard is behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`; the audit log then records that last hop as the client.
    pub trusted_proxy: bool,
    /// The address residents reach heard at (`https://contact.council.gov.uk`), for
    /// the links in emails to them; default: `http://` and `listen`.
    pub public_url: Option<String>,
    /// The environment variable holding a bearer token that may read `/metrics` from
    /// anywhere; without one only loopback clients may.
    pub metrics_token_env: Option<String>,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            listen: "127.0.0.1:8080".into(),
            secure_cookies: false,
            session_hours: 9,
            trusted_proxy: false,
            public_url: None,
            metrics_token_env: None,
        }
    }
}

/// The Complaint Handling Code's settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Complaints {
    /// Services (slugs) the council provides as a landlord: their complaints go to the
    /// Housing Ombudsman; every other service's to the Local Government and Social Care
    /// Ombudsman.
    pub housing_services: Vec<String>,
}

impl Default for Complaints {
    fn default() -> Self {
        Complaints {
            housing_services: vec!["housing".into()],
        }
    }
}

/// Routing learned from the council's history. On by default: heard trains a model from
/// its own settled cases as soon as there are enough, and keywords route until then.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Routing {
    pub enabled: bool,
    /// The model folder, relative to the data folder (`heard route train --model` writes one).
    pub model: PathBuf,
    /// Below this confidence (0–1) a contact goes to the triage service, where a person routes it.
    pub threshold: f32,
    /// The service (slug) whose queue holds those contacts; created if missing.
    pub triage_service: String,
    /// The team that owns a newly created triage service (slug), e.g. the contact centre.
    pub triage_team: Option<String>,
    /// Retrain once this many routing corrections have been made.
    pub retrain_after: u32,
    /// Retrain at least this often, in days, as new cases settle.
    pub retrain_days: u32,
}

impl Default for Routing {
    fn default() -> Self {
        Routing {
            enabled: true,
            model: PathBuf::from("route-model"),
            threshold: heard_understand::route::DEFAULT_TRIAGE_THRESHOLD,
            triage_service: "triage".into(),
            triage_team: None,
            retrain_after: 20,
            retrain_days: 7,
        }
    }
}

/// The agent workspace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Workspace {
    /// Cases an agent may hold open as jobs at once (1–8: each job needs its own colour).
    pub job_limit: usize,
}

impl Default for Workspace {
    fn default() -> Self {
        Workspace {
            job_limit: heard_core::job::DEFAULT_JOB_LIMIT,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Council {
    pub name: String,
    /// Case references are `<PREFIX>-000123`.
    pub reference_prefix: String,
    /// Where a contact goes when nothing routes it.
    pub default_service: String,
}

impl Default for Council {
    fn default() -> Self {
        Council {
            name: "Our Council".into(),
            reference_prefix: "HRD".into(),
            default_service: "customer-services".into(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_request_mb: usize,
    pub max_body_kb: usize,
    pub max_attachments: usize,
    pub max_attachment_mb: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_request_mb: 40,
            max_body_kb: 1024,
            max_attachments: 20,
            max_attachment_mb: 25,
        }
    }
}

/// A GOV.UK Notify account for text messages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notify {
    /// The environment variable that holds the API key (the key never sits in the file).
    pub api_key_env: String,
    /// A Notify text message template whose whole text is `((body))`.
    pub sms_template_id: String,
    #[serde(default = "notify_base_url")]
    pub base_url: String,
    /// How often the text message outbox is sent, in seconds.
    #[serde(default = "five")]
    pub every_seconds: u64,
}

fn notify_base_url() -> String {
    heard_channels::notify::DEFAULT_BASE_URL.to_string()
}

fn five() -> u64 {
    5
}

impl Notify {
    /// The client, with the key read from the environment; errors name what is missing.
    pub fn client(&self) -> anyhow::Result<heard_channels::notify::NotifyClient> {
        let api_key = std::env::var(&self.api_key_env)
            .map_err(|_| anyhow::anyhow!("notify.api_key_env: ${} is not set", self.api_key_env))?;
        heard_channels::notify::NotifyClient::new(&heard_channels::notify::NotifySettings {
            base_url: self.base_url.clone(),
            api_key,
            sms_template_id: self.sms_template_id.clone(),
        })
        .map_err(|e| anyhow::anyhow!("notify: {e}"))
    }
}

/// A Facebook Page (and the Instagram account linked to it) on Meta's Messenger Platform.
/// Each secret is named by the environment variable holding it, never written here.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The token Meta must echo when the webhook is subscribed (the council chooses it).
    pub verify_token_env: String,
    /// The app secret that signs every webhook delivery.
    pub app_secret_env: String,
    /// The Page access token replies are sent with.
    pub page_access_token_env: String,
    #[serde(default = "meta_base_url")]
    pub base_url: String,
    /// How often the social outbox is sent, in seconds.
    #[serde(default = "five")]
    pub every_seconds: u64,
}

fn meta_base_url() -> String {
    heard_channels::meta::DEFAULT_BASE_URL.to_string()
}

impl Meta {
    fn validate(&self) -> anyhow::Result<()> {
        for (field, name) in [
            ("verify_token_env", &self.verify_token_env),
            ("app_secret_env", &self.app_secret_env),
            ("page_access_token_env", &self.page_access_token_env),
        ] {
            if name.trim().is_empty() || name.contains(['=', '\0']) {
                bail!("meta.{field}: must name an environment variable, got `{name}`");
            }
        }
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            bail!("meta.base_url: must start with https://, got `{}`", self.base_url);
        }
        Ok(())
    }

    /// The settings, with each secret read from the environment; errors name what is missing.
    pub fn settings(&self) -> anyhow::Result<heard_channels::meta::MetaSettings> {
        let read = |field: &str, name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| anyhow::anyhow!("meta.{field}: ${name} is not set"))
        };
        Ok(heard_channels::meta::MetaSettings {
            verify_token: read("verify_token_env", &self.verify_token_env)?,
            app_secret: read("app_secret_env", &self.app_secret_env)?,
            page_access_token: read("page_access_token_env", &self.page_access_token_env)?,
            base_url: self.base_url.clone(),
        })
    }
}

/// A GOV.UK Pay service: payments by link. Each secret is named by the environment
/// variable holding it, never written here.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pay {
    /// The service's API key.
    pub api_key_env: String,
    /// The webhook signing secret (Pay's `Pay-Signature`).
    pub webhook_secret_env: String,
    #[serde(default = "pay_base_url")]
    pub base_url: String,
    /// How often unfinished payments are checked with Pay, in seconds (in case no webhook
    /// came).
    #[serde(default = "sixty")]
    pub every_seconds: u64,
}

fn pay_base_url() -> String {
    heard_channels::pay::DEFAULT_BASE_URL.to_string()
}

fn sixty() -> u64 {
    60
}

impl Pay {
    fn validate(&self) -> anyhow::Result<()> {
        for (field, name) in [
            ("api_key_env", &self.api_key_env),
            ("webhook_secret_env", &self.webhook_secret_env),
        ] {
            if name.trim().is_empty() || name.contains(['=', '\0']) {
                bail!("pay.{field}: must name an environment variable, got `{name}`");
            }
        }
        if !(self.base_url.starts_with("https://") || self.base_url.starts_with("http://")) {
            bail!("pay.base_url: must start with https://, got `{}`", self.base_url);
        }
        Ok(())
    }

    /// The settings, with each secret read from the environment; errors name what is missing.
    pub fn settings(&self) -> anyhow::Result<heard_channels::pay::PaySettings> {
        let read = |field: &str, name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| anyhow::anyhow!("pay.{field}: ${name} is not set"))
        };
        Ok(heard_channels::pay::PaySettings {
            api_key: read("api_key_env", &self.api_key_env)?,
            webhook_secret: read("webhook_secret_env", &self.webhook_secret_env)?,
            base_url: self.base_url.clone(),
        })
    }
}

/// Single sign-on with OpenID Connect (Microsoft Entra ID, or any provider with discovery).
/// Local accounts (with two-factor) keep working beside it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Oidc {
    /// The issuer URL; heard reads `{issuer}/.well-known/openid-configuration`. For Entra ID:
    /// `https://login.microsoftonline.com/<tenant id>/v2.0`.
    pub issuer: String,
    pub client_id: String,
    /// The environment variable holding the client secret; none for a public client.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// Where the provider sends people back; default `{public_url}/login/oidc/callback`.
    #[serde(default)]
    pub redirect_url: Option<String>,
    /// The scopes asked for, space separated (`openid` among them).
    #[serde(default = "oidc_scopes")]
    pub scopes: String,
    /// The ID token claim listing the account's groups (Entra ID: group object ids in
    /// `groups`; app roles in `roles`).
    #[serde(default = "oidc_groups_claim")]
    pub groups_claim: String,
    /// Groups to heard roles (`[[oidc.roles]]`), first match wins; no match: refused.
    #[serde(default)]
    pub roles: Vec<OidcRole>,
    /// The sign-in page's button.
    #[serde(default = "oidc_button_label")]
    pub button_label: String,
}

/// One `[[oidc.roles]]`: members of `group` sign in as `role`, seeing `services`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcRole {
    pub group: String,
    /// `agent`, `team_manager`, `back_office`, `admin` (or `administrator`), `auditor`.
    pub role: String,
    #[serde(default)]
    pub services: Vec<String>,
}

fn oidc_scopes() -> String {
    "openid email profile".into()
}

fn oidc_groups_claim() -> String {
    "groups".into()
}

fn oidc_button_label() -> String {
    "Sign in with your council account".into()
}

/// `https://…`, or `http://` to this machine only (a provider started by tests).
fn web_address(url: &str) -> bool {
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| {
            url.strip_prefix(p)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '/']))
        });
    (url.starts_with("https://") && url.len() > "https://".len()) || local
}

impl OidcRole {
    fn role(&self) -> Result<heard_core::Role, String> {
        let word = self.role.trim();
        let word = if word == "administrator" { "admin" } else { word };
        word.parse().map_err(|_| {
            format!(
                "`{}` is not a heard role (agent, team_manager, back_office, admin, auditor)",
                self.role
            )
        })
    }
}

impl Oidc {
    fn validate(&self) -> anyhow::Result<()> {
        let issuer = self.issuer.trim();
        if !web_address(issuer) || issuer.contains(['?', '#', ' ']) {
            bail!(
                "oidc.issuer: must be an https:// address without query (http:// only to this machine), got `{}`",
                self.issuer
            );
        }
        if self.client_id.trim().is_empty() {
            bail!("oidc.client_id: must not be empty");
        }
        if let Some(name) = &self.client_secret_env
            && (name.trim().is_empty() || name.contains(['=', '\0']))
        {
            bail!("oidc.client_secret_env: must name an environment variable, got `{name}`");
        }
        if let Some(url) = &self.redirect_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            bail!("oidc.redirect_url: must start with https:// (or http:// for local use), got `{url}`");
        }
        if !self.scopes.split_whitespace().any(|s| s == "openid") {
            bail!("oidc.scopes: must include `openid`, got `{}`", self.scopes);
        }
        if self.groups_claim.trim().is_empty() {
            bail!("oidc.groups_claim: must not be empty");
        }
        if self.button_label.trim().is_empty() {
            bail!("oidc.button_label: must not be empty");
        }
        if self.roles.is_empty() {
            bail!("oidc.roles: give at least one [[oidc.roles]] (group and role), or nobody can sign in");
        }
        for (i, r) in self.roles.iter().enumerate() {
            if r.group.trim().is_empty() {
                bail!("oidc.roles[{i}].group: must not be empty");
            }
            let role = r.role().map_err(|e| anyhow::anyhow!("oidc.roles[{i}].role: {e}"))?;
            if let Some(bad) = r.services.iter().find(|s| !heard_core::contact::is_slug(s)) {
                bail!("oidc.roles[{i}].services: `{bad}` is not a service slug");
            }
            if role == heard_core::Role::BackOffice && r.services.is_empty() {
                bail!("oidc.roles[{i}].services: a back_office role needs at least one service");
            }
        }
        Ok(())
    }

    /// The web layer's settings, with the client secret read from the environment; errors
    /// name what is missing. `public_url` is heard's own address, without a trailing slash.
    pub fn settings(&self, public_url: &str) -> anyhow::Result<heard_web::oidc::OidcSettings> {
        let client_secret = match &self.client_secret_env {
            Some(name) => Some(
                std::env::var(name)
                    .ok()
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| anyhow::anyhow!("oidc.client_secret_env: ${name} is not set"))?,
            ),
            None => None,
        };
        let roles = self
            .roles
            .iter()
            .enumerate()
            .map(|(i, r)| {
                Ok(heard_web::oidc::RoleRule {
                    group: r.group.trim().to_string(),
                    role: r.role().map_err(|e| anyhow::anyhow!("oidc.roles[{i}].role: {e}"))?,
                    services: r.services.clone(),
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(heard_web::oidc::OidcSettings {
            issuer: self.issuer.trim().to_string(),
            client_id: self.client_id.trim().to_string(),
            client_secret,
            redirect_url: self
                .redirect_url
                .clone()
                .unwrap_or_else(|| format!("{}/login/oidc/callback", public_url.trim_end_matches('/'))),
            scopes: self.scopes.split_whitespace().collect::<Vec<_>>().join(" "),
            groups_claim: self.groups_claim.trim().to_string(),
            roles,
            button_label: self.button_label.trim().to_string(),
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub slug: String,
    pub name: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub team: Option<String>,
    /// Shown to residents (Open311 `description`, the report form's heading).
    #[serde(default)]
    pub description: String,
    /// Heading the service is listed under (Open311 `group`).
    #[serde(default)]
    pub group: String,
    /// Whether Open311 clients (FixMyStreet) see the service; default true.
    #[serde(default = "yes")]
    pub open311: bool,
    /// Questions asked when a problem is reported: Open311 attributes and form fields.
    #[serde(default)]
    pub fields: Vec<heard_core::service_form::ServiceField>,
    /// The name and description in Welsh, for residents reading in Welsh.
    #[serde(default)]
    pub name_cy: String,
    #[serde(default)]
    pub description_cy: String,
    /// Status changes told to residents for this service, instead of `[updates]`'s.
    #[serde(default)]
    pub update_statuses: Option<Vec<heard_core::CaseStatus>>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub slug: String,
    pub name: String,
    pub kind: String,
}

impl Config {
    /// Reads `file` if given, else `DATA_DIR/heard.toml` if present, else defaults.
    pub fn load(data_dir: &Path, file: Option<&Path>) -> anyhow::Result<Config> {
        let path: Option<PathBuf> = match file {
            Some(f) => Some(f.to_path_buf()),
            None => Some(data_dir.join("heard.toml")).filter(|p| p.exists()),
        };
        let config = match &path {
            Some(p) => {
                let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
                toml::from_str::<Config>(&text).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?
            }
            None => Config::default(),
        };
        config.validate().with_context(|| match &path {
            Some(p) => format!("in {}", p.display()),
            None => "in the default configuration".into(),
        })?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        heard_core::case::validate_prefix(&self.council.reference_prefix)
            .map_err(|e| anyhow::anyhow!("council.reference_prefix: {e}"))?;
        if !heard_core::contact::is_slug(&self.council.default_service) {
            bail!(
                "council.default_service: `{}` is not a service slug",
                self.council.default_service
            );
        }
        if let Some(url) = &self.server.public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            bail!("server.public_url: must start with https:// (or http:// for local use), got `{url}`");
        }
        if !(0.0..=1.0).contains(&self.routing.threshold) {
            bail!(
                "routing.threshold: must be between 0 and 1, got {}",
                self.routing.threshold
            );
        }
        if !heard_core::contact::is_slug(&self.routing.triage_service) {
            bail!(
                "routing.triage_service: `{}` is not a service slug",
                self.routing.triage_service
            );
        }
        if self.routing.retrain_after == 0 || self.routing.retrain_days == 0 {
            bail!("routing.retrain_after and routing.retrain_days: must be at least 1");
        }
        if self.server.session_hours < 1 || self.server.session_hours > 24 * 30 {
            bail!("server.session_hours: must be between 1 and 720");
        }
        if !(1..=usize::from(heard_core::job::JOB_COLOURS)).contains(&self.workspace.job_limit) {
            bail!(
                "workspace.job_limit: must be between 1 and {} (each open job has its own colour)",
                heard_core::job::JOB_COLOURS
            );
        }
        for (i, t) in self.reply_templates.iter().enumerate() {
            t.validate()
                .map_err(|e| anyhow::anyhow!("reply_templates[{i}] (`{}`): {e}", t.name))?;
        }
        heard_core::service_level::ServiceLevels::new(self.service_levels.clone()).map_err(|e| anyhow::anyhow!(e))?;
        heard_core::retention::validate(&self.retention).map_err(|e| anyhow::anyhow!(e))?;
        for (i, r) in self.required_fields.iter().enumerate() {
            r.validate().map_err(|e| anyhow::anyhow!("required_fields[{i}].{e}"))?;
        }
        for (i, s) in self.services.iter().enumerate() {
            if !heard_core::contact::is_slug(&s.slug) {
                bail!(
                    "services[{i}].slug: `{}` is not a slug (lower-case letters, digits, hyphens)",
                    s.slug
                );
            }
            for (j, f) in s.fields.iter().enumerate() {
                if let Err(e) = f.check_definition() {
                    bail!("services[{i}].fields[{j}]: {e}");
                }
            }
        }
        for (i, s) in self.sites.iter().enumerate() {
            if !heard_core::contact::is_slug(&s.slug) {
                bail!("sites[{i}].slug: `{}` is not a slug", s.slug);
            }
        }
        self.email.validate()?;
        if let Some(meta) = &self.meta {
            meta.validate()?;
        }
        if let Some(pay) = &self.pay {
            pay.validate()?;
        }
        if let Some(oidc) = &self.oidc {
            oidc.validate()?;
        }
        self.certificates.validate().map_err(anyhow::Error::msg)?;
        if let Some(url) = &self.database_url
            && !(url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://"))
        {
            bail!("database_url: must start with sqlite:// or postgres://");
        }
        Ok(())
    }

    /// The database URL, defaulting to a SQLite file in the data folder.
    pub fn database_url(&self, data_dir: &Path) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("heard.db").display()))
    }

    pub fn web_settings(&self) -> heard_web::WebSettings {
        heard_web::WebSettings {
            reference_prefix: self.council.reference_prefix.clone(),
            default_service: self.council.default_service.clone(),
            limits: heard_core::contact::ContactLimits {
                max_subject_chars: 998,
                max_body_bytes: self.limits.max_body_kb << 10,
                max_attachments: self.limits.max_attachments,
                max_attachment_bytes: self.limits.max_attachment_mb << 20,
            },
            max_request_bytes: self.limits.max_request_mb << 20,
            session_hours: self.server.session_hours,
            secure_cookies: self.server.secure_cookies,
            trusted_proxy: self.server.trusted_proxy,
            metrics_token: self.server.metrics_token_env.as_ref().and_then(|name| {
                let token = std::env::var(name).ok().filter(|t| !t.trim().is_empty());
                if token.is_none() {
                    tracing::warn!(variable = %name, "server.metrics_token_env names an unset variable: /metrics answers loopback clients only");
                }
                token.map(|t| t.trim().to_string())
            }),
            job_limit: self.workspace.job_limit,
            reply_from: self
                .email
                .smtp
                .as_ref()
                .map(|s| s.from.clone())
                .unwrap_or_else(|| format!("{} <contact@council.example>", self.council.name)),
            reply_templates: if self.reply_templates.is_empty() {
                heard_core::reply_template::default_templates()
            } else {
                self.reply_templates.clone()
            },
            // Checked by `validate` at load; a config built otherwise falls back to the defaults.
            service_levels: heard_core::service_level::ServiceLevels::new(self.service_levels.clone())
                .unwrap_or_default(),
            public_url: self
                .server
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.server.listen))
                .trim_end_matches('/')
                .to_string(),
            council_name: self.council.name.clone(),
            sms: self.notify.is_some(),
            updates: {
                let mut u = self.updates.clone();
                u.per_service = self
                    .services
                    .iter()
                    .filter_map(|s| Some((s.slug.clone(), s.update_statuses.clone()?)))
                    .collect();
                u
            },
            // Loaded by `heard serve` (it needs the data folder and is shared with email).
            routing: None,
            required_fields: self.required_fields.clone(),
            housing_services: self.complaints.housing_services.clone(),
            certificate_prices: self.certificates,
            // Read from the environment by `heard serve` (see `Meta::settings`).
            meta: None,
            // Likewise (see `Pay::settings`).
            pay: None,
            // Likewise (see `Oidc::settings`).
            oidc: None,
        }
    }
}

/// The commented starter config `heard init` writes.
pub const STARTER: &str = r#"# heard configuration. Every setting is optional; the values shown are the defaults.

# Where the data lives. Default: a SQLite file, heard.db, in the data folder.
# For PostgreSQL (several heard nodes, or a large council):
# database_url = "postgres://heard@localhost/heard"

[server]
# listen = "127.0.0.1:8080"
# Set to true when heard is served over HTTPS, so cookies are marked Secure.
# secure_cookies = false
# session_hours = 9
# Set to true only behind a reverse proxy that appends the client's address to
# X-Forwarded-For: the audit log then records that address (the last hop) as the client.
# trusted_proxy = false
# The address residents reach heard at, for the links in emails to them.
# public_url = "https://contact.council.gov.uk"
# /metrics answers loopback clients; to scrape it from elsewhere, name the environment
# variable holding a bearer token the scraper sends.
# metrics_token_env = "HEARD_METRICS_TOKEN"

# Retention schedule: closed cases lose their personal data (words, values, files, notes,
# locations; the figures stay) this many years after closing. The most specific rule
# wins; a case no rule matches is kept. `heard retention report` shows what is due.
# [[retention]]
# kind = "complaint"
# after_years = 6
# [[retention]]
# after_years = 2

[updates]
# What residents are told without asking, by email, with a link to follow their case
# (/track) and a link to stop. New cases that arrived by these channels are acknowledged:
# acknowledge = ["web_form", "email"]
# Status changes told (a service can set its own list with update_statuses = [...]):
# statuses = ["in_progress", "awaiting_third_party", "resolved", "closed"]

# Text messages (tracking codes, updates to residents who gave only a phone number)
# through GOV.UK Notify. Make a text message template whose whole text is ((body)).
# [notify]
# api_key_env = "NOTIFY_API_KEY"      # the environment variable holding the API key
# sms_template_id = "f33517ff-2a88-4f6e-b855-c550268ce08a"
# base_url = "https://api.notifications.service.gov.uk"

# Facebook Page and Instagram messages (Meta's Messenger Platform). Point the app's
# webhook at https://<public_url>/webhooks/meta, subscribed to `messages`; each secret
# is read from the environment variable named here.
# [meta]
# verify_token_env = "META_VERIFY_TOKEN"
# app_secret_env = "META_APP_SECRET"
# page_access_token_env = "META_PAGE_ACCESS_TOKEN"
# base_url = "https://graph.facebook.com"

# Payments by link through GOV.UK Pay: agents send a payment link from the case page and
# the resident pays on GOV.UK Pay's pages (heard never sees card details). Point Pay's
# webhook at https://<public_url>/webhooks/pay; unfinished payments are also checked
# every every_seconds. Each secret is read from the environment variable named here.
# [pay]
# api_key_env = "PAY_API_KEY"
# webhook_secret_env = "PAY_WEBHOOK_SECRET"
# base_url = "https://publicapi.payments.service.gov.uk"
# every_seconds = 60

# Single sign-on with OpenID Connect (Microsoft Entra ID, or any provider with discovery).
# Register heard with the provider, redirect URI https://<public_url>/login/oidc/callback.
# Members of a group below sign in with its role (first match wins); anyone else is
# refused. Local accounts, with two-factor, keep working beside it.
# [oidc]
# issuer = "https://login.microsoftonline.com/<tenant id>/v2.0"
# client_id = "<application (client) id>"
# client_secret_env = "OIDC_CLIENT_SECRET"   # omit for a public client
# scopes = "openid email profile"
# groups_claim = "groups"                     # Entra ID: group object ids; "roles" for app roles
# button_label = "Sign in with your council account"
# [[oidc.roles]]
# group = "<group object id>"
# role = "agent"                              # agent, team_manager, back_office, admin, auditor
# [[oidc.roles]]
# group = "<group object id>"
# role = "back_office"
# services = ["street-lighting"]

[workspace]
# Cases an agent may hold open as jobs at once (1 to 8).
# job_limit = 5

# Standard replies agents insert into a reply. Placeholders: {customer.name},
# {customer.first_name}, {case.reference}, {case.title}, {service.name}, {agent.name},
# {postcode}, {address}, {account_reference}, {date}. Without any, heard offers three.
# [[reply_templates]]
# name = "Missed bin"
# service = "waste"          # offered on this service's cases only (omit for all)
# body = """Dear {customer.name},
# Thank you for reporting the missed collection at {address} ({case.reference}). ..."""

# Service levels, in working days (England and Wales bank holidays skipped; due at 17:00
# London time). The most specific entry for a case wins: service and kind, then service,
# then kind, then an entry with neither. Without any: 2 days to a first response, 20 to
# resolve. Clocks pause while a case awaits the customer. next_update_days (optional):
# once answered, the customer is due an update this many working days after the last.
# warn_before_hours: working hours before a deadline that it shows as "Due soon" (0: never;
# default 8). A missed deadline is escalated once to the team's manager.
# [[service_levels]]
# first_response_days = 2
# resolution_days = 20
# [[service_levels]]
# service = "waste"          # omit for every service
# kind = "complaint"         # enquiry, request, complaint, incident, problem; omit for every kind
# first_response_days = 5
# resolution_days = 10
# next_update_days = 3
# warn_before_hours = 8

[council]
# name = "Our Council"
# Case references look like HRD-000123.
# reference_prefix = "HRD"
# Where a contact goes when nothing routes it.
# default_service = "customer-services"

# Values a case must have confirmed (under "Read from the contacts") before it can close.
# [[required_fields]]
# service = "revenues-and-benefits"   # omit for every service
# kind = "complaint"                  # omit for every kind
# fields = ["council_tax_ref", "address"]

[routing]
# Routing learned from the council's own history: heard trains a model from its settled
# cases (closed, or moved by an agent) as soon as there are enough, retrains as agents
# correct it, and keywords route until then. `heard route train --input last-year.jsonl
# --model <data folder>/route-model` loads a model from history kept elsewhere.
# enabled = true
# model = "route-model"        # folder, relative to the data folder
# threshold = 0.5              # below this confidence a contact goes to triage
# triage_service = "triage"    # created if missing; a person routes what lands here
# triage_team = "contact-centre"
# retrain_after = 20           # corrections
# retrain_days = 7

[limits]
# max_request_mb = 40      # largest API request (attachments travel base64-encoded)
# max_body_kb = 1024       # largest contact text
# max_attachments = 20
# max_attachment_mb = 25

[email]
# max_message_mb = 64      # a larger message is refused whole
# loop_repeats = 3         # the same message this often in an hour is a mail loop
# Each council mailbox, with the service its mail goes to (unless it replies to a case).
# [[email.mailboxes]]
# address = "revsbens@council.example"
# service = "revenues-and-benefits"
# imap_password_env = "HEARD_IMAP_REVSBENS"   # read over IMAP; login = address unless imap_user
# imap_folder = "INBOX"
# [email.imap]
# host = "imap.council.example"   # port = 993, security = "tls" (or "starttls", port 143)
# done_folder = "heard-done"      # handled mail is flagged seen and moved here
# poll_seconds = 300              # IDLE renewal, or polling when the server has no IDLE
# ca_file = "/etc/ssl/council-ca.pem"   # trusted besides the public roots
# Replies leave through the outbox by SMTP (retried with back-off while the server is down).
# [email.smtp]
# host = "smtp.council.example"   # port = 587, security = "starttls" (or "tls", port 465)
# from = "Our Council <contact@council.example>"
# username = "heard"
# password_env = "HEARD_SMTP_PASSWORD"   # the variable holding the password
# ca_file = "/etc/ssl/council-ca.pem"      # trusted besides the public roots

# Teams, services and sites are created or updated by slug each time heard starts.
# [[teams]]
# slug = "revs-and-bens"
# name = "Revenues and Benefits"
#
# [[services]]
# slug = "revenues-and-benefits"
# name = "Revenues and Benefits"
# team = "revs-and-bens"
# keywords = ["council tax", "business rates", "housing benefit", "direct debit"]
# description = "Council tax, business rates and benefits"   # shown to residents
# group = "Money"            # Open311 group
# open311 = true             # listed to Open311 clients such as FixMyStreet
# Questions asked when a problem is reported (Open311 attributes, the /report form):
# [[services.fields]]
# code = "depth"
# description = "How deep is it?"
# datatype = "singlevaluelist"   # string, number, datetime, text, singlevaluelist, multivaluelist
# required = true
# values = [{ key = "shallow", name = "Shallower than 4cm" }, { key = "deep", name = "Deeper" }]
#
# [[sites]]
# slug = "castle-street-library"
# name = "Castle Street Library"
# kind = "library"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_config_parses_and_unknown_keys_are_named() {
        let c: Config = toml::from_str(STARTER).unwrap();
        c.validate().unwrap();
        let err = toml::from_str::<Config>("[server]\nlisten = \"x\"\nlisen = 1\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("lisen"), "{err}");
        let bad: Config = toml::from_str("[council]\nreference_prefix = \"H1\"\n").unwrap();
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("council.reference_prefix")
        );
    }

    #[test]
    fn meta_settings_are_checked_by_name() {
        let bad: Config =
            toml::from_str("[meta]\nverify_token_env = \"\"\napp_secret_env = \"S\"\npage_access_token_env = \"T\"\n")
                .unwrap();
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("meta.verify_token_env")
        );
        let bad: Config = toml::from_str(
            "[meta]\nverify_token_env = \"V\"\napp_secret_env = \"S\"\npage_access_token_env = \"T\"\n\
             base_url = \"graph.facebook.com\"\n",
        )
        .unwrap();
        assert!(bad.validate().unwrap_err().to_string().contains("meta.base_url"));
        let good: Config = toml::from_str(
            "[meta]\nverify_token_env = \"HEARD_TEST_META_UNSET_V\"\napp_secret_env = \"S\"\n\
             page_access_token_env = \"T\"\n",
        )
        .unwrap();
        good.validate().unwrap();
        let meta = good.meta.unwrap();
        assert_eq!(meta.base_url, "https://graph.facebook.com");
        let e = meta.settings().unwrap_err().to_string();
        assert!(
            e.contains("meta.verify_token_env") && e.contains("HEARD_TEST_META_UNSET_V"),
            "{e}"
        );
    }

    #[test]
    fn pay_settings_are_checked_by_name() {
        let bad: Config = toml::from_str("[pay]\napi_key_env = \"\"\nwebhook_secret_env = \"S\"\n").unwrap();
        assert!(bad.validate().unwrap_err().to_string().contains("pay.api_key_env"));
        let bad: Config =
            toml::from_str("[pay]\napi_key_env = \"K\"\nwebhook_secret_env = \"S\"\nbase_url = \"ftp://x\"\n").unwrap();
        assert!(bad.validate().unwrap_err().to_string().contains("pay.base_url"));
        let good: Config = toml::from_str(
            "[pay]\napi_key_env = \"HEARD_TEST_PAY_UNSET_K\"\nwebhook_secret_env = \"HEARD_TEST_PAY_UNSET_S\"\n",
        )
        .unwrap();
        good.validate().unwrap();
        let pay = good.pay.unwrap();
        assert_eq!(pay.base_url, "https://publicapi.payments.service.gov.uk");
        assert_eq!(pay.every_seconds, 60);
        let e = pay.settings().unwrap_err().to_string();
        assert!(
            e.contains("pay.api_key_env") && e.contains("HEARD_TEST_PAY_UNSET_K"),
            "{e}"
        );
    }

    #[test]
    fn oidc_settings_are_checked_by_name() {
        const GOOD: &str = "[oidc]\nissuer = \"https://login.microsoftonline.com/t/v2.0\"\nclient_id = \"c\"\n\
                            [[oidc.roles]]\ngroup = \"g-agents\"\nrole = \"agent\"\n\
                            [[oidc.roles]]\ngroup = \"g-admins\"\nrole = \"administrator\"\n\
                            [[oidc.roles]]\ngroup = \"g-lights\"\nrole = \"back_office\"\nservices = [\"street-lighting\"]\n";
        let good: Config = toml::from_str(GOOD).unwrap();
        good.validate().unwrap();
        let oidc = good.oidc.unwrap();
        assert_eq!(
            (
                oidc.scopes.as_str(),
                oidc.groups_claim.as_str(),
                oidc.button_label.as_str()
            ),
            ("openid email profile", "groups", "Sign in with your council account")
        );
        let web = oidc.settings("https://contact.council.gov.uk/").unwrap();
        assert_eq!(web.redirect_url, "https://contact.council.gov.uk/login/oidc/callback");
        assert_eq!(web.client_secret, None);
        let roles: Vec<_> = web.roles.iter().map(|r| (r.group.as_str(), r.role)).collect();
        assert_eq!(
            roles,
            [
                ("g-agents", heard_core::Role::Agent),
                ("g-admins", heard_core::Role::Admin),
                ("g-lights", heard_core::Role::BackOffice)
            ]
        );
        assert_eq!(web.roles[2].services, ["street-lighting"]);

        let fails = |edit: &dyn Fn(&str) -> String, field: &str| {
            let c: Config = toml::from_str(&edit(GOOD)).unwrap_or_else(|e| panic!("{field}: {e}"));
            let e = c.validate().unwrap_err().to_string();
            assert!(e.contains(field), "{field}: {e}");
        };
        fails(&|g| g.replace("https://login", "http://login"), "oidc.issuer");
        fails(
            &|g| g.replace("https://login.microsoftonline.com/t/v2.0", "nonsense"),
            "oidc.issuer",
        );
        fails(
            &|g| g.replace("client_id = \"c\"", "client_id = \" \""),
            "oidc.client_id",
        );
        fails(
            &|g| g.replace("client_id = \"c\"", "client_id = \"c\"\nclient_secret_env = \"\""),
            "oidc.client_secret_env",
        );
        fails(
            &|g| g.replace("client_id = \"c\"", "client_id = \"c\"\nscopes = \"email profile\""),
            "oidc.scopes",
        );
        fails(
            &|g| g.replace("client_id = \"c\"", "client_id = \"c\"\nredirect_url = \"/cb\""),
            "oidc.redirect_url",
        );
        fails(
            &|g| g.replace("role = \"agent\"", "role = \"boss\""),
            "oidc.roles[0].role",
        );
        fails(
            &|g| g.replace("group = \"g-admins\"", "group = \"\""),
            "oidc.roles[1].group",
        );
        fails(
            &|g| g.replace("services = [\"street-lighting\"]", "services = []"),
            "oidc.roles[2].services",
        );
        fails(
            &|g| g.replace("street-lighting", "Street Lighting"),
            "oidc.roles[2].services",
        );
        fails(&|g| g.split("[[oidc.roles]]").next().unwrap().to_string(), "oidc.roles");
        // http:// only to this machine (a provider started by tests).
        let local: Config =
            toml::from_str(&GOOD.replace("https://login.microsoftonline.com/t/v2.0", "http://127.0.0.1:4000")).unwrap();
        local.validate().unwrap();
        fails(
            &|g| {
                g.replace(
                    "https://login.microsoftonline.com/t/v2.0",
                    "http://127.0.0.1.evil.example",
                )
            },
            "oidc.issuer",
        );
        assert!(
            toml::from_str::<Config>(&GOOD.replace("client_id", "client")).is_err(),
            "unknown keys"
        );

        let secret: Config = toml::from_str(&GOOD.replace(
            "client_id = \"c\"",
            "client_id = \"c\"\nclient_secret_env = \"HEARD_TEST_OIDC_UNSET\"\nredirect_url = \"https://x.example/cb\"",
        ))
        .unwrap();
        secret.validate().unwrap();
        let e = secret
            .oidc
            .unwrap()
            .settings("https://heard.example")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("oidc.client_secret_env") && e.contains("HEARD_TEST_OIDC_UNSET"),
            "{e}"
        );
    }

    #[test]
    fn workspace_settings_are_checked_by_name() {
        let bad: Config = toml::from_str("[workspace]\njob_limit = 9\n").unwrap();
        assert!(bad.validate().unwrap_err().to_string().contains("workspace.job_limit"));
        let bad: Config =
            toml::from_str("[[reply_templates]]\nname = \"Bin\"\nbody = \"Dear {customer.nam}\"\n").unwrap();
        let e = bad.validate().unwrap_err().to_string();
        assert!(
            e.contains("reply_templates[0] (`Bin`)") && e.contains("{customer.nam}"),
            "{e}"
        );
        let good: Config = toml::from_str(
            "[[reply_templates]]\nname = \"Bin\"\nservice = \"waste\"\nbody = \"Dear {customer.name}\"\n",
        )
        .unwrap();
        good.validate().unwrap();
        assert_eq!(good.web_settings().reply_templates.len(), 1);
        assert_eq!(Config::default().web_settings().reply_templates.len(), 3);
    }

    #[test]
    fn service_levels_are_checked_and_reach_the_intake() {
        let bad: Config =
            toml::from_str("[[service_levels]]\nfirst_response_days = 0\nresolution_days = 20\n").unwrap();
        let e = bad.validate().unwrap_err().to_string();
        assert!(e.contains("service_levels[0].first_response_days"), "{e}");
        let bad: Config = toml::from_str(
            "[[service_levels]]\nkind = \"complaint\"\nfirst_response_days = 5\nresolution_days = 400\n",
        )
        .unwrap();
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("service_levels[0].resolution_days")
        );
        assert!(
            toml::from_str::<Config>(
                "[[service_levels]]\nkind = \"grumble\"\nfirst_response_days = 5\nresolution_days = 9\n"
            )
            .is_err()
        );
        let good: Config = toml::from_str(
            "[[service_levels]]\nfirst_response_days = 3\nresolution_days = 30\n\
             [[service_levels]]\nservice = \"waste\"\nkind = \"complaint\"\nfirst_response_days = 5\nresolution_days = 10\n",
        )
        .unwrap();
        good.validate().unwrap();
        let levels = good.web_settings().service_levels;
        let t = levels.targets("waste", heard_core::CaseKind::Complaint);
        assert_eq!((t.first_response_days, t.resolution_days), (5, 10));
        assert_eq!(
            levels.targets("waste", heard_core::CaseKind::Request).resolution_days,
            30
        );
        let none = Config::default().web_settings().service_levels;
        assert_eq!(none.targets("waste", heard_core::CaseKind::Request).resolution_days, 20);
    }

    #[test]
    fn next_update_and_warning_are_checked_by_name() {
        let bad: Config =
            toml::from_str("[[service_levels]]\nfirst_response_days = 2\nresolution_days = 20\nnext_update_days = 0\n")
                .unwrap();
        let e = bad.validate().unwrap_err().to_string();
        assert!(e.contains("service_levels[0].next_update_days"), "{e}");
        let bad: Config = toml::from_str(
            "[[service_levels]]\nfirst_response_days = 2\nresolution_days = 20\nwarn_before_hours = 1000\n",
        )
        .unwrap();
        let e = bad.validate().unwrap_err().to_string();
        assert!(e.contains("service_levels[0].warn_before_hours"), "{e}");
        let good: Config = toml::from_str(
            "[[service_levels]]\nservice = \"waste\"\nfirst_response_days = 1\nresolution_days = 5\n\
             next_update_days = 3\nwarn_before_hours = 4\n",
        )
        .unwrap();
        good.validate().unwrap();
        let web = good.web_settings();
        let t = web.service_levels.targets("waste", heard_core::CaseKind::Request);
        assert_eq!((t.next_update_days, t.warn_before_hours), (Some(3), 4));
        // Email intake gets the same levels as the web.
        let mail = good.email.mail_settings(&web);
        assert_eq!(mail.service_levels, web.service_levels);
    }
}
