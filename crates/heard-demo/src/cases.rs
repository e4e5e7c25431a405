//! Cases and their contacts: a year of ordinary council work, a few formal complaints, and
//! the planted patterns the trends feature must find (see the crate documentation).

use crate::clock::{Clock, DAYS, HOURS, Rhythm};
use crate::geo::Geo;
use crate::org;
use crate::people::{Directory, Who};
use crate::text::{self, Season, SiteRule, TOPICS, Topic, Work, Writer};
use crate::{Case, Contact, User};
use heard_core::{CaseKind, CaseStatus, Channel, Direction, IdentityKind, Priority, Role};
use rand::Rng;

/// Relative volume of background cases per service.
const SERVICE_WEIGHTS: &[(&str, u32)] = &[
    ("revenues-and-benefits", 20),
    ("registrar", 7),
    ("highways", 12),
    ("street-lighting", 4),
    ("waste", 14),
    ("libraries", 4),
    ("housing", 7),
    ("planning", 5),
    ("parking", 6),
    ("environmental-health", 5),
    ("customer-services", 4),
    ("ict-service-desk", 12),
];

/// What a case asks the customer for when it waits on them.
const NEEDS: &[(&str, &str)] = &[
    (
        "revenues-and-benefits",
        "proof of the date of the change (for example a tenancy agreement or completion statement)",
    ),
    ("registrar", "a copy of your photo ID"),
    ("highways", "a photo and the nearest house number"),
    ("street-lighting", "the number on the lamp post"),
    ("waste", "a photo of the bin"),
    ("libraries", "your library card number"),
    ("housing", "copies of your last two months' bank statements"),
    ("planning", "a sketch or photos of the works"),
    ("parking", "a copy of your permit or blue badge"),
    ("environmental-health", "your completed diary sheets"),
    ("customer-services", "your account reference"),
    ("ict-service-desk", "a screenshot of the error and your asset tag"),
];

/// The street where the planted pothole cluster is.
pub(crate) const POTHOLE_STREET: &str = "Wharf Road";
/// The library whose public WiFi keeps failing.
pub(crate) const WIFI_SITE: &str = "castle-street-library";

/// Named slot values for one case.
#[derive(Debug, Clone, Default)]
struct Vars {
    map: Vec<(&'static str, String)>,
}

impl Vars {
    fn set(&mut self, k: &'static str, v: impl Into<String>) {
        let v = v.into();
        match self.map.iter_mut().find(|e| e.0 == k) {
            Some(e) => e.1 = v,
            None => self.map.push((k, v)),
        }
    }

    fn get(&self, k: &str) -> Option<String> {
        self.map.iter().find(|e| e.0 == k).map(|e| e.1.clone())
    }

    fn fill(&self, t: &str) -> String {
        text::fill(t, &|k| self.get(k))
    }
}

/// A case before its contacts are written.
struct Draft {
    customer: usize,
    service: &'static str,
    kind: CaseKind,
    priority: Priority,
    site: Option<&'static str>,
    channel: Channel,
    start: i64,
    status: CaseStatus,
    owner: Option<usize>,
    subject: Option<String>,
    body: String,
    /// Outbound texts to use in order before falling back to generic ones.
    outs: Vec<String>,
    /// Inbound follow-up texts to use in order before generic ones.
    ins: Vec<String>,
    /// A fixed direction pattern (planted cases); `None` picks one from the status.
    shape: Option<Vec<Direction>>,
    /// Fixes take weeks (repairs), not days.
    slow: bool,
    vars: Vars,
}

/// Who may own cases of each service.
struct Owners {
    by_service: Vec<(String, Vec<usize>)>,
    agents: Vec<usize>,
    demo_agent: usize,
    relations: usize,
    manager: usize,
    ict_lead: usize,
}

impl Owners {
    fn new(users: &[User]) -> Self {
        let find = |email: &str| {
            users
                .iter()
                .position(|u| u.email == email)
                .expect("fixed demo users are present")
        };
        let mut by_service: Vec<(String, Vec<usize>)> = Vec::new();
        for (i, u) in users.iter().enumerate() {
            if u.role == Role::BackOffice {
                for s in &u.services {
                    match by_service.iter_mut().find(|e| &e.0 == s) {
                        Some(e) => e.1.push(i),
                        None => by_service.push((s.clone(), vec![i])),
                    }
                }
            }
        }
        Owners {
            by_service,
            agents: users
                .iter()
                .enumerate()
                .filter(|(_, u)| u.role == Role::Agent)
                .map(|(i, _)| i)
                .collect(),
            demo_agent: find("agent@demo.heard"),
            relations: find("harriet.cole@demo.heard"),
            manager: find("manager@demo.heard"),
            ict_lead: find("zoe.campbell@demo.heard"),
        }
    }

    fn back_office(&self, service: &str) -> &[usize] {
        self.by_service
            .iter()
            .find(|e| e.0 == service)
            .map(|e| e.1.as_slice())
            .unwrap_or(&[])
    }
}

/// Per-channel counters for external ids, so each is unique on its channel.
#[derive(Default)]
struct Counters {
    email: u64,
    facebook: u64,
    x: u64,
    open311: u64,
    web_form: u64,
}

pub(crate) struct Gen<'a, R: Rng> {
    rng: &'a mut R,
    clock: &'a Clock,
    geo: &'a Geo,
    dir: &'a Directory,
    users: &'a [User],
    owners: Owners,
    counters: Counters,
    /// (writer, identity kind) → customers who can write that way.
    pools: Vec<((Writer, IdentityKind), Vec<usize>)>,
    wharf: usize,
}

fn has(who: &Who, kind: IdentityKind) -> bool {
    match kind {
        IdentityKind::Email => who.email.is_some(),
        IdentityKind::Phone => who.phone.is_some(),
        IdentityKind::Facebook => who.facebook.is_some(),
        IdentityKind::X => who.x.is_some(),
        IdentityKind::Instagram => false,
    }
}

fn needed(channel: Channel) -> IdentityKind {
    match channel {
        Channel::Phone | Channel::Sms => IdentityKind::Phone,
        Channel::Facebook => IdentityKind::Facebook,
        Channel::X => IdentityKind::X,
        Channel::Instagram => IdentityKind::Instagram,
        _ => IdentityKind::Email,
    }
}

fn weighted<T: Copy>(rng: &mut impl Rng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|i| i.1).sum();
    let mut r = rng.random_range(0..total.max(1));
    for &(item, w) in items {
        if r < w {
            return item;
        }
        r -= w;
    }
    items.last().expect("weighted lists are never empty").0
}

fn pick<'b, T>(rng: &mut impl Rng, xs: &'b [T]) -> &'b T {
    &xs[rng.random_range(0..xs.len())]
}

fn pick_str(rng: &mut impl Rng, xs: &[&'static str]) -> &'static str {
    xs[rng.random_range(0..xs.len())]
}

fn amount(rng: &mut impl Rng) -> String {
    let pence: u32 = rng.random_range(1_200..98_000);
    format!("£{}.{:02}", pence / 100, pence % 100)
}

fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).collect()
}

impl<'a, R: Rng> Gen<'a, R> {
    pub fn new(rng: &'a mut R, clock: &'a Clock, geo: &'a Geo, dir: &'a Directory, users: &'a [User]) -> Self {
        let mut pools = Vec::new();
        let landlords: Vec<usize> = dir
            .landlords
            .iter()
            .copied()
            .chain(dir.agencies.iter().flat_map(|a| a.staff.iter().copied()))
            .chain(dir.agencies.iter().flat_map(|a| a.staff.iter().copied()))
            .collect();
        let groups: Vec<(Writer, Vec<usize>)> = vec![
            (Writer::Resident, dir.residents.clone()),
            (Writer::Landlord, landlords),
            (
                Writer::HousingAssociation,
                dir.housing_associations
                    .iter()
                    .flat_map(|g| std::iter::once(g.org).chain(g.staff.iter().copied()))
                    .collect(),
            ),
            (Writer::Business, dir.businesses.clone()),
            (
                Writer::Agency,
                dir.councils
                    .iter()
                    .chain(dir.national.iter())
                    .flat_map(|g| std::iter::once(g.org).chain(g.staff.iter().copied()))
                    .collect(),
            ),
            (
                Writer::Staff,
                dir.departments
                    .iter()
                    .flat_map(|d| d.group.staff.iter().copied())
                    .collect(),
            ),
        ];
        for (writer, all) in groups {
            for kind in [
                IdentityKind::Email,
                IdentityKind::Phone,
                IdentityKind::Facebook,
                IdentityKind::X,
            ] {
                let pool: Vec<usize> = all.iter().copied().filter(|&c| has(&dir.who[c], kind)).collect();
                pools.push(((writer, kind), pool));
            }
        }
        Gen {
            rng,
            clock,
            geo,
            dir,
            users,
            owners: Owners::new(users),
            counters: Counters::default(),
            pools,
            wharf: geo.street_index(POTHOLE_STREET),
        }
    }

    fn pool(&self, writer: Writer, kind: IdentityKind) -> &[usize] {
        self.pools
            .iter()
            .find(|p| p.0 == (writer, kind))
            .map(|p| p.1.as_slice())
            .unwrap_or(&[])
    }

    /// Someone from `pool`, favouring the front so some customers contact the council often.
    fn skewed(&mut self, pool: &[usize]) -> usize {
        let u: f64 = self.rng.random();
        let i = ((pool.len() as f64) * u.powf(1.4)) as usize;
        pool[i.min(pool.len() - 1)]
    }

    /// A customer who writes as `writer` and can use `channel`, switching to email (or the
    /// service desk for staff) if nobody can.
    fn customer_for(&mut self, writer: Writer, channel: Channel, topic: Option<&Topic>) -> (usize, Channel) {
        if writer == Writer::Staff {
            let key = topic.map(|t| t.summary);
            let candidates: Vec<usize> = match key {
                Some("the RevsPro problem") => self.revs_staff(),
                Some("the WiFi problem") => self
                    .pool(Writer::Staff, IdentityKind::Email)
                    .iter()
                    .copied()
                    .filter(|&c| self.dir.who[c].site.is_some_and(|s| !s.contains("library")))
                    .collect(),
                _ => self.pool(Writer::Staff, IdentityKind::Email).to_vec(),
            };
            let filtered: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&c| has(&self.dir.who[c], needed(channel)))
                .collect();
            if filtered.is_empty() {
                return (*pick(self.rng, &candidates), Channel::ServiceDesk);
            }
            return (*pick(self.rng, &filtered), channel);
        }
        let pool = self.pool(writer, needed(channel)).to_vec();
        if pool.is_empty() {
            let pool = self.pool(writer, IdentityKind::Email).to_vec();
            return (self.skewed(&pool), Channel::Email);
        }
        (self.skewed(&pool), channel)
    }

    fn revs_staff(&self) -> Vec<usize> {
        let mut v = self.dir.department("revenues").group.staff.clone();
        v.extend(self.dir.department("customer-services").group.staff.iter().copied());
        v
    }

    /// A random street other than the planted one, for location reports.
    fn other_street(&mut self) -> usize {
        loop {
            let s = self.rng.random_range(0..self.geo.streets.len());
            if s != self.wharf {
                return s;
            }
        }
    }

    fn person_name(&mut self) -> String {
        let first = crate::people::first_name(self.rng);
        let last = crate::people::last_name(self.rng);
        format!("{first} {last}")
    }

    /// Slot values for a case by `customer` about `service`, starting at `start`.
    fn vars(&mut self, customer: usize, service: &'static str, start: i64) -> Vars {
        let who = &self.dir.who[customer];
        let mut v = Vars::default();
        let is_org = who.first.is_empty();
        v.set("first", if is_org { who.full.clone() } else { who.first.clone() });
        v.set(
            "dear",
            if is_org {
                "Sir or Madam".to_string()
            } else {
                who.first.clone()
            },
        );
        v.set("full", who.full.clone());
        let org_name = who
            .org
            .map(|o| self.dir.who[o].full.clone())
            .unwrap_or_else(|| who.full.clone());
        v.set("org", org_name.clone());
        v.set("dept", org_name);
        v.set("email", who.email.clone().unwrap_or_default());
        v.set("phone", who.phone.clone().unwrap_or_default());
        let last = who.full.rsplit(' ').next().unwrap_or("Smith").to_string();
        let (street, house, flat) = match who.home {
            Some(h) => h,
            None => {
                let s = self.other_street();
                let house = self.rng.random_range(1..=self.geo.streets[s].houses);
                (s, house, None)
            }
        };
        let st = &self.geo.streets[street];
        let address = st.address(house, flat);
        v.set("addr", address.line1.clone());
        v.set("street", st.name);
        v.set("town", st.town);
        v.set("postcode", st.postcode.clone());
        let s2 = self.other_street();
        let st2 = &self.geo.streets[s2];
        v.set("street2", st2.name);
        v.set("town2", st2.town);
        v.set("n", self.rng.random_range(1..=st2.houses).to_string());
        v.set(
            "lat",
            format!("{:.5}", st2.lat + self.rng.random_range(-0.0008..0.0008)),
        );
        v.set(
            "lon",
            format!("{:.5}", st2.lon + self.rng.random_range(-0.0008..0.0008)),
        );
        v.set("street2_index", s2.to_string());
        let account = 40_000_000 + (customer as u64 * 104_729 + 12_345) % 60_000_000;
        v.set("ref", account.to_string());
        let claim = 70_000_000 + (customer as u64 * 7_877 + 311) % 10_000_000;
        v.set("claim", claim.to_string());
        let a = amount(self.rng);
        v.set("amount", a);
        let future = start + self.rng.random_range(2..30) * DAYS;
        v.set("date", self.clock.date_text(future));
        let past = start - self.rng.random_range(2..45) * DAYS;
        v.set("date_past", self.clock.date_text(past));
        let recent = start - self.rng.random_range(0..3) * DAYS;
        v.set("day", self.clock.weekday_text(recent));
        let month = start - self.rng.random_range(0..60) * DAYS;
        v.set("month", self.clock.month_text(month));
        v.set("year", self.rng.random_range(1952..2021u32).to_string());
        let child_first = crate::people::first_name(self.rng);
        v.set("child", format!("{child_first} {last}"));
        let (relation, names) = *pick(self.rng, RELATIONS);
        v.set("relation", relation);
        v.set("deceased", format!("{} {last}", pick_str(self.rng, names)));
        let spouse = self.person_name();
        v.set("spouse", spouse);
        let reg = {
            const L: &[u8] = b"ABCDEFGHJKLMNOPRSTUVWXY";
            let mut l = || L[self.rng.random_range(0..L.len())] as char;
            let (a, b, c, d, e) = (l(), l(), l(), l(), l());
            let age = *pick(
                self.rng,
                &[
                    15u32, 16, 17, 18, 19, 20, 21, 22, 23, 24, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74,
                ],
            );
            format!("{a}{b}{age} {c}{d}{e}")
        };
        v.set("reg", reg);
        v.set(
            "pcn",
            format!("DM{:08}", self.rng.random_range(10_000_000..99_999_999u32)),
        );
        v.set("item", *pick(self.rng, text::BOOKS));
        let yy = self.clock.ts(start).to_zoned(jiff::tz::TimeZone::UTC).year() % 100;
        let suffix = *pick(self.rng, &["HOU", "FUL", "LBC", "TPO", "OUT"]);
        v.set(
            "plan_ref",
            format!("{yy:02}/{:05}/{suffix}", self.rng.random_range(100..3_000u32)),
        );
        v.set("weeks", self.rng.random_range(2..7u32).to_string());
        v.set(
            "device",
            format!("DBC-LT-{:05}", self.rng.random_range(1_000..40_000u32)),
        );
        v.set("app", *pick(self.rng, text::APPS));
        v.set("bin", *pick(self.rng, text::BINS));
        v.set(
            "phone_new",
            format!("07700 900{:03}", self.rng.random_range(0..1000u32)),
        );
        v.set("team", org::team_name(service));
        v.set("service_name", org::service_name(service));
        v.set("site", "the library");
        // Letting agents write about a client landlord; landlords and associations about themselves.
        let landlord = match who.org {
            Some(o) => {
                let clients = self
                    .dir
                    .agencies
                    .iter()
                    .find(|a| a.org == o)
                    .map(|a| a.clients.clone())
                    .unwrap_or_default();
                if clients.is_empty() {
                    self.dir.who[o].full.clone()
                } else {
                    let c = *pick(self.rng, &clients);
                    self.dir.who[c].full.clone()
                }
            }
            None => who.full.clone(),
        };
        let agent = who.org.is_some_and(|o| self.dir.agencies.iter().any(|a| a.org == o));
        if agent {
            v.set("acting", format!("We act for {landlord} and"));
            v.set("portfolio", format!("properties we manage on behalf of {landlord}"));
        } else {
            v.set("acting", "We");
            v.set("portfolio", "our properties");
        }
        v.set("landlord", landlord);
        v
    }

    /// The change-of-occupier block a landlord, agent or housing association sends.
    fn tenancies(&mut self, start: i64, many: bool) -> String {
        let n = if many {
            self.rng.random_range(2..=5)
        } else {
            *pick(self.rng, &[1, 1, 2, 2, 3])
        };
        let style = self.rng.random_range(0..3u32);
        let mut out = Vec::new();
        for i in 0..n {
            let s = self.other_street();
            let st = &self.geo.streets[s];
            let house = self.rng.random_range(1..=st.houses);
            let flat = self.rng.random_bool(0.3).then(|| self.rng.random_range(1..=6));
            let addr = st.address(house, flat);
            let (town, postcode) = (st.town, st.postcode.clone());
            let old = self.person_name();
            let new = self.person_name();
            let left = self.clock.date_text(start - self.rng.random_range(1..40) * DAYS);
            let moved = self.clock.date_text(start - self.rng.random_range(0..30) * DAYS);
            let account = self.rng.random_range(40_000_000..99_999_999u32);
            out.push(match style {
                0 => format!(
                    "{}. {}, {town} {postcode}\n   Outgoing tenant: {old}, vacated {left} (council tax account {account})\n   Incoming tenant: {new}, tenancy started {moved}",
                    i + 1,
                    addr.line1
                ),
                1 => format!(
                    "- {}, {postcode}: {new} moved in on {moved}. Previous tenant {old} left on {left}. Account ref {account}.",
                    addr.line1
                ),
                _ => format!(
                    "Property: {}, {town}, {postcode}\nAccount number: {account}\nOld occupier: {old} (end date {left})\nNew occupier: {new} (start date {moved})\n",
                    addr.line1
                ),
            });
        }
        out.join("\n")
    }

    fn status_for(&mut self, kind: CaseKind, age_days: i64) -> CaseStatus {
        use CaseStatus::*;
        let table: &[(CaseStatus, u32)] = match kind {
            CaseKind::Complaint => match age_days {
                60.. => &[(Closed, 8), (Resolved, 2)],
                20..60 => &[(Closed, 4), (Resolved, 3), (Stage2, 2), (Stage1, 1)],
                _ => &[(Stage1, 7), (New, 2), (AwaitingCustomer, 1)],
            },
            _ => match age_days {
                // A few old cases are still open: the "slipping" view has something to show.
                45.. => &[(Closed, 880), (Resolved, 105), (InProgress, 10), (Open, 5)],
                15..45 => &[
                    (Closed, 55),
                    (Resolved, 20),
                    (InProgress, 10),
                    (AwaitingCustomer, 7),
                    (AwaitingThirdParty, 5),
                    (Open, 3),
                ],
                3..15 => &[
                    (Resolved, 25),
                    (Closed, 20),
                    (InProgress, 25),
                    (AwaitingCustomer, 12),
                    (Open, 10),
                    (AwaitingThirdParty, 5),
                    (New, 3),
                ],
                _ => &[
                    (New, 45),
                    (Open, 25),
                    (InProgress, 15),
                    (AwaitingCustomer, 5),
                    (Resolved, 10),
                ],
            },
        };
        weighted(self.rng, table)
    }

    fn owner_for(&mut self, service: &str, kind: CaseKind, first_contact_agent: bool) -> usize {
        if kind == CaseKind::Complaint {
            return match self.rng.random_range(0..10u32) {
                0..=5 => self.owners.relations,
                6 => self.owners.manager,
                _ => self
                    .owners
                    .back_office(service)
                    .first()
                    .copied()
                    .unwrap_or(self.owners.relations),
            };
        }
        let agents = self.owners.agents.clone();
        if first_contact_agent || service == "customer-services" || self.owners.back_office(service).is_empty() {
            return if self.rng.random_bool(0.3) {
                self.owners.demo_agent
            } else {
                *pick(self.rng, &agents)
            };
        }
        if service == "ict-service-desk" && self.rng.random_bool(0.08) {
            return self.owners.ict_lead;
        }
        let bo = self.owners.back_office(service).to_vec();
        *pick(self.rng, &bo)
    }

    /// The first contact's subject and body, dressed for its channel.
    fn dress(&mut self, channel: Channel, subject: &str, core: &str, form: &str, v: &Vars) -> (Option<String>, String) {
        let core = v.fill(core);
        let subject = v.fill(subject);
        let is_org = v.get("dear").as_deref() == Some("Sir or Madam");
        match channel {
            Channel::Email => {
                let greeting = *pick(
                    self.rng,
                    &[
                        "Dear Sir or Madam,",
                        "Hello,",
                        "Hi,",
                        "Good morning,",
                        "Good afternoon,",
                        "To whom it may concern,",
                        "Dear {team},",
                    ],
                );
                let sign = if is_org {
                    "Kind regards,\n\n{full}"
                } else {
                    *pick(
                        self.rng,
                        &[
                            "Kind regards,\n{full}",
                            "Many thanks\n{first}",
                            "Thanks,\n{first}",
                            "Regards\n{full}\n{addr}, {town} {postcode}",
                            "Best wishes,\n{full}",
                            "Sent from my iPhone",
                        ],
                    )
                };
                let org_sign = if v.get("org") != v.get("full") {
                    "\n{org}\n{phone}"
                } else {
                    ""
                };
                let body = format!("{}\n\n{core}\n\n{}{}", v.fill(greeting), v.fill(sign), v.fill(org_sign));
                (Some(subject), body.trim_end().to_string())
            }
            Channel::WebForm => {
                let who = if v.get("org") != v.get("full") {
                    "Organisation: {org}\n"
                } else {
                    ""
                };
                let head = v.fill(&format!(
                    "Form: {form}\nName: {{full}}\n{who}Email: {{email}}\nAddress: {{addr}}, {{town}} {{postcode}}\n\nDetails:\n"
                ));
                (Some(form.to_string()), format!("{head}{core}"))
            }
            Channel::Open311 => {
                let tail = v.fill(
                    "\n\nLocation: near {n} {street2}, {town2}\nLat/long: {lat}, {lon}\nReported via FixMyStreet",
                );
                (Some(form.to_string()), format!("{core}{tail}"))
            }
            Channel::ServiceDesk => {
                let tail = match v.get("site_name") {
                    Some(site) => v.fill(&format!("\n\n{{full}}\n{{dept}}, {site}")),
                    None => v.fill("\n\n{full}\n{dept}"),
                };
                (Some(subject), format!("{core}{tail}"))
            }
            _ => (None, core),
        }
    }

    /// One ordinary case from the service's topics.
    fn background(&mut self) -> Draft {
        let service = weighted(self.rng, SERVICE_WEIGHTS);
        let topics: Vec<(&'static Topic, u32)> = TOPICS
            .iter()
            .filter(|t| t.service == service)
            .map(|t| (t, t.weight))
            .collect();
        let topic = weighted(self.rng, &topics);
        let channels: Vec<(Channel, u32)> = topic
            .channels
            .iter()
            .copied()
            .filter(|(c, _)| match c {
                Channel::Facebook | Channel::X => !topic.posts.is_empty(),
                Channel::Phone => !topic.calls.is_empty(),
                _ => true,
            })
            .collect();
        let channel = if channels.is_empty() {
            Channel::Email
        } else {
            weighted(self.rng, &channels)
        };
        let (customer, channel) = self.customer_for(topic.from, channel, Some(topic));
        let rhythm = match channel {
            Channel::Phone => Rhythm::Office,
            Channel::ServiceDesk => Rhythm::Desk,
            _ if topic.from == Writer::Staff => Rhythm::Desk,
            _ if topic.from != Writer::Resident => Rhythm::Office,
            _ => Rhythm::Anytime,
        };
        let mut start = self.clock.pick(self.rng, rhythm, 0, 364);
        for _ in 0..6 {
            let m = self.clock.month(start);
            let in_season = match topic.season {
                Season::Any => true,
                Season::Winter => matches!(m, 11 | 12 | 1 | 2 | 3),
                Season::Summer => (4..=9).contains(&m),
            };
            if in_season || self.rng.random_bool(0.25) {
                break;
            }
            start = self.clock.pick(self.rng, rhythm, 0, 364);
        }
        let mut v = self.vars(customer, service, start);
        let site = self.site_for(topic.site, customer, &v);
        if let Some(s) = site {
            v.set("site", org::site_name(s));
            v.set("site_name", org::site_name(s));
        }
        if topic.from == Writer::Landlord || topic.from == Writer::HousingAssociation {
            let t = self.tenancies(start, topic.from == Writer::HousingAssociation);
            v.set("tenancies", t);
        }
        v.set("summary", v.fill(topic.summary));
        v.set("done", v.fill(topic.done));
        let core = match channel {
            Channel::Facebook | Channel::X | Channel::Open311 if !topic.posts.is_empty() => {
                *pick(self.rng, topic.posts)
            }
            Channel::Phone if !topic.calls.is_empty() => *pick(self.rng, topic.calls),
            _ => *pick(self.rng, topic.bodies),
        };
        let subject = *pick(self.rng, topic.subjects);
        let (subject, body) = self.dress(channel, subject, core, topic.form, &v);
        let kind = match topic.work {
            Work::Enquiry => CaseKind::Enquiry,
            Work::Request => CaseKind::Request,
            Work::Incident => CaseKind::Incident,
        };
        let age = (self.clock.now - start) / DAYS;
        let status = self.status_for(kind, age);
        let priority = match (topic.priority, self.rng.random_range(0..20u32)) {
            (Priority::Low, 0..=2) => Priority::Normal,
            (Priority::Normal, 0) => Priority::High,
            (Priority::Normal, 1..=2) => Priority::Low,
            (p, _) => p,
        };
        // Simple enquiries by phone or social are often answered there and then by an agent.
        let first_contact = !status.is_open()
            && matches!(channel, Channel::Phone | Channel::Facebook | Channel::X)
            && kind == CaseKind::Enquiry
            && self.rng.random_bool(0.6);
        let owner = (status != CaseStatus::New).then(|| self.owner_for(service, kind, first_contact));
        // Topic replies are letters: used where the reply is written, not on calls or social media.
        let written = matches!(
            channel,
            Channel::Email | Channel::WebForm | Channel::Open311 | Channel::ServiceDesk
        );
        let outs = if written && !topic.replies.is_empty() {
            vec![v.fill(pick_str(self.rng, topic.replies))]
        } else {
            Vec::new()
        };
        Draft {
            customer,
            service,
            kind,
            priority,
            site,
            channel,
            start,
            status,
            owner,
            subject,
            body,
            outs,
            ins: Vec::new(),
            shape: first_contact.then(|| vec![Direction::Inbound]),
            slow: matches!(service, "highways" | "street-lighting" | "planning" | "housing"),
            vars: v,
        }
    }

    fn site_for(&mut self, rule: SiteRule, customer: usize, v: &Vars) -> Option<&'static str> {
        match rule {
            SiteRule::None => None,
            SiteRule::Library => {
                let libs = org::sites_of("library");
                Some(*pick(self.rng, &libs))
            }
            SiteRule::RecyclingCentre => Some(*pick(self.rng, &org::sites_of("recycling_centre"))),
            SiteRule::CarPark => Some(*pick(self.rng, &org::sites_of("car_park"))),
            SiteRule::RegisterOffice => Some("register-office"),
            SiteRule::LeisureCentre => Some(*pick(self.rng, &org::sites_of("leisure_centre"))),
            SiteRule::Caller => self.dir.who[customer].site,
            SiteRule::Street => {
                let street = v.get("street2").unwrap_or_default();
                org::sites_of("street")
                    .into_iter()
                    .find(|s| org::site_name(s) == street)
            }
        }
    }

    /// A formal complaint about `service`, `days_ago` days before now.
    fn complaint(&mut self, service: &'static str, min_days: i64, max_days: i64) -> Draft {
        let channel = weighted(
            self.rng,
            &[(Channel::Email, 6), (Channel::WebForm, 3), (Channel::Phone, 1)],
        );
        let (customer, channel) = self.customer_for(Writer::Resident, channel, None);
        let rhythm = if channel == Channel::Phone {
            Rhythm::Office
        } else {
            Rhythm::Anytime
        };
        let start = self.clock.pick(self.rng, rhythm, min_days, max_days);
        let mut v = self.vars(customer, service, start);
        let grievances = text::GRIEVANCES
            .iter()
            .find(|g| g.0 == service)
            .map(|g| g.1)
            .unwrap_or(&[]);
        let grievance = if grievances.is_empty() {
            "I am unhappy with the service I have received."
        } else {
            *pick(self.rng, grievances)
        };
        let (open, close) = *pick(self.rng, text::COMPLAINT_FRAMES);
        v.set("summary", "your complaint");
        v.set("done", "we have responded to your complaint in full");
        let core = if channel == Channel::Phone {
            format!(
                "{{full}} called to make a formal complaint about {{service_name}}. In their words: \"{grievance}\" Logged at stage 1; acknowledgement to follow."
            )
        } else {
            format!("{open}{grievance}{close}")
        };
        let subject = *pick(self.rng, text::COMPLAINT_SUBJECTS);
        let (subject, body) = self.dress(channel, subject, &core, "Make a complaint", &v);
        let age = (self.clock.now - start) / DAYS;
        let status = self.status_for(CaseKind::Complaint, age);
        let owner = (status != CaseStatus::New).then(|| self.owner_for(service, CaseKind::Complaint, false));
        let ack = v.fill(pick_str(self.rng, text::COMPLAINT_REPLIES));
        let outcome = v.fill(pick_str(self.rng, text::COMPLAINT_OUTCOMES));
        let shape = match status {
            CaseStatus::New => vec![Direction::Inbound],
            CaseStatus::Stage1 | CaseStatus::AwaitingCustomer => {
                vec![Direction::Inbound, Direction::Outbound]
            }
            CaseStatus::Stage2 => {
                v.set("summary", "your request for a stage 2 review");
                vec![
                    Direction::Inbound,
                    Direction::Outbound,
                    Direction::Outbound,
                    Direction::Inbound,
                ]
            }
            _ => vec![Direction::Inbound, Direction::Outbound, Direction::Outbound],
        };
        Draft {
            customer,
            service,
            kind: CaseKind::Complaint,
            priority: if self.rng.random_bool(0.3) { Priority::High } else { Priority::Normal },
            site: None,
            channel,
            start,
            status,
            owner,
            subject,
            body,
            outs: vec![ack, outcome],
            ins: vec!["I am not satisfied with your response and I want my complaint escalated to stage 2. You have not addressed the main points I raised.".into()],
            shape: Some(shape),
            slow: true,
            vars: v,
        }
    }

    /// Writes a draft's contacts and returns the case.
    fn finish(&mut self, mut d: Draft) -> Case {
        use Direction::{Inbound as In, Outbound as Out};
        let shape = match d.shape.take() {
            Some(s) => s,
            None => {
                let shapes: &[(&[Direction], u32)] = match d.status {
                    CaseStatus::New => &[(&[In], 85), (&[In, In], 15)],
                    CaseStatus::AwaitingCustomer => &[(&[In, Out], 60), (&[In, Out, In, Out], 40)],
                    CaseStatus::Resolved | CaseStatus::Closed => &[
                        (&[In], 8),
                        (&[In, Out], 35),
                        (&[In, Out, In], 14),
                        (&[In, Out, Out], 16),
                        (&[In, Out, In, Out], 17),
                        (&[In, Out, In, Out, In], 10),
                    ],
                    _ => &[
                        (&[In], 15),
                        (&[In, Out], 40),
                        (&[In, Out, In], 25),
                        (&[In, In, Out], 12),
                        (&[In, Out, In, Out], 8),
                    ],
                };
                weighted(self.rng, shapes).to_vec()
            }
        };
        let closed = !d.status.is_open();
        let waiting = d.status == CaseStatus::AwaitingCustomer;
        let owner_user = d.owner.map(|o| self.users[o].clone());
        let who = self.dir.who[d.customer].clone();
        let mut contacts: Vec<Contact> = Vec::with_capacity(shape.len());
        let mut t = d.start;
        let (mut outs, mut ins) = (
            std::mem::take(&mut d.outs).into_iter(),
            std::mem::take(&mut d.ins).into_iter(),
        );
        let n = shape.len();
        for (i, &dir) in shape.iter().enumerate() {
            if i > 0 {
                let prev = shape[i - 1];
                let gap = match (prev, dir, d.channel) {
                    (In, Out, Channel::ServiceDesk) => self.rng.random_range(600..6 * HOURS),
                    (In, Out, Channel::Phone) => self.rng.random_range(HOURS..30 * HOURS),
                    (In, Out, Channel::Facebook | Channel::X) => self.rng.random_range(900..8 * HOURS),
                    (In, Out, _) if d.kind == CaseKind::Complaint => self.rng.random_range(DAYS..4 * DAYS),
                    (In, Out, _) => self.rng.random_range(2 * HOURS..4 * DAYS),
                    (Out, Out, _) if d.slow => self.rng.random_range(5 * DAYS..30 * DAYS),
                    (Out, Out, _) => self.rng.random_range(DAYS..12 * DAYS),
                    (Out, In, _) => self.rng.random_range(2 * HOURS..8 * DAYS),
                    (In, In, _) => self.rng.random_range(3 * DAYS..14 * DAYS),
                };
                let mut next = t + gap.max(120);
                if dir == Out {
                    next = self.clock.office_after(self.rng, next);
                }
                if next > self.clock.now - 60 {
                    break;
                }
                t = next;
            }
            let last = i + 1 == n;
            let contact = match dir {
                In if i == 0 => self.inbound_first(&d, &who, t),
                In => {
                    let prev_out = shape[i - 1] == Out;
                    let text = ins.next();
                    self.inbound_follow(&d, &who, t, contacts.last(), prev_out, closed && last, text)
                }
                Out => {
                    let first_out = !shape[..i].contains(&Out);
                    let text = outs.next();
                    let role = if waiting && last {
                        Reply::Ask
                    } else if first_out {
                        Reply::First
                    } else if closed && shape[i + 1..].iter().all(|&x| x == In) {
                        Reply::Close
                    } else {
                        Reply::Update
                    };
                    self.outbound(&d, owner_user.as_ref(), t, contacts.first(), role, text)
                }
            };
            contacts.push(contact);
        }
        let mut status = d.status;
        let last_dir = contacts.last().map(|c| c.direction);
        if status == CaseStatus::AwaitingCustomer && last_dir == Some(In) {
            status = if d.kind == CaseKind::Complaint {
                CaseStatus::Stage1
            } else {
                CaseStatus::InProgress
            };
        }
        Case {
            customer: d.customer,
            service: d.service.to_string(),
            kind: d.kind,
            status,
            priority: d.priority,
            owner: d.owner,
            site: d.site.map(str::to_string),
            contacts,
        }
    }

    fn message_id(&mut self, domain: &str) -> String {
        self.counters.email += 1;
        let token: u32 = self.rng.random();
        format!("<demo-{:06}.{token:08x}@{domain}>", self.counters.email)
    }

    fn external_id(&mut self, channel: Channel, domain: &str) -> Option<String> {
        match channel {
            Channel::Email => Some(self.message_id(domain)),
            Channel::Facebook => {
                self.counters.facebook += 1;
                Some(format!("fb-{}", 100_000 + self.counters.facebook))
            }
            Channel::X => {
                self.counters.x += 1;
                Some(format!("x-{}", 1_700_000_000 + self.counters.x * 7))
            }
            Channel::Open311 => {
                self.counters.open311 += 1;
                Some(format!("o311-{}", 40_000 + self.counters.open311))
            }
            Channel::WebForm => {
                self.counters.web_form += 1;
                Some(format!("wf-{}", 250_000 + self.counters.web_form))
            }
            _ => None,
        }
    }

    /// The sender as the channel shows them.
    fn sender_for(&mut self, who: &Who, channel: Channel) -> String {
        match channel {
            Channel::Phone | Channel::Sms => who.phone.clone().unwrap_or_default(),
            Channel::Facebook => who.facebook.clone().unwrap_or_default(),
            Channel::X => who.x.clone().unwrap_or_default(),
            Channel::Email if self.rng.random_bool(0.6) => {
                format!("{} <{}>", who.full, who.email.clone().unwrap_or_default())
            }
            _ => who.email.clone().unwrap_or_default(),
        }
    }

    fn inbound_first(&mut self, d: &Draft, who: &Who, t: i64) -> Contact {
        let from = self.sender_for(who, d.channel);
        let domain = email_domain(who);
        Contact {
            channel: d.channel,
            direction: Direction::Inbound,
            from,
            subject: d.subject.clone(),
            body: d.body.clone(),
            received_at: self.clock.ts(t),
            external_id: self.external_id(d.channel, &domain),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn inbound_follow(
        &mut self,
        d: &Draft,
        who: &Who,
        t: i64,
        prev: Option<&Contact>,
        after_reply: bool,
        closing: bool,
        text: Option<String>,
    ) -> Contact {
        // Forms and FixMyStreet reports are followed up by replying to the email they sent.
        let channel = match d.channel {
            Channel::WebForm | Channel::Open311 => Channel::Email,
            c => c,
        };
        let channel = if needed(channel) == IdentityKind::Email && who.email.is_none() {
            d.channel
        } else {
            channel
        };
        let mut v = d.vars.clone();
        if channel == Channel::Phone {
            third_person(&mut v);
        }
        let prev_t = prev.map(|c| c.received_at.as_second()).unwrap_or(d.start);
        v.set("date_prev", self.clock.date_text(prev_t));
        v.set("days", ((t - d.start) / DAYS).max(1).to_string());
        let social = matches!(channel, Channel::Facebook | Channel::X);
        let body = match text {
            Some(b) => v.fill(&b),
            None if social && closing => pick(self.rng, text::SOCIAL_THANKS).to_string(),
            None if social => v.fill(pick_str(self.rng, text::SOCIAL_CHASERS)),
            None if channel == Channel::Phone && closing => v.fill("{full} called to say thank you – {done}."),
            None if channel == Channel::Phone => v.fill(pick_str(self.rng, text::PHONE_CHASERS)),
            None if closing => v.fill(pick_str(self.rng, &text::FOLLOW_UPS[1..2])),
            None if after_reply => v.fill(pick_str(self.rng, text::FOLLOW_UPS)),
            None => v.fill(pick_str(self.rng, text::CHASERS)),
        };
        let body = match channel {
            Channel::Email => {
                let sign = if who.first.is_empty() {
                    who.full.clone()
                } else {
                    who.first.clone()
                };
                format!("{body}\n\n{sign}")
            }
            Channel::ServiceDesk => format!("{body}\n\n{}", who.full),
            _ => body,
        };
        let subject = match channel {
            Channel::Email => Some(reply_subject(d)),
            _ => None,
        };
        let from = self.sender_for(who, channel);
        Contact {
            channel,
            direction: Direction::Inbound,
            from,
            subject,
            body,
            received_at: self.clock.ts(t),
            external_id: self.external_id(channel, &email_domain(who)),
        }
    }

    fn outbound(
        &mut self,
        d: &Draft,
        owner: Option<&User>,
        t: i64,
        first: Option<&Contact>,
        role: Reply,
        text: Option<String>,
    ) -> Contact {
        // Web-form replies go by email; Open311 updates go back to FixMyStreet.
        let channel = match d.channel {
            Channel::WebForm => Channel::Email,
            c => c,
        };
        let social = matches!(channel, Channel::Facebook | Channel::X);
        // Social media is answered by the contact centre; the rest by the case owner.
        let author = if social {
            let agents = self.owners.agents.clone();
            self.users[*pick(self.rng, &agents)].clone()
        } else {
            owner
                .cloned()
                .unwrap_or_else(|| self.users[self.owners.demo_agent].clone())
        };
        let mut v = d.vars.clone();
        if channel == Channel::Phone {
            third_person(&mut v);
        }
        v.set("initials", initials(&author.name));
        let need = NEEDS
            .iter()
            .find(|n| n.0 == d.service)
            .map(|n| n.1)
            .unwrap_or("a few more details");
        v.set("need", need);
        let prev_t = first.map(|c| c.received_at.as_second()).unwrap_or(d.start);
        v.set("date_prev", self.clock.date_text(prev_t));
        let text = text.map(|t| v.fill(&t));
        let core = match (role, text) {
            (Reply::First, Some(t)) | (Reply::Close, Some(t)) | (Reply::Update, Some(t)) => t,
            (Reply::Ask, Some(t)) => format!("{t}\n\nTo help us progress this, please could you send us {need}?"),
            (Reply::First, None) if social => v.fill(pick_str(self.rng, text::SOCIAL_REPLIES)),
            (Reply::Close, None) if social => v.fill(pick_str(self.rng, text::SOCIAL_CLOSINGS)),
            (_, None) if social => v.fill(pick_str(
                self.rng,
                &[
                    "Hi {first}, sorry for the wait – this is still with our {team} team. ^{initials}",
                    "Hi {first}, could you DM us {need} please? Then we can get this moving. ^{initials}",
                ],
            )),
            (Reply::First, None) if channel == Channel::Phone => v.fill(pick_str(self.rng, text::CALLBACKS)),
            (Reply::First, None) => v.fill(pick_str(self.rng, text::ACKS)),
            (Reply::Close, None) if channel == Channel::Phone => v.fill("Called {first} to confirm {done}. Case closed."),
            (Reply::Close, None) => v.fill(pick_str(self.rng, text::CLOSINGS)),
            (Reply::Ask, None) if channel == Channel::Phone => {
                v.fill("Called {first}: we need {need} before we can go further. Customer will send it in.")
            }
            (Reply::Ask, None) => v.fill("Thank you for your message about {summary}. To help us progress this, please could you send us {need}?"),
            (Reply::Update, None) if channel == Channel::Phone => v.fill(pick_str(self.rng, text::CALLBACKS)),
            (Reply::Update, None) => v.fill(
                "I am sorry for the delay. We are still working on {summary} and I will update you again within 5 working days.",
            ),
        };
        let core = if social && role == Reply::First && !core.contains('^') {
            // Topic replies are written as letters; on social media keep the first sentence.
            let first_sentence = core.split(". ").next().unwrap_or(&core).trim_end_matches('.');
            format!(
                "Hi {}, {}. ^{}",
                v.get("first").unwrap_or_default(),
                lower_first(first_sentence),
                initials(&author.name)
            )
        } else {
            core
        };
        let (from, subject, body) = match channel {
            Channel::Email => {
                let dear = v.get("dear").unwrap_or_default();
                let team = v.get("team").unwrap_or_default();
                let from = if d.kind == CaseKind::Complaint {
                    author.email.clone()
                } else {
                    org::service_mailbox(d.service)
                };
                let body = format!(
                    "Dear {dear},\n\n{core}\n\nKind regards,\n\n{}\n{team}\n{}\n{}",
                    author.name,
                    org::COUNCIL_NAME,
                    org::SWITCHBOARD
                );
                (from, Some(reply_subject(d)), body)
            }
            Channel::Open311 => (
                org::service_mailbox(d.service),
                Some(format!("Update: {}", d.subject.clone().unwrap_or_default())),
                core,
            ),
            Channel::ServiceDesk => {
                let first = v.get("first").unwrap_or_default();
                let me = author.name.split(' ').next().unwrap_or(&author.name).to_string();
                (
                    author.email.clone(),
                    None,
                    format!("Hi {first},\n\n{core}\n\nThanks,\n{me}\nICT Service Desk"),
                )
            }
            _ => (author.email.clone(), None, core),
        };
        let domain = org::COUNCIL_DOMAIN;
        Contact {
            channel,
            direction: Direction::Outbound,
            from,
            subject,
            body,
            received_at: self.clock.ts(t),
            external_id: self.external_id(channel, domain),
        }
    }
}

/// What an outbound contact is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reply {
    First,
    Update,
    Ask,
    Close,
}

/// Older relatives, with names of their generation, so "late father" is never "Jessica".
const RELATIONS: &[(&str, &[&str])] = &[
    (
        "mother",
        &[
            "Margaret", "Jean", "Doreen", "Sheila", "Maureen", "Brenda", "Pauline", "Joan", "Irene",
        ],
    ),
    (
        "father",
        &[
            "Keith", "Derek", "Trevor", "Colin", "Barry", "Graham", "Kenneth", "Raymond", "Dennis",
        ],
    ),
    (
        "husband",
        &["Stephen", "Paul", "Mark", "Andrew", "Peter", "David", "Gary"],
    ),
    (
        "wife",
        &["Susan", "Karen", "Julie", "Tracey", "Gillian", "Carol", "Linda"],
    ),
    (
        "grandmother",
        &["Edna", "Elsie", "Dorothy", "Winifred", "Mavis", "Gladys"],
    ),
    (
        "grandfather",
        &["Albert", "Harold", "Stanley", "Wilfred", "Cyril", "Ernest"],
    ),
];

/// Call notes are about the customer, not to them: "your order" becomes "their order".
fn third_person(v: &mut Vars) {
    for key in ["summary", "done"] {
        if let Some(s) = v.get(key) {
            let words: Vec<&str> = s
                .split(' ')
                .map(|w| match w {
                    "your" => "their",
                    "Your" => "Their",
                    "you" => "them",
                    "you." => "them.",
                    w => w,
                })
                .collect();
            v.set(key, words.join(" "));
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn reply_subject(d: &Draft) -> String {
    match (&d.subject, d.channel) {
        (Some(s), Channel::WebForm) => format!("RE: We've received your form: {s}"),
        (Some(s), _) => format!("RE: {s}"),
        (None, _) => format!("Your contact with {}", org::COUNCIL_NAME),
    }
}

fn email_domain(who: &Who) -> String {
    who.email
        .as_deref()
        .and_then(|e| e.split_once('@'))
        .map(|(_, d)| d.to_lowercase())
        .unwrap_or_else(|| "example.org".to_string())
}

/// Generates every case: background, complaints and planted patterns, sorted by first contact.
pub(crate) fn generate<R: Rng>(
    rng: &mut R,
    clock: &Clock,
    geo: &Geo,
    dir: &Directory,
    users: &[User],
    target: usize,
    progress: &mut dyn FnMut(usize),
) -> Vec<Case> {
    let mut g = Gen::new(rng, clock, geo, dir, users);
    let mut cases: Vec<(i64, Case)> = Vec::with_capacity(target + 64);

    let planted = planted(&mut g);
    for d in planted {
        let start = d.start;
        cases.push((start, g.finish(d)));
    }

    // A few formal complaints per service: never more than two a quarter.
    for &(service, _) in SERVICE_WEIGHTS {
        if service == "ict-service-desk" {
            continue;
        }
        let n = g.rng.random_range(3..=7);
        for i in 0..n {
            let quarter = i64::from(i % 4);
            // Libraries' last quarter belongs to the planted WiFi complaints.
            if service == "libraries" && quarter == 0 {
                continue;
            }
            let (lo, hi) = (quarter * 91 + 1, quarter * 91 + 90);
            let d = g.complaint(service, lo, hi);
            let start = d.start;
            cases.push((start, g.finish(d)));
        }
    }

    let background = target.saturating_sub(cases.len());
    for i in 0..background {
        let d = g.background();
        let start = d.start;
        cases.push((start, g.finish(d)));
        if i % 250 == 0 {
            progress(cases.len());
        }
    }
    cases.sort_by_key(|c| c.0);
    progress(cases.len());
    cases.into_iter().map(|c| c.1).collect()
}

/// The patterns the trends feature must find, and the problem records around them.
fn planted<R: Rng>(g: &mut Gen<'_, R>) -> Vec<Draft> {
    let mut out = Vec::new();
    wifi(g, &mut out);
    revspro(g, &mut out);
    potholes(g, &mut out);
    vpn_problem(g, &mut out);
    out
}

fn user(g: &Gen<'_, impl Rng>, email: &str) -> usize {
    g.users
        .iter()
        .position(|u| u.email == email)
        .expect("fixed demo users are present")
}

/// Distinct residents who can write on `channel`.
fn fresh_resident<R: Rng>(g: &mut Gen<'_, R>, channel: Channel, taken: &mut Vec<usize>) -> usize {
    let pool = g.pool(Writer::Resident, needed(channel)).to_vec();
    if taken.len() >= pool.len() {
        return *pick(g.rng, &pool);
    }
    loop {
        let c = *pick(g.rng, &pool);
        if !taken.contains(&c) {
            taken.push(c);
            return c;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn planted_draft<R: Rng>(
    g: &mut Gen<'_, R>,
    customer: usize,
    service: &'static str,
    kind: CaseKind,
    channel: Channel,
    start: i64,
    status: CaseStatus,
    owner: Option<usize>,
    site: Option<&'static str>,
    subject: &str,
    core: &str,
    form: &str,
) -> Draft {
    let mut v = g.vars(customer, service, start);
    if let Some(s) = site {
        v.set("site", org::site_name(s));
        v.set("site_name", org::site_name(s));
    }
    let (subject, body) = g.dress(channel, subject, core, form, &v);
    Draft {
        customer,
        service,
        kind,
        priority: Priority::Normal,
        site,
        channel,
        start,
        status,
        owner,
        subject,
        body,
        outs: Vec::new(),
        ins: Vec::new(),
        shape: None,
        slow: false,
        vars: v,
    }
}

/// Pattern 1: Castle Street Library's public WiFi. Two resident complaints and six staff
/// incidents in the last quarter; one older incident sets the usual (low) rate.
fn wifi<R: Rng>(g: &mut Gen<'_, R>, out: &mut Vec<Draft>) {
    use Direction::{Inbound as In, Outbound as Out};
    let staff: Vec<usize> = g
        .dir
        .department("libraries")
        .group
        .staff
        .iter()
        .copied()
        .filter(|&c| g.dir.who[c].site == Some(WIFI_SITE))
        .collect();
    let jack = user(g, "jack.turner@demo.heard");
    let ravi = user(g, "ravi.patel@demo.heard");
    let incidents: &[(i64, &str, &str, CaseStatus)] = &[
        (
            205,
            "Public WiFi not working – Castle Street Library",
            "Customers can't connect to the public WiFi (DemoshireFreeWiFi) at Castle Street Library this morning. The staff network is fine.",
            CaseStatus::Closed,
        ),
        (
            83,
            "Castle Street Library – public WiFi down",
            "The public WiFi at Castle Street Library is down again. Customers are being told to come back later. Several people waiting to do Universal Credit journals.",
            CaseStatus::Closed,
        ),
        (
            66,
            "Public WiFi dropping out every few minutes – Castle Street",
            "Customers on the public WiFi at Castle Street Library keep getting disconnected every 5–10 minutes. It's been like this since Monday.",
            CaseStatus::Closed,
        ),
        (
            49,
            "WiFi login page not loading, Castle Street Library",
            "The public WiFi at Castle Street Library connects but the sign-in page never loads, so customers can't get online.",
            CaseStatus::Resolved,
        ),
        (
            34,
            "Castle Street Library public WiFi – access point red light",
            "The WiFi access point above the children's area at Castle Street Library has a red light and customers in that half of the building have no WiFi.",
            CaseStatus::Resolved,
        ),
        (
            17,
            "Public WiFi very slow again – Castle Street Library",
            "Public WiFi at Castle Street Library is so slow it's unusable – pages time out. Third time I've reported WiFi problems here.",
            CaseStatus::InProgress,
        ),
        (
            6,
            "Castle Street Library WiFi down AGAIN",
            "No public WiFi at Castle Street Library since we opened. Customers are complaining to us at the desk. Is there a bigger problem here?",
            CaseStatus::Open,
        ),
    ];
    for (i, &(days, subject, body, status)) in incidents.iter().enumerate() {
        let d = g.clock.weekday_near(days);
        let start = g.clock.pick(g.rng, Rhythm::Desk, d, d);
        let caller = staff[i % staff.len()];
        let owner = if i % 2 == 0 { jack } else { ravi };
        let mut draft = planted_draft(
            g,
            caller,
            "ict-service-desk",
            CaseKind::Incident,
            Channel::ServiceDesk,
            start,
            status,
            Some(owner),
            Some(WIFI_SITE),
            subject,
            body,
            "Network problem",
        );
        draft.priority = if i >= 5 { Priority::High } else { Priority::Normal };
        draft.outs = vec![
            "I've restarted the public WiFi access points at Castle Street Library remotely. Please ask customers to reconnect and let me know if it drops again.".into(),
            "The public WiFi at Castle Street Library is working again. The network supplier has reset the controller; we're monitoring it.".into(),
        ];
        draft.shape = Some(match status {
            CaseStatus::Open => vec![In],
            CaseStatus::InProgress => vec![In, Out, In],
            _ => vec![In, Out, Out],
        });
        if status == CaseStatus::InProgress {
            draft.ins = vec!["Restarting it helped for about an hour and then it went again.".into()];
        }
        out.push(draft);
    }

    let helen = user(g, "helen.brooks@demo.heard");
    let harriet = g.owners.relations;
    let complaints: &[(i64, Channel, &str, &str, CaseStatus)] = &[
        (
            58,
            Channel::Email,
            "Formal complaint – public WiFi at Castle Street Library",
            "I would like to make a formal complaint about the public WiFi at Castle Street Library. I have been in three times in the last fortnight to do job applications and each time the WiFi either would not connect or dropped out after a few minutes. The staff were helpful but said it had been reported to ICT \"several times\". I do not have broadband at home and rely on the library. I would like to know what is being done to fix it.",
            CaseStatus::Resolved,
        ),
        (
            12,
            Channel::WebForm,
            "Complaint: WiFi at Castle Street Library",
            "I'm complaining about the WiFi at Castle Street Library, which has been unusable for weeks. My son could not submit his college coursework on {day} because the WiFi kept cutting out, and there is nowhere else nearby he can work. The library staff say it is an ICT problem and nothing they can do. This isn't good enough for a public service.",
            CaseStatus::Stage1,
        ),
    ];
    let mut taken = Vec::new();
    for &(days, channel, subject, body, status) in complaints {
        let customer = fresh_resident(g, channel, &mut taken);
        let start = g.clock.pick(g.rng, Rhythm::Anytime, days, days);
        let mut draft = planted_draft(
            g,
            customer,
            "libraries",
            CaseKind::Complaint,
            channel,
            start,
            status,
            Some(harriet),
            Some(WIFI_SITE),
            subject,
            body,
            "Make a complaint",
        );
        draft
            .vars
            .set("summary", "your complaint about the WiFi at Castle Street Library");
        draft.outs = vec![
            "Thank you for your email. I am sorry about your experience at Castle Street Library. Your complaint has been logged at stage 1 of our complaints procedure and you will receive a full response within 10 working days.".into(),
            "I have now investigated your complaint. I have upheld it: the public WiFi at Castle Street Library has not been reliable and we should have told customers what was happening. Our ICT team have replaced the faulty equipment, and library staff can now book you a public computer if the WiFi is down. I am sorry for the inconvenience.".into(),
        ];
        draft.shape = Some(if status == CaseStatus::Stage1 {
            vec![In, Out]
        } else {
            vec![In, Out, Out]
        });
        draft.owner = Some(if status == CaseStatus::Stage1 { harriet } else { helen });
        draft.slow = true;
        out.push(draft);
    }
}

/// Pattern 2: the RevsPro 4.2 update, about three weeks ago: a burst of service desk calls
/// over two working days, and the problem record that links them.
fn revspro<R: Rng>(g: &mut Gen<'_, R>, out: &mut Vec<Draft>) {
    use Direction::{Inbound as In, Outbound as Out};
    // The update goes live on a Monday to Thursday, so the burst spans two calendar days.
    let mut day1 = 21;
    while g.clock.weekday(g.clock.day(day1) + 12 * HOURS) >= 4 {
        day1 += 1;
    }
    let day2 = day1 - 1;
    let callers = g.revs_staff();
    let calls: &[&str] = &[
        "RevsPro freezing since this morning's 4.2 update|RevsPro keeps freezing since the 4.2 update went in this morning. I have to end task and log back in every few accounts.",
        "Can't print bills from RevsPro after update|Since the RevsPro update I can't print council tax bills – the print preview is blank and nothing comes out.",
        "RevsPro 4.2 – error opening accounts|After the RevsPro upgrade I get 'Error 0x80040154: class not registered' when I open any account.",
        "RevsPro very slow after upgrade|RevsPro is taking about two minutes to open an account since the update. The contact centre queue is building up.",
        "Direct debit screen blank in RevsPro|The direct debit screen in RevsPro is completely blank since the 4.2 update, so we can't set up any mandates.",
        "RevsPro crashed mid-payment|RevsPro crashed while I was allocating a payment after the update. Not sure whether the payment saved.",
        "RevsPro – recovery batch failed overnight|The overnight recovery batch in RevsPro failed after the 4.2 update. Reminder notices have not been produced.",
        "RevsPro logs me out every 10 minutes|Since the RevsPro update I'm being logged out every 10 minutes and losing my work.",
        "Still can't print from RevsPro|Printing from RevsPro still not working after the update – we have letters to get out today.",
        "RevsPro search not returning results|Searching by address in RevsPro returns nothing since the 4.2 update. Searching by account number still works.",
        "RevsPro freezing – whole team affected|Everyone in the benefits team has RevsPro freezing since the update. We can't process any claims.",
        "RevsPro 4.2 – can't open documents|Documents attached to accounts won't open in RevsPro since the update – 'viewer not found'.",
        "RevsPro error after update|RevsPro shows a red error banner on every screen after the update and then freezes.",
        "RevsPro hanging on save|RevsPro hangs when saving a change of address since the 4.2 upgrade.",
    ];
    let jack = user(g, "jack.turner@demo.heard");
    let ravi = user(g, "ravi.patel@demo.heard");
    let zoe = g.owners.ict_lead;
    let mut taken = Vec::new();
    for (i, call) in calls.iter().enumerate() {
        let (subject, body) = call.split_once('|').expect("planted calls are subject|body");
        let day = if i < 9 { day1 } else { day2 };
        let base = g.clock.day(day);
        let local_start = base + 8 * HOURS + 40 * 60 + (i as i64 % 9) * 52 * 60 + g.rng.random_range(0..20) * 60;
        let start = local_start.min(g.clock.now - HOURS);
        let mut caller = *pick(g.rng, &callers);
        while taken.contains(&caller) && taken.len() < callers.len() {
            caller = *pick(g.rng, &callers);
        }
        taken.push(caller);
        let owner = if i % 2 == 0 { jack } else { ravi };
        let status = if i % 4 == 3 {
            CaseStatus::Resolved
        } else {
            CaseStatus::Closed
        };
        let site = g.dir.who[caller].site;
        let mut draft = planted_draft(
            g,
            caller,
            "ict-service-desk",
            CaseKind::Incident,
            Channel::ServiceDesk,
            start,
            status,
            Some(owner),
            site,
            subject,
            body,
            "Application fault",
        );
        draft.priority = Priority::High;
        draft.outs = vec![
            "Thanks – this is a known issue with the RevsPro 4.2 update and I've linked your call to the problem record. Workaround: clear the RevsPro cache (Start > RevsPro Tools > Clear cache) and log back in.".into(),
            "RevsPro patch 4.2.1 has now been applied and the supplier has confirmed the fix. Please let us know if you still have problems.".into(),
        ];
        draft.shape = Some(vec![In, Out, Out]);
        draft.slow = true;
        out.push(draft);
    }
    // The problem record, opened on the second day by the service desk lead.
    let head = g.dir.department("revenues").group.staff[0];
    let base = g.clock.day(day2);
    let start = (base + 11 * HOURS + 5 * 60).min(g.clock.now - HOURS);
    let mut draft = planted_draft(
        g,
        head,
        "ict-service-desk",
        CaseKind::Problem,
        Channel::ServiceDesk,
        start,
        CaseStatus::KnownError,
        Some(zoe),
        Some("county-hall-2"),
        "Problem: RevsPro 4.2 update – freezing, printing and search failures",
        "Raising this formally on behalf of Revenues and Benefits. Since the RevsPro 4.2 update went live yesterday morning most of my team have had RevsPro freezing, bills not printing and address search failing. Collection and benefit processing have largely stopped. Please treat as a priority.",
        "Problem record",
    );
    draft.priority = Priority::Urgent;
    draft.outs = vec![
        "Problem record opened and all related incidents linked. RevsPro Software Ltd have reproduced the fault (a component missing from the 4.2 client install). Workaround issued: clear the RevsPro cache and log in again.".into(),
        "Update: the supplier has released patch 4.2.1. We will deploy it tonight after testing; the workaround remains in place until then. Root cause and the change process will be reviewed.".into(),
    ];
    draft.shape = Some(vec![In, Out, Out]);
    out.push(draft);
}

/// Pattern 3: the recurring pothole on Wharf Road: three reports about five months ago
/// (repaired), then seven from different residents over the last five weeks.
fn potholes<R: Rng>(g: &mut Gen<'_, R>, out: &mut Vec<Draft>) {
    use Direction::{Inbound as In, Outbound as Out};
    let liam = user(g, "liam.doyle@demo.heard");
    let wharf = &g.geo.streets[g.wharf];
    let (lat, lon, town) = (wharf.lat, wharf.lon, wharf.town);
    let reports: &[(i64, Channel, &str, CaseStatus)] = &[
        (
            163,
            Channel::Facebook,
            "Massive pothole on Wharf Road by the old bonded warehouse. Nearly took my front wheel off 📷",
            CaseStatus::Closed,
        ),
        (
            158,
            Channel::Open311,
            "Large pothole in the carriageway on Wharf Road near number 40, about 40cm across.",
            CaseStatus::Closed,
        ),
        (
            151,
            Channel::Phone,
            "{full} reports deep pothole on Wharf Road outside no. 42, near the bus stop. Logged for inspection.",
            CaseStatus::Closed,
        ),
        (
            33,
            Channel::Facebook,
            "The pothole on Wharf Road is back – the one you patched in {patched}. Same spot by the bus stop 📷",
            CaseStatus::InProgress,
        ),
        (
            26,
            Channel::Open311,
            "Pothole reappeared on Wharf Road near number 40. Previous repair has broken up and there's loose stone everywhere.",
            CaseStatus::AwaitingThirdParty,
        ),
        (
            19,
            Channel::Facebook,
            "@DemoshireBC Wharf Road pothole is worse than ever. Cyclists swerving into traffic to avoid it 📷",
            CaseStatus::AwaitingThirdParty,
        ),
        (
            12,
            Channel::X,
            "Wharf Road pothole outside the old warehouse has been 'fixed' twice now and it's back again. Proper resurfacing needed, not another patch",
            CaseStatus::InProgress,
        ),
        (
            8,
            Channel::Open311,
            "Deep pothole on Wharf Road, Demminster. Water-filled so you can't see how deep it is. Close to the bus stop.",
            CaseStatus::Open,
        ),
        (
            4,
            Channel::Facebook,
            "Burst my tyre on the Wharf Road pothole this morning. How many times does it need reporting?? 📷",
            CaseStatus::Open,
        ),
        (
            1,
            Channel::WebForm,
            "There is a large pothole on Wharf Road, Demminster, outside number 42. It has been repaired before but has opened up again and is now about 50cm wide.",
            CaseStatus::New,
        ),
    ];
    let patched = g.clock.month_text(g.clock.day(145));
    let mut taken = Vec::new();
    for &(days, channel, body, status) in reports {
        let customer = match channel {
            Channel::Phone => {
                let pool = g.pool(Writer::Resident, IdentityKind::Phone).to_vec();
                *pick(g.rng, &pool)
            }
            c => fresh_resident(g, c, &mut taken),
        };
        let (rhythm, days) = match channel {
            Channel::Phone => (Rhythm::Office, g.clock.weekday_near(days)),
            _ => (Rhythm::Anytime, days),
        };
        let start = g.clock.pick(g.rng, rhythm, days, days);
        let owner = (status != CaseStatus::New).then_some(liam);
        let core = body.replace("{patched}", patched);
        let mut draft = planted_draft(
            g,
            customer,
            "highways",
            CaseKind::Request,
            channel,
            start,
            status,
            owner,
            Some("wharf-road"),
            "Pothole on Wharf Road",
            &core,
            "Pothole",
        );
        // Every report is located on Wharf Road itself, whatever the template picked.
        draft.vars.set("street2", POTHOLE_STREET);
        draft.vars.set("town2", town);
        draft.vars.set("n", if days % 2 == 0 { "40" } else { "42" });
        draft
            .vars
            .set("lat", format!("{:.5}", lat + g.rng.random_range(-0.0002..0.0002)));
        draft
            .vars
            .set("lon", format!("{:.5}", lon + g.rng.random_range(-0.0002..0.0002)));
        draft.vars.set("summary", "the pothole on Wharf Road");
        draft.vars.set("done", "the pothole on Wharf Road has been repaired");
        let (subject, body) = g.dress(channel, "Pothole on Wharf Road", &core, "Pothole", &draft.vars);
        draft.subject = subject;
        draft.body = body;
        draft.priority = if days < 20 { Priority::High } else { Priority::Normal };
        draft.slow = true;
        draft.outs = match status {
            _ if channel == Channel::Phone => vec![
                "Called {first} back: the Wharf Road pothole has been inspected and a repair is booked.".into(),
                "Called {first} to confirm the pothole on Wharf Road has been patched.".into(),
            ],
            CaseStatus::Closed => vec![
                "Thank you for reporting the pothole on Wharf Road. An inspector will visit within 5 working days.".into(),
                "The pothole on Wharf Road has been repaired (temporary patch). Thank you for reporting it.".into(),
            ],
            CaseStatus::AwaitingThirdParty => vec![
                "Thank you. This pothole on Wharf Road has been reported before; it has been raised with our contractor, Kestrel Surfacing, for a permanent repair.".into(),
            ],
            _ => vec!["Thank you for reporting the pothole on Wharf Road. An inspector will visit within 5 working days.".into()],
        };
        draft.shape = Some(match status {
            CaseStatus::Closed => vec![In, Out, Out],
            CaseStatus::New | CaseStatus::Open => vec![In],
            CaseStatus::AwaitingThirdParty => vec![In, Out],
            _ => vec![In, Out, In],
        });
        draft.ins = vec!["Any update? It's still there and getting bigger.".into()];
        out.push(draft);
    }
}

/// A second, older problem (VPN drop-outs for home workers) with its incidents, resolved,
/// so the problem list is not a list of one.
fn vpn_problem<R: Rng>(g: &mut Gen<'_, R>, out: &mut Vec<Draft>) {
    use Direction::{Inbound as In, Outbound as Out};
    let ravi = user(g, "ravi.patel@demo.heard");
    let zoe = g.owners.ict_lead;
    let staff = g.pool(Writer::Staff, IdentityKind::Email).to_vec();
    for (i, days) in [142i64, 141, 141, 140, 138].into_iter().enumerate() {
        let d = g.clock.weekday_near(days);
        let start = g.clock.pick(g.rng, Rhythm::Desk, d, d);
        let caller = *pick(g.rng, &staff);
        let site = g.dir.who[caller].site;
        let mut draft = planted_draft(
            g,
            caller,
            "ict-service-desk",
            CaseKind::Incident,
            Channel::ServiceDesk,
            start,
            CaseStatus::Closed,
            Some(ravi),
            site,
            "VPN keeps disconnecting",
            "Working from home today and the VPN drops every 15–20 minutes. I lose whatever I'm working on in Citrix.",
            "Remote access problem",
        );
        draft.outs = vec![
            "Thanks – we're seeing this for several home workers and have linked your call to a problem record.".into(),
            "The VPN firewall firmware has been updated overnight, which has fixed the drop-outs.".into(),
        ];
        draft.shape = Some(if i == 0 {
            vec![In, Out, Out]
        } else {
            vec![In, Out, In, Out]
        });
        draft.ins = vec!["Thanks. Still dropping this morning though.".into()];
        out.push(draft);
    }
    let d = g.clock.weekday_near(140);
    let start = g.clock.pick(g.rng, Rhythm::Desk, d, d);
    let caller = *pick(g.rng, &staff);
    let mut draft = planted_draft(
        g,
        caller,
        "ict-service-desk",
        CaseKind::Problem,
        Channel::ServiceDesk,
        start,
        CaseStatus::Resolved,
        Some(zoe),
        None,
        "Problem: intermittent VPN disconnections for home workers",
        "Several calls this week about the VPN dropping every 15–20 minutes for home workers. Raising a problem record to find the cause.",
        "Problem record",
    );
    draft.outs = vec![
        "Root cause found: a firewall firmware bug dropping idle sessions. Supplier fix scheduled for this weekend.".into(),
        "Firmware updated; no further drop-outs reported for a week. Closing the problem. Learning: firmware updates now go through change control with a test group of home workers.".into(),
    ];
    draft.shape = Some(vec![In, Out, Out]);
    draft.slow = true;
    out.push(draft);
}
