//! A believable UK council, generated deterministically from a seed, so `heard demo` has a
//! year of realistic work to show on every screen and evidence behind every story.
//!
//! The council is fictional ("Demoshire Borough Council", postcode area `DM`); customers use
//! `example.*` and `.example` domains and Ofcom's drama phone ranges, so nothing in a demo
//! or a screenshot belongs to a real person. Same seed and same `now` give the same council.
//!
//! # Planted patterns
//!
//! Ordinary work is spread thinly so that these stand out for the trends feature to find:
//!
//! 1. **Castle Street Library public WiFi** (brief story 5): two formal complaints from
//!    residents to `libraries` in the last quarter (about 58 and 12 days before `now`), and
//!    six `ict-service-desk` incidents from library staff over the same period (about 83,
//!    66, 49, 34, 17 and 6 days ago), all with site `castle-street-library`. One older
//!    incident (about 205 days ago) sets the usual, low rate. Background WiFi incidents
//!    never come from library staff.
//! 2. **RevsPro 4.2 update** (story 7): fourteen service desk incidents about the RevsPro
//!    application over two consecutive working days about three weeks before `now`, from
//!    Revenues and Benefits and Customer Services staff, plus the problem record (kind
//!    `problem`, status `known_error`) opened on the second day. Background RevsPro calls
//!    run at about one every two weeks.
//! 3. **Recurring pothole on Wharf Road** (story 2): three reports about five months ago
//!    (repaired and closed), then seven reports from different residents over the last five
//!    weeks by Facebook, Open311, X and web form, all with site `wharf-road`. Background
//!    highways reports never name Wharf Road.
//!
//! A second, older problem (VPN drop-outs, resolved, about 140 days ago) with its five
//! incidents gives the problem list more than one row.
//!
//! # Senders
//!
//! Inbound `from` is what the channel shows: an email address (often with a display name),
//! a phone number as caller ID writes it, or a social handle. Outbound `from` is always a
//! council address on `demo.heard`: the service mailbox (e.g. `revsbens@demo.heard`) for
//! email and Open311 replies, the staff member's login email for calls, social replies,
//! service desk updates and complaint responses.

mod cases;
mod clock;
mod geo;
mod org;
mod people;
mod text;

use heard_core::customer::{Address, CustomerKind, MemberRole, OrganisationKind};
use heard_core::{CaseKind, CaseStatus, Channel, Direction, Identity, Priority, Role};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use org::service_mailbox;

/// How big a council to generate. The default gives about 2,400 customers and 22,000
/// contacts: enough to make lists, search and trends feel real, small enough to load in seconds.
#[derive(Debug, Clone)]
pub struct Scale {
    /// Total customers wanted; the fixed organisations and their staff always exist, and
    /// residents make up the rest.
    pub customers: usize,
    /// Total cases, including complaints and planted patterns.
    pub cases: usize,
}

impl Default for Scale {
    fn default() -> Self {
        Scale {
            customers: 2_400,
            cases: 9_000,
        }
    }
}

/// Everything the demo loader needs to fill a fresh database.
#[derive(Debug, Clone)]
pub struct Council {
    pub name: String,
    pub services: Vec<Service>,
    pub sites: Vec<Site>,
    pub teams: Vec<Team>,
    pub users: Vec<User>,
    pub customers: Vec<Customer>,
    /// Sorted by first contact, oldest first, so a loader can replay them in order.
    pub cases: Vec<Case>,
}

/// A service area and the words first-line routing uses to find it.
#[derive(Debug, Clone)]
pub struct Service {
    pub slug: String,
    pub name: String,
    /// Lower-case plain-English words and phrases, for heard-core's keyword router.
    pub keywords: Vec<String>,
    /// Slug of the team that works the service.
    pub team: String,
}

/// A place the council runs, or a street the demo's reports are about.
#[derive(Debug, Clone)]
pub struct Site {
    pub slug: String,
    pub name: String,
    /// "library", "depot", "office", "leisure_centre", "recycling_centre", "car_park",
    /// "park", "cemetery", "school" or "street".
    pub kind: String,
    /// `None` for places without a postal address (parks, streets, the mobile library).
    pub address: Option<Address>,
}

/// A team of staff.
#[derive(Debug, Clone)]
pub struct Team {
    pub slug: String,
    pub name: String,
}

/// A staff login. `agent@`, `manager@` and `admin@demo.heard` are the documented demo logins.
#[derive(Debug, Clone)]
pub struct User {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Team slug.
    pub team: Option<String>,
    /// Service slugs a back-office user works; empty for roles that see every service.
    pub services: Vec<String>,
}

/// A person or organisation the council deals with.
#[derive(Debug, Clone)]
pub struct Customer {
    pub kind: CustomerKind,
    pub organisation_kind: Option<OrganisationKind>,
    pub name: String,
    /// Valid per heard-core's constructors and unique across all customers.
    pub identities: Vec<Identity>,
    pub addresses: Vec<Address>,
    /// (index of an organisation in `Council::customers`, how this person relates to it).
    pub links: Vec<(usize, MemberRole)>,
}

/// The work to resolve one need, with its contacts in time order.
#[derive(Debug, Clone)]
pub struct Case {
    /// Index into `Council::customers`.
    pub customer: usize,
    /// Service slug.
    pub service: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub priority: Priority,
    /// Index into `Council::users`; set for every case past `new`.
    pub owner: Option<usize>,
    /// Site slug.
    pub site: Option<String>,
    pub contacts: Vec<Contact>,
}

/// One communication in or out.
#[derive(Debug, Clone)]
pub struct Contact {
    pub channel: Channel,
    pub direction: Direction,
    /// As the sender wrote it; see the crate documentation for outbound senders.
    pub from: String,
    pub subject: Option<String>,
    pub body: String,
    pub received_at: jiff::Timestamp,
    /// Email Message-ID, or the platform's id for social, Open311 and web form contacts;
    /// unique per channel.
    pub external_id: Option<String>,
}

/// Generates the demo council for `seed` as it stands at `now`: every contact falls in the
/// twelve months before `now`. `progress` is called with the number of cases done so far.
pub fn generate(seed: u64, scale: &Scale, now: jiff::Timestamp, progress: &mut dyn FnMut(usize)) -> Council {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let geo = geo::Geo::new();
    let clock = clock::Clock::new(now);
    let users = org::users();
    let (customers, dir) = people::generate(&mut rng, &geo, scale.customers);
    let cases = cases::generate(&mut rng, &clock, &geo, &dir, &users, scale.cases, progress);
    Council {
        name: org::COUNCIL_NAME.to_string(),
        services: org::services(),
        sites: org::sites(&geo),
        teams: org::teams(),
        users,
        customers,
        cases,
    }
}

#[cfg(test)]
mod tests;
