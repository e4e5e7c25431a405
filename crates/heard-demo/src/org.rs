//! The council itself: its services, teams, sites and staff logins.

use crate::geo::Geo;
use crate::{Service, Site, Team, User};
use heard_core::Role;

/// The demo council's name: fictional, so screenshots never name a real authority.
pub(crate) const COUNCIL_NAME: &str = "Demoshire Borough Council";

/// The domain of every council mailbox and staff login.
pub(crate) const COUNCIL_DOMAIN: &str = "demo.heard";

/// The switchboard number quoted in replies; kept out of the customers' phone pool.
pub(crate) const SWITCHBOARD: &str = "01632 960000";

/// (team slug, team name).
const TEAMS: &[(&str, &str)] = &[
    ("contact-centre", "Contact Centre"),
    ("customer-relations", "Customer Relations"),
    ("revs-and-bens", "Revs and Bens"),
    ("registration", "Registration Service"),
    ("highways", "Highways and Street Lighting"),
    ("waste", "Waste and Recycling"),
    ("libraries", "Libraries"),
    ("housing", "Housing Options"),
    ("planning", "Planning and Building Control"),
    ("parking", "Parking Services"),
    ("environmental-health", "Environmental Health"),
    ("ict", "ICT Service Desk"),
];

/// (slug, name, team, mailbox local part, keywords).
const SERVICES: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "revenues-and-benefits",
        "Revenues and Benefits",
        "revs-and-bens",
        "revsbens",
        &[
            "council tax",
            "housing benefit",
            "benefit",
            "council tax reduction",
            "single person discount",
            "discount",
            "exemption",
            "direct debit",
            "arrears",
            "reminder notice",
            "summons",
            "business rates",
            "overpayment",
            "change of tenancy",
            "account number",
            "instalments",
            "universal credit",
            "liability",
            "refund",
            "bill",
            "empty property",
            "moving out",
            "moved in",
        ],
    ),
    (
        "registrar",
        "Registrar",
        "registration",
        "registrar",
        &[
            "birth certificate",
            "death certificate",
            "marriage certificate",
            "certificate",
            "register a birth",
            "register a death",
            "registrar",
            "register office",
            "ceremony",
            "civil partnership",
            "notice of marriage",
            "citizenship",
            "wedding",
            "copy certificate",
            "registration",
        ],
    ),
    (
        "highways",
        "Highways",
        "highways",
        "highways",
        &[
            "pothole",
            "potholes",
            "pavement",
            "road",
            "kerb",
            "drain",
            "gully",
            "flooding",
            "footpath",
            "verge",
            "hedge",
            "resurfacing",
            "roadworks",
            "gritting",
            "grit",
            "road sign",
            "bollard",
            "dropped kerb",
            "trip hazard",
            "manhole",
            "tarmac",
        ],
    ),
    (
        "street-lighting",
        "Street Lighting",
        "highways",
        "streetlighting",
        &[
            "street light",
            "streetlight",
            "street lights",
            "lamp post",
            "lamppost",
            "street lamp",
            "light out",
            "lighting",
            "column",
            "flickering",
            "lights on during the day",
        ],
    ),
    (
        "waste",
        "Waste and Recycling",
        "waste",
        "waste",
        &[
            "bin",
            "bins",
            "recycling",
            "collection",
            "missed",
            "fly tipping",
            "fly-tipping",
            "garden waste",
            "bulky",
            "rubbish",
            "refuse",
            "tip",
            "household recycling centre",
            "food waste",
            "wheelie bin",
            "litter",
            "bin day",
        ],
    ),
    (
        "libraries",
        "Libraries",
        "libraries",
        "libraries",
        &[
            "library",
            "libraries",
            "book",
            "books",
            "renew",
            "library card",
            "loan",
            "overdue",
            "reading",
            "rhymetime",
            "ebook",
            "audiobook",
            "reservation",
            "public computer",
            "study room",
        ],
    ),
    (
        "housing",
        "Housing",
        "housing",
        "housing",
        &[
            "housing",
            "homeless",
            "homelessness",
            "housing register",
            "rent",
            "eviction",
            "temporary accommodation",
            "damp",
            "mould",
            "disrepair",
            "bidding",
            "housing association",
            "section 21",
            "notice to quit",
            "nomination",
            "sofa surfing",
        ],
    ),
    (
        "planning",
        "Planning",
        "planning",
        "planning",
        &[
            "planning",
            "planning application",
            "planning permission",
            "extension",
            "objection",
            "building control",
            "listed building",
            "tree preservation order",
            "tpo",
            "pre-application",
            "enforcement",
            "conservation area",
            "permitted development",
            "validation",
        ],
    ),
    (
        "parking",
        "Parking",
        "parking",
        "parking",
        &[
            "parking",
            "pcn",
            "penalty charge",
            "parking ticket",
            "permit",
            "resident permit",
            "visitor permit",
            "car park",
            "pay and display",
            "parking fine",
            "yellow lines",
            "pay machine",
            "appeal",
        ],
    ),
    (
        "environmental-health",
        "Environmental Health",
        "environmental-health",
        "envhealth",
        &[
            "noise",
            "neighbour",
            "food hygiene",
            "restaurant",
            "takeaway",
            "pest",
            "pest control",
            "rats",
            "mice",
            "wasps",
            "bonfire",
            "smoke",
            "odour",
            "pollution",
            "dog fouling",
            "air quality",
        ],
    ),
    (
        "customer-services",
        "Customer Services",
        "contact-centre",
        "customerservices",
        &[
            "compliment",
            "feedback",
            "opening hours",
            "general enquiry",
            "receipt",
            "customer service",
            "switchboard",
            "which department",
            "contact details",
            "update my details",
            "who do i contact",
        ],
    ),
    (
        "ict-service-desk",
        "ICT Service Desk",
        "ict",
        "servicedesk",
        &[
            "password",
            "laptop",
            "login",
            "log in",
            "account locked",
            "printer",
            "vpn",
            "teams",
            "outlook",
            "mailbox",
            "wifi",
            "wi-fi",
            "network",
            "software",
            "install",
            "monitor",
            "headset",
            "revspro",
            "new starter",
            "citrix",
            "sharepoint",
            "error message",
            "ict",
        ],
    ),
];

/// The service mailbox replies are sent from, e.g. `revsbens@demo.heard`.
pub fn service_mailbox(service: &str) -> String {
    let local = SERVICES
        .iter()
        .find(|s| s.0 == service)
        .map(|s| s.3)
        .unwrap_or("customerservices");
    format!("{local}@{COUNCIL_DOMAIN}")
}

/// A service's display name, for text.
pub(crate) fn service_name(service: &str) -> &'static str {
    SERVICES
        .iter()
        .find(|s| s.0 == service)
        .map(|s| s.1)
        .unwrap_or("Customer Services")
}

/// The team name that works a service, for sign-offs.
pub(crate) fn team_name(service: &str) -> &'static str {
    let team = SERVICES
        .iter()
        .find(|s| s.0 == service)
        .map(|s| s.2)
        .unwrap_or("contact-centre");
    TEAMS
        .iter()
        .find(|t| t.0 == team)
        .map(|t| t.1)
        .unwrap_or("Contact Centre")
}

pub(crate) fn teams() -> Vec<Team> {
    TEAMS
        .iter()
        .map(|&(slug, name)| Team {
            slug: slug.into(),
            name: name.into(),
        })
        .collect()
}

pub(crate) fn services() -> Vec<Service> {
    SERVICES
        .iter()
        .map(|&(slug, name, team, _, keywords)| Service {
            slug: slug.into(),
            name: name.into(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            team: team.into(),
        })
        .collect()
}

/// (slug, name, kind, street, house number). Street `None`: a location without a postal address.
const SITES: &[(&str, &str, &str, Option<&str>, u32)] = &[
    (
        "castle-street-library",
        "Castle Street Library",
        "library",
        Some("Castle Street"),
        1,
    ),
    (
        "brackenfold-library",
        "Brackenfold Library",
        "library",
        Some("Brackenfold Road"),
        22,
    ),
    (
        "kelham-bridge-library",
        "Kelham Bridge Library",
        "library",
        Some("Kelham Road"),
        5,
    ),
    (
        "ashby-marsh-library",
        "Ashby Marsh Library",
        "library",
        Some("Ashby Lane"),
        14,
    ),
    (
        "wyndleigh-library",
        "Wyndleigh Community Library",
        "library",
        Some("Wyndleigh Road"),
        31,
    ),
    ("mobile-library", "Mobile Library", "library", None, 0),
    (
        "county-hall-ground",
        "County Hall, ground floor",
        "office",
        Some("Market Place"),
        1,
    ),
    (
        "county-hall-1",
        "County Hall, 1st floor",
        "office",
        Some("Market Place"),
        1,
    ),
    (
        "county-hall-2",
        "County Hall, 2nd floor",
        "office",
        Some("Market Place"),
        1,
    ),
    (
        "county-hall-3",
        "County Hall, 3rd floor",
        "office",
        Some("Market Place"),
        1,
    ),
    (
        "register-office",
        "Demminster Register Office",
        "office",
        Some("Priory Close"),
        3,
    ),
    (
        "tanyard-lane-depot",
        "Tanyard Lane Depot",
        "depot",
        Some("Tanyard Lane"),
        40,
    ),
    (
        "millbrook-highways-depot",
        "Millbrook Highways Depot",
        "depot",
        Some("Quarry Lane"),
        2,
    ),
    (
        "riverside-leisure-centre",
        "Riverside Leisure Centre",
        "leisure_centre",
        Some("Riverside Drive"),
        10,
    ),
    (
        "brackenfold-pool",
        "Brackenfold Pool and Gym",
        "leisure_centre",
        Some("Fairfield Road"),
        66,
    ),
    (
        "foundry-road-hrc",
        "Foundry Road Household Recycling Centre",
        "recycling_centre",
        Some("Foundry Road"),
        90,
    ),
    (
        "kelham-bridge-hrc",
        "Kelham Bridge Household Recycling Centre",
        "recycling_centre",
        Some("Limekiln Road"),
        4,
    ),
    (
        "market-street-car-park",
        "Market Street multi-storey car park",
        "car_park",
        Some("Market Street"),
        20,
    ),
    (
        "station-road-car-park",
        "Station Road car park",
        "car_park",
        Some("Station Road"),
        2,
    ),
    ("victoria-park", "Victoria Park", "park", None, 0),
    ("abbey-fields", "Abbey Fields", "park", None, 0),
    (
        "hollins-lane-cemetery",
        "Hollins Lane Cemetery",
        "cemetery",
        Some("Hollins Lane"),
        100,
    ),
    (
        "st-annes-primary",
        "St Anne's Primary School",
        "school",
        Some("St Anne's Road"),
        8,
    ),
    ("wharf-road", "Wharf Road", "street", None, 0),
    ("station-road", "Station Road", "street", None, 0),
    ("mill-lane", "Mill Lane", "street", None, 0),
];

pub(crate) fn sites(geo: &Geo) -> Vec<Site> {
    SITES
        .iter()
        .map(|&(slug, name, kind, street, house)| Site {
            slug: slug.into(),
            name: name.into(),
            kind: kind.into(),
            address: street.map(|s| geo.street(s).building(name, house)),
        })
        .collect()
}

/// The name of a site by slug, for text.
pub(crate) fn site_name(slug: &str) -> &'static str {
    SITES
        .iter()
        .find(|s| s.0 == slug)
        .map(|s| s.1)
        .expect("site slugs in the generator are from SITES")
}

/// Slugs of sites of one kind.
pub(crate) fn sites_of(kind: &str) -> Vec<&'static str> {
    SITES.iter().filter(|s| s.2 == kind).map(|s| s.0).collect()
}

/// (email local part, name, role, team, services).
type UserRow = (
    &'static str,
    &'static str,
    Role,
    Option<&'static str>,
    &'static [&'static str],
);

const USERS: &[UserRow] = &[
    ("agent", "Sam Carter", Role::Agent, Some("contact-centre"), &[]),
    ("manager", "Jo Fletcher", Role::TeamManager, Some("contact-centre"), &[]),
    ("admin", "Chris Ellis", Role::Admin, Some("ict"), &[]),
    ("priya.shah", "Priya Shah", Role::Agent, Some("contact-centre"), &[]),
    ("tom.okafor", "Tom Okafor", Role::Agent, Some("contact-centre"), &[]),
    ("sian.evans", "Siân Evans", Role::Agent, Some("contact-centre"), &[]),
    ("marek.nowak", "Marek Nowak", Role::Agent, Some("contact-centre"), &[]),
    (
        "harriet.cole",
        "Harriet Cole",
        Role::TeamManager,
        Some("customer-relations"),
        &[],
    ),
    (
        "gareth.hughes",
        "Gareth Hughes",
        Role::BackOffice,
        Some("revs-and-bens"),
        &["revenues-and-benefits"],
    ),
    (
        "nadia.rahman",
        "Nadia Rahman",
        Role::BackOffice,
        Some("revs-and-bens"),
        &["revenues-and-benefits"],
    ),
    (
        "ewan.mcleod",
        "Ewan McLeod",
        Role::BackOffice,
        Some("registration"),
        &["registrar"],
    ),
    (
        "liam.doyle",
        "Liam Doyle",
        Role::BackOffice,
        Some("highways"),
        &["highways", "street-lighting"],
    ),
    (
        "chloe.wright",
        "Chloe Wright",
        Role::BackOffice,
        Some("waste"),
        &["waste"],
    ),
    (
        "helen.brooks",
        "Helen Brooks",
        Role::BackOffice,
        Some("libraries"),
        &["libraries"],
    ),
    (
        "fatima.begum",
        "Fatima Begum",
        Role::BackOffice,
        Some("housing"),
        &["housing"],
    ),
    (
        "david.price",
        "David Price",
        Role::BackOffice,
        Some("planning"),
        &["planning"],
    ),
    (
        "amira.haddad",
        "Amira Haddad",
        Role::BackOffice,
        Some("environmental-health"),
        &["environmental-health", "parking"],
    ),
    (
        "jack.turner",
        "Jack Turner",
        Role::BackOffice,
        Some("ict"),
        &["ict-service-desk"],
    ),
    (
        "ravi.patel",
        "Ravi Patel",
        Role::BackOffice,
        Some("ict"),
        &["ict-service-desk"],
    ),
    ("zoe.campbell", "Zoe Campbell", Role::TeamManager, Some("ict"), &[]),
    ("margaret.lowe", "Margaret Lowe", Role::Auditor, None, &[]),
];

pub(crate) fn users() -> Vec<User> {
    USERS
        .iter()
        .map(|&(local, name, role, team, services)| User {
            email: format!("{local}@{COUNCIL_DOMAIN}"),
            name: name.into(),
            role,
            team: team.map(str::to_string),
            services: services.iter().map(|s| s.to_string()).collect(),
        })
        .collect()
}
