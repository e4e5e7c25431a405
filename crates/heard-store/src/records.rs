//! What the store hands back: read models of contacts, customers and cases.
//!
//! They double as the REST API's response bodies (hence `ToSchema`), so the API and
//! its OpenAPI document cannot drift from what is stored.

use heard_core::customer::{MemberRole, OrganisationKind};
use heard_core::{
    CaseKind, CaseLinkKind, CaseReference, CaseStatus, Channel, CustomerKind, Direction, IdentityKind, Priority, Role,
};
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;

/// A council service area that owns cases.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceRecord {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Words that route a contact here when nothing better is known.
    pub keywords: Vec<String>,
    /// Slug of the team that works this service's cases.
    pub team: Option<String>,
}

/// A place the council runs, or a location.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SiteRecord {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub postcode: Option<String>,
}

/// A team of staff.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamRecord {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// A staff member, as others see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserRef {
    pub id: i64,
    pub email: String,
    pub name: String,
}

/// A staff member with what they may do and see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub team: Option<String>,
    /// For back-office officers: the services whose cases they see.
    pub services: Vec<String>,
    pub active: bool,
}

impl UserRecord {
    /// Whether this user may see cases of the service with id `service_id`.
    pub fn sees_service(&self, service_slug: &str) -> bool {
        self.role.sees_all_services() || self.services.iter().any(|s| s == service_slug)
    }
}

/// One way of reaching a customer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IdentityRecord {
    pub kind: IdentityKind,
    pub value: String,
    /// Mail to this address bounced: do not send to it.
    pub undeliverable: bool,
}

/// A customer's address.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AddressRecord {
    pub line1: String,
    pub line2: Option<String>,
    pub town: String,
    pub postcode: String,
    pub uprn: Option<i64>,
}

/// A person's link to an organisation (member of it, or acting for it).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerLinkRecord {
    pub person_id: i64,
    pub person_name: String,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub role: MemberRole,
}

/// A customer in a list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerSummary {
    pub id: i64,
    pub kind: CustomerKind,
    pub organisation_kind: Option<OrganisationKind>,
    pub name: String,
    pub created_at: Timestamp,
}

/// A customer with everything that identifies them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerRecord {
    pub id: i64,
    pub kind: CustomerKind,
    pub organisation_kind: Option<OrganisationKind>,
    pub name: String,
    pub identities: Vec<IdentityRecord>,
    pub addresses: Vec<AddressRecord>,
    /// Organisations this person belongs to or acts for, and (for organisations) their people.
    pub links: Vec<CustomerLinkRecord>,
    /// The language every message to them is written in (`en` or `cy`), when known.
    pub language: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The customer a case or contact belongs to, in brief.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CustomerRef {
    pub id: i64,
    pub name: String,
}

/// A case as lists show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseRecord {
    pub id: i64,
    /// Human-friendly reference, e.g. `HRD-000123`.
    #[schema(value_type = String, example = "HRD-000123")]
    pub reference: CaseReference,
    pub service: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub priority: Priority,
    pub owner: Option<UserRef>,
    pub team: Option<String>,
    pub customer: CustomerRef,
    pub site: Option<String>,
    pub title: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub due_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    /// When someone must next act: the earlier of the deadline and any open follow-up.
    pub next_action_at: Option<Timestamp>,
    /// Since when the service-level clocks are paused (the case awaits the customer);
    /// a paused case is not slipping.
    pub clock_paused_at: Option<Timestamp>,
    /// When the first response is due (cases opened before service levels kept it: none).
    pub first_response_due_at: Option<Timestamp>,
    /// When the customer first had an outbound contact.
    pub responded_at: Option<Timestamp>,
    /// When the next update to the customer is due, if the service level sets that target.
    pub update_due_at: Option<Timestamp>,
}

/// A link from one case to another.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseLinkRecord {
    pub kind: CaseLinkKind,
    /// Reference of the other case.
    #[schema(value_type = String)]
    pub case: CaseReference,
    /// True when the link points from the other case to this one.
    pub inbound: bool,
}

/// One entry in a case's history: who changed what, when.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseEventRecord {
    pub at: Timestamp,
    pub actor: Option<UserRef>,
    pub kind: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// A case with its contacts, links and history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: CaseRecord,
    /// The values agents confirmed from the contacts (postcode, account reference…): the
    /// case's structured fields, each kind and value once.
    pub values: Vec<CaseValue>,
    /// Set when the case has more contacts than these (older ones): a cursor that reads
    /// the page before them (`/api/v1/contacts?case=…&cursor=…`, or the case page's
    /// "Earlier messages").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier: Option<String>,
    pub contacts: Vec<ContactRecord>,
    pub links: Vec<CaseLinkRecord>,
    pub history: Vec<CaseEventRecord>,
}

/// A confirmed value of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CaseValue {
    pub kind: String,
    pub value: String,
}

/// A file attached to a contact, stored by content hash.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentRecord {
    pub id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// SHA-256 of the content: the file's address in the attachment store.
    pub sha256: String,
}

/// A value read from a contact's text: a suggestion until an agent accepts it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntityRecord {
    /// `subject` or `body`.
    pub field: String,
    /// `postcode`, `address`, `uprn`, `council_tax_ref`, `phone`, `date`, `money`, …
    pub kind: String,
    /// The normalised value (`GL50 1AA`, `+447700900123`, `2025-03-03`, `123.45`).
    pub value: String,
    /// Byte offsets of the value in the field's stored text.
    pub start: i64,
    pub end: i64,
    pub confidence: f64,
    /// Personal data shown masked to roles that may not see it (an NI number).
    pub sensitive: bool,
    /// `suggested`, `accepted` or `rejected`.
    pub status: String,
}

/// One communication in or out.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactRecord {
    pub id: i64,
    #[schema(value_type = String)]
    pub case_reference: CaseReference,
    pub customer_id: i64,
    pub channel: Channel,
    pub direction: Direction,
    /// The sender as given (address, number or handle).
    pub sender: String,
    pub subject: Option<String>,
    pub body: String,
    /// The original HTML, unsanitised: sanitise before display.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_html: Option<String>,
    pub received_at: Timestamp,
    pub external_id: Option<String>,
    /// An agent marked this inbound contact as needing no answer.
    pub no_reply_needed: bool,
    /// The staff member who wrote it (a reply or a logged call), if one did.
    pub written_by: Option<i64>,
    pub attachments: Vec<AttachmentRecord>,
    /// Values read from the text (see [`EntityRecord`]).
    pub entities: Vec<EntityRecord>,
}

/// A page of results with the cursor for the next one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to fetch the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A full-text search hit.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    /// `contact` or `customer`.
    pub kind: String,
    pub id: i64,
    /// The case a contact hit belongs to.
    #[schema(value_type = Option<String>)]
    pub case_reference: Option<CaseReference>,
    pub title: String,
    /// Text around the match, with matched words in `[` `]`.
    pub snippet: String,
    pub at: Timestamp,
}

/// Ranked search results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchResults {
    pub query: String,
    /// How many records match in all (not only this page).
    pub total: i64,
    /// `relevance` (best match first), or `newest` when a query matches so many contacts
    /// that ranking them all would be slow and say little.
    pub order: String,
    pub items: Vec<SearchHit>,
}
