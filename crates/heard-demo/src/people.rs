//! Customers: residents, landlords and letting agents, housing associations, suppliers,
//! other councils and national bodies, and the council's own departments.
//!
//! Every identity is built through heard-core's constructors and checked for uniqueness,
//! so the demo never hands the loader two customers who are "the same person".

use crate::Customer;
use crate::geo::{Geo, external};
use heard_core::customer::{Address, CustomerKind, MemberRole, OrganisationKind};
use heard_core::{Identity, IdentityKind};
use rand::Rng;
use rand::seq::SliceRandom;
use std::collections::HashSet;

#[rustfmt::skip]
const FIRST: &[&str] = &[
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Noah", "Ivy", "Leo",
    "Grace", "Arthur", "Freya", "Muhammad", "Lily", "Oscar", "Florence", "Charlie", "Evie",
    "Thomas", "Sophie", "James", "Emily", "William", "Poppy", "Henry", "Ella", "Alfie", "Rosie",
    "Joshua", "Chloe", "Jacob", "Jessica", "Daniel", "Hannah", "Samuel", "Lucy", "Ethan", "Megan",
    "Ryan", "Rebecca", "Adam", "Laura", "Callum", "Rachel", "Liam", "Sarah", "Connor", "Emma",
    "Dylan", "Katie", "Lewis", "Amy", "Rhys", "Bethan", "Owen", "Cerys", "Dafydd", "Siobhan",
    "Ciaran", "Niamh", "Aidan", "Aoife", "Fraser", "Eilidh", "Hamish", "Morag", "Aisha", "Fatima",
    "Omar", "Yusuf", "Zainab", "Imran", "Ayesha", "Bilal", "Priya", "Arjun", "Anjali", "Rohan",
    "Deepa", "Sanjay", "Kiran", "Harpreet", "Gurpreet", "Jaspal", "Chidi", "Ngozi", "Tunde",
    "Adaeze", "Kwame", "Ama", "Kofi", "Abena", "Tomasz", "Agnieszka", "Piotr", "Katarzyna",
    "Marius", "Ioana", "Andrei", "Elena", "Wei", "Mei", "Jun", "Lin", "Hui", "Carlos", "Maria",
    "Luca", "Giulia", "Stephen", "Susan", "David", "Karen", "Paul", "Julie", "Mark", "Tracey",
    "Andrew", "Joanne", "Peter", "Margaret", "Keith", "Brenda", "Graham", "Pauline", "Derek",
    "Sheila", "Trevor", "Maureen", "Colin", "Jean", "Barry", "Doreen", "Nigel", "Gillian", "Darren",
    "Kerry", "Wayne", "Lisa", "Craig", "Nicola", "Gavin", "Leanne", "Dean", "Gemma", "Shane",
    "Stacey",
];

#[rustfmt::skip]
const LAST: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
    "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson",
    "Clarke", "Patel", "Khan", "Lewis", "James", "Phillips", "Mason", "Mitchell", "Rose", "Davis",
    "Rodgers", "Ahmed", "Hussain", "Ali", "Begum", "Shah", "Singh", "Kaur", "Sharma", "Gill",
    "Sandhu", "Okafor", "Adeyemi", "Mensah", "Owusu", "Boateng", "Nwosu", "Kowalski", "Nowak",
    "Wiśniewski", "Popescu", "Ionescu", "Chen", "Wang", "Li", "Zhang", "Nguyen", "Rossi", "Silva",
    "Murphy", "Kelly", "O'Brien", "O'Neill", "Byrne", "Ryan", "Doyle", "McCarthy", "Campbell",
    "Stewart", "MacDonald", "Fraser", "Morrison", "Reid", "Hughes", "Price", "Morgan", "Griffiths",
    "Lloyd", "Rees", "Powell", "Jenkins", "Owen", "Harris", "Cooper", "King", "Lee", "Baker",
    "Turner", "Hill", "Moore", "Cook", "Ward", "Morris", "Carter", "Bell", "Bailey", "Parker",
    "Cox", "Richardson", "Howard", "Marshall", "Ellis", "Gray", "Knight", "Butler", "Barker",
    "Fletcher", "Hudson", "Holmes", "Dixon", "Pearson", "Webb", "Shaw", "Lawrence", "Chapman",
    "Hunt", "Harrison", "Gibson", "Kennedy", "Atkinson", "Armstrong", "Fisher", "Spencer", "Bates",
    "Wells", "Ashworth", "Whitfield", "Pickering", "Hargreaves", "Sutcliffe", "Ackroyd", "Brierley",
    "Cartwright", "Dawson", "Fenwick", "Garside", "Holroyd", "Ingham", "Kershaw", "Lister",
    "Midgley", "Naylor", "Oldroyd", "Priestley", "Radcliffe", "Stansfield", "Thornton", "Varley",
];

const EMAIL_DOMAINS: &[&str] = &["example.org", "example.com", "example.co.uk", "example.net"];

/// A customer as the text templates see them.
#[derive(Debug, Clone)]
pub(crate) struct Who {
    pub first: String,
    pub full: String,
    /// Email address as the customer writes it (may have capitals).
    pub email: Option<String>,
    /// Phone number in UK national form, as caller ID shows it.
    pub phone: Option<String>,
    pub facebook: Option<String>,
    pub x: Option<String>,
    /// (street index, house, flat)
    pub home: Option<(usize, u32, Option<u32>)>,
    /// The organisation a person works for.
    pub org: Option<usize>,
    /// Where a member of staff works (site slug).
    pub site: Option<&'static str>,
}

/// An organisation and the people who write on its behalf.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub org: usize,
    pub staff: Vec<usize>,
    /// Landlord organisations a letting agent acts for.
    pub clients: Vec<usize>,
}

/// The council's own departments, by key, as service desk customers.
#[derive(Debug, Clone)]
pub(crate) struct Department {
    pub key: &'static str,
    pub group: Group,
}

/// Everyone, indexed by what kind of contact they make.
#[derive(Debug, Clone, Default)]
pub(crate) struct Directory {
    pub who: Vec<Who>,
    pub residents: Vec<usize>,
    pub landlords: Vec<usize>,
    pub agencies: Vec<Group>,
    pub housing_associations: Vec<Group>,
    pub businesses: Vec<usize>,
    pub suppliers: Vec<Group>,
    pub charities: Vec<usize>,
    pub councils: Vec<Group>,
    pub national: Vec<Group>,
    pub departments: Vec<Department>,
}

impl Directory {
    pub fn department(&self, key: &str) -> &Department {
        self.departments
            .iter()
            .find(|d| d.key == key)
            .unwrap_or_else(|| panic!("`{key}` is not a demo department"))
    }
}

/// Hands out identities so that none is used twice, and numbers only from Ofcom's drama ranges.
struct Ids {
    used: HashSet<(IdentityKind, String)>,
    mobiles: Vec<u32>,
    local: Vec<u32>,
    london: Vec<u32>,
}

impl Ids {
    fn new(rng: &mut impl Rng) -> Self {
        let mut mobiles: Vec<u32> = (0..1000).collect();
        // 01632 960000 is the council's switchboard.
        let mut local: Vec<u32> = (1..1000).collect();
        let mut london: Vec<u32> = (0..1000).collect();
        mobiles.shuffle(rng);
        local.shuffle(rng);
        london.shuffle(rng);
        Ids {
            used: HashSet::new(),
            mobiles,
            local,
            london,
        }
    }

    /// Claims `id` if free.
    fn claim(&mut self, id: Identity) -> Option<Identity> {
        self.used.insert((id.kind, id.value.clone())).then_some(id)
    }

    /// An email address built from `local@domain`, numbered on collision.
    fn email(&mut self, local: &str, domain: &str) -> String {
        for n in 0..1000 {
            let raw = if n == 0 {
                format!("{local}@{domain}")
            } else {
                format!("{local}{n}@{domain}")
            };
            let id = Identity::email(&raw).expect("generated email addresses are well-formed");
            if self.claim(id).is_some() {
                return raw;
            }
        }
        unreachable!("a thousand collisions on one email address")
    }

    fn social(&mut self, kind: IdentityKind, handle: &str) -> String {
        for n in 0..1000 {
            let raw = if n == 0 {
                handle.to_string()
            } else {
                format!("{handle}{n}")
            };
            let id = Identity::social(kind, &raw).expect("generated handles are well-formed");
            if self.claim(id).is_some() {
                return raw;
            }
        }
        unreachable!("a thousand collisions on one handle")
    }

    /// A mobile number from 07700 900000–900999.
    fn mobile(&mut self) -> Option<String> {
        self.mobiles.pop().map(|n| format!("07700 900{n:03}"))
    }

    /// A landline from 01632 960001–960999.
    fn landline(&mut self) -> Option<String> {
        self.local.pop().map(|n| format!("01632 960{n:03}"))
    }

    /// A London number from 020 7946 0000–0999.
    fn london(&mut self) -> Option<String> {
        self.london.pop().map(|n| format!("020 7946 0{n:03}"))
    }

    fn phone(&mut self, raw: Option<String>) -> Option<String> {
        let raw = raw?;
        let id = Identity::phone(&raw).expect("drama-range numbers are valid UK numbers");
        self.claim(id).map(|_| raw)
    }
}

/// Lower-case ASCII letters and digits of `s`, for email local parts and domains.
pub(crate) fn plain(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'ś' => Some('s'),
            'â' => Some('a'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// A first name from the demo list.
pub(crate) fn first_name(rng: &mut impl Rng) -> &'static str {
    pick_str(rng, FIRST)
}

/// A surname from the demo list.
pub(crate) fn last_name(rng: &mut impl Rng) -> &'static str {
    pick_str(rng, LAST)
}

fn pick_str(rng: &mut impl Rng, xs: &[&'static str]) -> &'static str {
    xs[rng.random_range(0..xs.len())]
}

fn pick<'a, T>(rng: &mut impl Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

struct Builder<'g> {
    geo: &'g Geo,
    ids: Ids,
    customers: Vec<Customer>,
    dir: Directory,
}

impl Builder<'_> {
    fn push(&mut self, customer: Customer, who: Who) -> usize {
        self.customers.push(customer);
        self.dir.who.push(who);
        self.customers.len() - 1
    }

    fn identities(who: &Who) -> Vec<Identity> {
        let mut out = Vec::new();
        if let Some(e) = &who.email {
            out.push(Identity::email(e).expect("claimed emails are valid"));
        }
        if let Some(p) = &who.phone {
            out.push(Identity::phone(p).expect("claimed phones are valid"));
        }
        if let Some(f) = &who.facebook {
            out.push(Identity::social(IdentityKind::Facebook, f).expect("claimed handles are valid"));
        }
        if let Some(x) = &who.x {
            out.push(Identity::social(IdentityKind::X, x).expect("claimed handles are valid"));
        }
        out
    }

    /// An organisation with a generic mailbox at its own domain.
    fn organisation(
        &mut self,
        kind: OrganisationKind,
        name: &str,
        mailbox: &str,
        domain: &str,
        phone: Option<String>,
        address: Option<Address>,
    ) -> usize {
        let email = self.ids.email(mailbox, domain);
        let phone = self.ids.phone(phone);
        let who = Who {
            first: String::new(),
            full: name.to_string(),
            email: Some(email),
            phone,
            facebook: None,
            x: None,
            home: None,
            org: None,
            site: None,
        };
        let customer = Customer {
            kind: CustomerKind::Organisation,
            organisation_kind: Some(kind),
            name: name.to_string(),
            identities: Self::identities(&who),
            addresses: address.into_iter().collect(),
            links: Vec::new(),
        };
        self.push(customer, who)
    }

    /// A person who works for (or acts for) organisations, with an address at its domain.
    fn staff(
        &mut self,
        rng: &mut impl Rng,
        domain: &str,
        phone: Option<String>,
        links: Vec<(usize, MemberRole)>,
        site: Option<&'static str>,
    ) -> usize {
        let first = pick_str(rng, FIRST);
        let last = pick_str(rng, LAST);
        let local = if rng.random_bool(0.75) {
            format!("{}.{}", plain(first), plain(last))
        } else {
            format!("{}{}", &plain(first)[..1], plain(last))
        };
        let email = self.ids.email(&local, domain);
        let phone = self.ids.phone(phone);
        let full = format!("{first} {last}");
        let who = Who {
            first: first.to_string(),
            full: full.clone(),
            email: Some(email),
            phone,
            facebook: None,
            x: None,
            home: None,
            org: links.first().map(|l| l.0),
            site,
        };
        let customer = Customer {
            kind: CustomerKind::Person,
            organisation_kind: None,
            name: full,
            identities: Self::identities(&who),
            addresses: Vec::new(),
            links,
        };
        self.push(customer, who)
    }

    fn resident(&mut self, rng: &mut impl Rng) -> usize {
        let first = pick_str(rng, FIRST);
        let last = pick_str(rng, LAST);
        let (f, l) = (plain(first), plain(last));
        let yy = rng.random_range(50..100u32) % 100;
        let social_only = rng.random_bool(0.05);
        let mut email = None;
        let mut phone = None;
        if !social_only {
            if rng.random_bool(0.88) {
                let domain = *pick(rng, EMAIL_DOMAINS);
                let local = match rng.random_range(0..6u32) {
                    0 | 1 => format!("{f}.{l}"),
                    2 => format!("{f}{l}{}", rng.random_range(1..99u32)),
                    3 => format!("{}{l}", &f[..1]),
                    4 => format!("{f}_{l}{yy:02}"),
                    _ => format!("{f}{yy:02}"),
                };
                let written = self.ids.email(&local, domain);
                // Some people capitalise their address; identities normalise it.
                email = Some(if rng.random_bool(0.1) {
                    capitalise(&written)
                } else {
                    written
                });
            }
            if rng.random_bool(0.48) {
                let m = self.ids.mobile();
                phone = self.ids.phone(m);
            }
            if phone.is_none() && rng.random_bool(0.1) {
                let l = self.ids.landline();
                phone = self.ids.phone(l);
            }
            if email.is_none() && phone.is_none() {
                email = Some(self.ids.email(&format!("{f}.{l}"), EMAIL_DOMAINS[0]));
            }
        }
        let facebook = (social_only || rng.random_bool(0.16)).then(|| {
            let h = if rng.random_bool(0.5) {
                format!("{f}.{l}.{}", rng.random_range(1..40u32))
            } else {
                format!("{f}{l}")
            };
            self.ids.social(IdentityKind::Facebook, &h)
        });
        let x = rng.random_bool(0.08).then(|| {
            let h = match rng.random_range(0..3u32) {
                0 => format!("{f}_{l}"),
                1 => format!("{}{l}{yy:02}", &f[..1]),
                _ => format!("{f}{}", rng.random_range(100..999u32)),
            };
            // Handles are written with an @ on X; heard strips it.
            format!("@{}", self.ids.social(IdentityKind::X, &h))
        });
        let home = (!social_only || rng.random_bool(0.3)).then(|| {
            // Wharf Road is warehouses and offices: nobody's home address names the
            // street of the planted pothole cluster.
            let wharf = self.geo.street_index(crate::cases::POTHOLE_STREET);
            let mut s = wharf;
            while s == wharf {
                s = rng.random_range(0..self.geo.streets.len());
            }
            let house = rng.random_range(1..=self.geo.streets[s].houses);
            let flat = rng.random_bool(0.12).then(|| rng.random_range(1..=8));
            (s, house, flat)
        });
        let full = format!("{first} {last}");
        let who = Who {
            first: first.to_string(),
            full: full.clone(),
            email,
            phone,
            facebook,
            x,
            home,
            org: None,
            site: None,
        };
        let customer = Customer {
            kind: CustomerKind::Person,
            organisation_kind: None,
            name: full,
            identities: Self::identities(&who),
            addresses: home
                .map(|(s, h, f)| self.geo.streets[s].address(h, f))
                .into_iter()
                .collect(),
            links: Vec::new(),
        };
        self.push(customer, who)
    }

    /// A borough address on a random street, for an organisation's office.
    fn local_address(&self, rng: &mut impl Rng, line: Option<&str>) -> Address {
        let s = &self.geo.streets[rng.random_range(0..self.geo.streets.len())];
        let house = rng.random_range(1..=s.houses);
        match line {
            Some(l) => s.building(l, house),
            None => s.address(house, None),
        }
    }
}

fn capitalise(email: &str) -> String {
    let mut out = String::with_capacity(email.len());
    let mut up = true;
    for c in email.chars() {
        out.push(if up { c.to_ascii_uppercase() } else { c });
        up = c == '.' && !out.contains('@');
    }
    out
}

#[rustfmt::skip]
const AGENCIES: &[&str] = &[
    "Castlegate Lettings", "Harbour & Hale Residential", "Move Right Lettings",
    "Keystone Property Management", "Brackenfold Homes & Lettings", "Abode Lettings",
    "Marsh & Co Estate Agents", "Priory Lettings", "Station Road Property Services",
    "Kingsley Bell Lettings", "Open Door Lettings", "Redbrick Residential", "Town & Country Lets",
    "Meridian Property Management", "Willow Lettings", "The Lettings Room", "Parkside Estates",
    "Anchor Lettings & Management",
];

#[rustfmt::skip]
const HOUSING_ASSOCIATIONS: &[&str] = &[
    "Demoshire Homes Partnership", "Riverside Vale Housing", "Pennine Gate Housing Association",
    "Kelham Community Housing", "Unity Homes Trust", "Fairhaven Housing Group",
    "Orchard & Vale Homes",
];

#[rustfmt::skip]
const LANDLORD_PATTERNS: &[&str] = &[
    "{A} Property Holdings Ltd", "{A} Estates Ltd", "{A} & {B} Properties", "{A} Residential Ltd",
    "{A} Family Lettings", "{A} Homes (Demminster) Ltd", "{A} Investments Ltd",
];

#[rustfmt::skip]
const BUSINESS_PATTERNS: &[&str] = &[
    "{A}'s Café", "{S} Stores", "{A} Motors", "{S} Dental Practice", "{S} Fish Bar",
    "{A} & Sons Builders", "The {S} Arms", "{A} Hair & Beauty", "{S} Pharmacy",
    "{A} Plumbing and Heating", "{S} Convenience Store", "{A}'s Bakery", "{S} Nursery",
    "{A} Florists", "{S} Kebab House", "{A} Accountants", "{S} Garage", "{A} Removals",
    "{S} Dry Cleaners", "{A} Tyres",
];

/// (name, domain, mailbox, street, needs an account manager)
const SUPPLIERS: &[(&str, &str, &str)] = &[
    ("Kestrel Surfacing Ltd", "kestrelsurfacing.example", "accounts"),
    ("Brightway Lighting Contracts Ltd", "brightwaylighting.example", "ops"),
    ("GreenCycle Waste Services", "greencycle.example", "contracts"),
    ("Civic Print & Post Ltd", "civicprint.example", "accounts"),
    ("Pinnacle IT Solutions", "pinnacle-it.example", "support"),
    ("Orbis Payments Ltd", "orbispayments.example", "support"),
    ("Tarnside Grounds Maintenance", "tarnside.example", "office"),
    ("Apex Pest Solutions", "apexpest.example", "bookings"),
    ("Sentinel Security Services", "sentinelsecurity.example", "control"),
    ("Northway Fleet Services", "northwayfleet.example", "service"),
    ("Bluefin Office Supplies", "bluefin.example", "orders"),
    ("RevsPro Software Ltd", "revspro.example", "support"),
    ("Clearwater Drainage Ltd", "clearwaterdrainage.example", "jobs"),
    ("Beacon Telecom", "beacontelecom.example", "support"),
];

const CHARITIES: &[(&str, &str)] = &[
    ("Demminster Food Bank", "demminsterfoodbank.example"),
    ("Demoshire Advice Centre", "demoshireadvice.example"),
    ("Age Friendly Demoshire", "agefriendlydemoshire.example"),
    ("Wyndleigh Community Trust", "wyndleightrust.example"),
    ("Brackenfold Youth Project", "brackenfoldyouth.example"),
    ("Kelham Bridge Men's Shed", "kelhammensshed.example"),
    ("Homeless Outreach Demminster", "outreachdemminster.example"),
    ("Friends of Victoria Park", "friendsofvictoriapark.example"),
    ("Ashby Marsh Carers' Network", "ashbycarers.example"),
    ("Demoshire Refugee Welcome", "refugeewelcome-demoshire.example"),
];

/// (name, domain, mailbox, line1, town, postcode)
const COUNCILS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "Eastvale District Council",
        "eastvale-dc.example",
        "revenues",
        "Eastvale House, Bridge Street",
        "Eastvale",
        "EV1 2AB",
    ),
    (
        "Northmoor Borough Council",
        "northmoor.example",
        "customer.services",
        "Town Hall, Moor Lane",
        "Northmoor",
        "NM3 4HT",
    ),
    (
        "Demoshire County Council",
        "demoshire-cc.example",
        "enquiries",
        "Shire Hall, Castle Hill",
        "Demminster",
        "DM1 1SH",
    ),
    (
        "Westmarch City Council",
        "westmarch.example",
        "benefits",
        "Civic Offices, Guildhall Square",
        "Westmarch",
        "WM2 9QA",
    ),
    (
        "Wyndleigh Town Council",
        "wyndleigh-tc.example",
        "clerk",
        "The Old Courthouse, West End",
        "Wyndleigh",
        "DM7 3LP",
    ),
];

const NATIONAL: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "Department for Work and Pensions",
        "dwp.example",
        "la.liaison",
        "Benefit Centre, PO Box 7120",
        "Wolverhampton",
        "WV98 1AB",
    ),
    (
        "HM Revenue and Customs",
        "hmrc.example",
        "la.enquiries",
        "BX9 Service Centre",
        "Newcastle upon Tyne",
        "NE98 1ZZ",
    ),
    (
        "Valuation Office Agency",
        "voa.example",
        "ctbands",
        "Wycliffe House, Green Lane",
        "Durham",
        "DH1 3UW",
    ),
    (
        "Driver and Vehicle Licensing Agency",
        "dvla.example",
        "la.requests",
        "Longview Road",
        "Swansea",
        "SA6 7JL",
    ),
    (
        "General Register Office",
        "gro.example",
        "certificates",
        "PO Box 2",
        "Southport",
        "PR8 2JD",
    ),
    (
        "Environment Agency",
        "environment-agency.example",
        "enquiries",
        "Horizon House, Deanery Road",
        "Bristol",
        "BS1 5AH",
    ),
    (
        "Local Government and Social Care Ombudsman",
        "lgsco.example",
        "intake",
        "PO Box 4771",
        "Coventry",
        "CV4 0EH",
    ),
];

/// (key, name, mailbox, staff count, sites where staff work)
const DEPARTMENTS: &[(&str, &str, &str, usize, &[&str])] = &[
    (
        "regeneration",
        "Regeneration and Economic Development",
        "regeneration",
        18,
        &["county-hall-3"],
    ),
    (
        "libraries",
        "Libraries and Culture",
        "libraries.staff",
        26,
        &[
            "castle-street-library",
            "castle-street-library",
            "castle-street-library",
            "brackenfold-library",
            "kelham-bridge-library",
            "ashby-marsh-library",
            "wyndleigh-library",
            "mobile-library",
        ],
    ),
    (
        "revenues",
        "Revenues and Benefits",
        "revenues.team",
        22,
        &["county-hall-2"],
    ),
    (
        "customer-services",
        "Customer Services",
        "contactcentre.team",
        14,
        &["county-hall-ground"],
    ),
    ("adult-social-care", "Adult Social Care", "asc", 16, &["county-hall-1"]),
    (
        "childrens-services",
        "Children's Services",
        "childrens",
        14,
        &["county-hall-1"],
    ),
    ("finance", "Finance", "finance", 10, &["county-hall-2"]),
    ("hr", "HR and Payroll", "hr", 8, &["county-hall-3"]),
    ("legal", "Legal and Democratic Services", "legal", 8, &["county-hall-3"]),
    (
        "highways",
        "Highways and Transport",
        "highways.team",
        10,
        &["millbrook-highways-depot"],
    ),
    (
        "waste",
        "Waste and Street Scene",
        "streetscene",
        10,
        &["tanyard-lane-depot"],
    ),
    (
        "planning",
        "Planning and Building Control",
        "planning.team",
        8,
        &["county-hall-2"],
    ),
    (
        "leisure",
        "Leisure Services",
        "leisure",
        6,
        &["riverside-leisure-centre", "brackenfold-pool"],
    ),
    (
        "registration",
        "Registration Service",
        "registration.team",
        4,
        &["register-office"],
    ),
];

/// The domain the council's own staff write from (not a login domain).
pub(crate) const STAFF_DOMAIN: &str = "demoshire.example";

fn fill_name(pattern: &str, a: &str, b: &str, s: &str) -> String {
    pattern.replace("{A}", a).replace("{B}", b).replace("{S}", s)
}

/// Builds every customer. `target` is the total wanted; the fixed organisations and their
/// staff always exist, and residents make up the rest (at least 200).
pub(crate) fn generate(rng: &mut impl Rng, geo: &Geo, target: usize) -> (Vec<Customer>, Directory) {
    let ids = Ids::new(rng);
    let mut b = Builder {
        geo,
        ids,
        customers: Vec::with_capacity(target + 64),
        dir: Directory::default(),
    };

    // Landlords first: letting agents act for them.
    let mut used_names = HashSet::new();
    while b.dir.landlords.len() < 36 {
        let a = pick_str(rng, LAST);
        let other = pick_str(rng, LAST);
        let name = fill_name(pick_str(rng, LANDLORD_PATTERNS), a, other, "");
        if !used_names.insert(name.clone()) {
            continue;
        }
        let domain = format!("{}.example", plain(&name.replace(" Ltd", "")));
        let mailbox = *pick(rng, &["accounts", "info", "lettings", "office"]);
        let phone = if rng.random_bool(0.7) { b.ids.london() } else { None };
        let address = b.local_address(rng, None);
        let org = b.organisation(
            OrganisationKind::Landlord,
            &name,
            mailbox,
            &domain,
            phone,
            Some(address),
        );
        b.dir.landlords.push(org);
    }

    let landlords = b.dir.landlords.clone();
    for &name in AGENCIES {
        let domain = format!("{}.example", plain(&name.replace('&', "and")));
        let phone = b.ids.london();
        let address = b.local_address(rng, Some(name));
        let org = b.organisation(
            OrganisationKind::LettingAgent,
            name,
            "lettings",
            &domain,
            phone,
            Some(address),
        );
        let clients: Vec<usize> = (0..rng.random_range(2..=5)).map(|_| *pick(rng, &landlords)).collect();
        let mut clients_dedup = clients.clone();
        clients_dedup.sort_unstable();
        clients_dedup.dedup();
        let mut staff = Vec::new();
        for _ in 0..rng.random_range(2..=4) {
            let mut links = vec![(org, MemberRole::Member)];
            links.extend(clients_dedup.iter().map(|&c| (c, MemberRole::ActsFor)));
            let phone = if rng.random_bool(0.5) { b.ids.london() } else { None };
            staff.push(b.staff(rng, &domain, phone, links, None));
        }
        b.dir.agencies.push(Group {
            org,
            staff,
            clients: clients_dedup,
        });
    }

    for &name in HOUSING_ASSOCIATIONS {
        let domain = format!("{}.example", plain(&name.replace('&', "and")));
        let phone = b.ids.landline();
        let address = b.local_address(rng, Some(name));
        let org = b.organisation(
            OrganisationKind::HousingAssociation,
            name,
            "enquiries",
            &domain,
            phone,
            Some(address),
        );
        let staff = (0..rng.random_range(3..=6))
            .map(|_| {
                let phone = if rng.random_bool(0.4) { b.ids.landline() } else { None };
                b.staff(rng, &domain, phone, vec![(org, MemberRole::Member)], None)
            })
            .collect();
        b.dir.housing_associations.push(Group {
            org,
            staff,
            clients: Vec::new(),
        });
    }

    while b.dir.businesses.len() < 60 {
        let a = pick_str(rng, LAST);
        let street = &geo.streets[rng.random_range(0..geo.streets.len())];
        let s = street.name.split(' ').next().unwrap_or(street.name);
        let name = fill_name(pick_str(rng, BUSINESS_PATTERNS), a, "", s);
        if !used_names.insert(name.clone()) {
            continue;
        }
        let domain = format!("{}.example", plain(&name.replace('&', "and")));
        let phone = if rng.random_bool(0.6) { b.ids.landline() } else { None };
        let house = rng.random_range(1..=street.houses);
        let address = street.building(&name, house);
        let org = b.organisation(OrganisationKind::Business, &name, "info", &domain, phone, Some(address));
        b.dir.businesses.push(org);
    }

    for &(name, domain, mailbox) in SUPPLIERS {
        let phone = b.ids.london();
        let org = b.organisation(OrganisationKind::Supplier, name, mailbox, domain, phone, None);
        let staff = (0..rng.random_range(1..=2))
            .map(|_| b.staff(rng, domain, None, vec![(org, MemberRole::Member)], None))
            .collect();
        b.dir.suppliers.push(Group {
            org,
            staff,
            clients: Vec::new(),
        });
    }

    for &(name, domain) in CHARITIES {
        let phone = if rng.random_bool(0.5) { b.ids.landline() } else { None };
        let address = b.local_address(rng, Some(name));
        let org = b.organisation(OrganisationKind::Charity, name, "hello", domain, phone, Some(address));
        b.dir.charities.push(org);
    }

    for &(name, domain, mailbox, line, town, postcode) in COUNCILS {
        let (l1, l2) = line.split_once(", ").map_or((line, None), |(a, c)| (a, Some(c)));
        let address = external(l1, l2, town, postcode);
        let phone = b.ids.london();
        let org = b.organisation(
            OrganisationKind::OtherCouncil,
            name,
            mailbox,
            domain,
            phone,
            Some(address),
        );
        let staff = (0..rng.random_range(1..=3))
            .map(|_| b.staff(rng, domain, None, vec![(org, MemberRole::Member)], None))
            .collect();
        b.dir.councils.push(Group {
            org,
            staff,
            clients: Vec::new(),
        });
    }

    for &(name, domain, mailbox, line, town, postcode) in NATIONAL {
        let (l1, l2) = line.split_once(", ").map_or((line, None), |(a, c)| (a, Some(c)));
        let address = external(l1, l2, town, postcode);
        let org = b.organisation(
            OrganisationKind::NationalBody,
            name,
            mailbox,
            domain,
            None,
            Some(address),
        );
        let staff = (0..rng.random_range(1..=2))
            .map(|_| b.staff(rng, domain, None, vec![(org, MemberRole::Member)], None))
            .collect();
        b.dir.national.push(Group {
            org,
            staff,
            clients: Vec::new(),
        });
    }

    for &(key, name, mailbox, count, sites) in DEPARTMENTS {
        let org = b.organisation(
            OrganisationKind::InternalDepartment,
            name,
            mailbox,
            STAFF_DOMAIN,
            None,
            None,
        );
        let staff = (0..count)
            .map(|i| {
                let phone = if rng.random_bool(0.7) { b.ids.landline() } else { None };
                let site = sites[i % sites.len()];
                b.staff(rng, STAFF_DOMAIN, phone, vec![(org, MemberRole::Member)], Some(site))
            })
            .collect();
        b.dir.departments.push(Department {
            key,
            group: Group {
                org,
                staff,
                clients: Vec::new(),
            },
        });
    }

    let residents = target.saturating_sub(b.customers.len()).max(200);
    for _ in 0..residents {
        let r = b.resident(rng);
        b.dir.residents.push(r);
    }

    (b.customers, b.dir)
}
