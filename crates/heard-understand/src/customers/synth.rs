//! A generated council customer list with the truth, for measuring the matcher where FEBRL
//! is too easy: households, twins, fathers and sons of one name, namesakes, movers, marriages,
//! landlords recorded at their tenants' addresses, work and home records of one person,
//! nicknames, initials, swapped name order, flats written several ways, shared household
//! phones and emails, typos, and most records without a date of birth. Deterministic for a
//! seed. The nicknames used here are our own list, not the matcher's table, and include
//! some the matcher does not know.

use super::{Record, Rng};

/// Why two different people may look alike: used to count false merges by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Relation {
    /// Children of one household born the same day.
    Twin,
    /// Parent and child with the same given name and surname at one address.
    ParentChildSameName,
    /// Other members of one household (same address, often same surname, shared phone).
    Household,
    /// A landlord recorded at a tenant's address, against the tenant.
    LandlordTenant,
    /// Same given name and surname, different people.
    Namesake,
}

impl Relation {
    pub fn name(self) -> &'static str {
        match self {
            Relation::Twin => "twins",
            Relation::ParentChildSameName => "parent_child_same_name",
            Relation::Household => "household",
            Relation::LandlordTenant => "landlord_tenant",
            Relation::Namesake => "namesake",
        }
    }
}

/// How big a list to make.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    pub seed: u64,
    /// Households (about 2.2 people and 2.7 records each).
    pub households: usize,
}

impl Default for SynthOptions {
    fn default() -> Self {
        SynthOptions {
            seed: 1,
            households: 2000,
        }
    }
}

/// The generated list: records, the person behind each, and relations between people.
#[derive(Debug, Clone)]
pub struct SynthList {
    pub records: Vec<Record>,
    /// Person index of each record (the truth).
    pub person: Vec<usize>,
    /// Relations between people (lower index first), excluding namesakes (see
    /// [`SynthList::relation`]).
    relations: std::collections::HashMap<(usize, usize), Relation>,
    /// Normalised full name of each person, for spotting namesakes.
    names: Vec<String>,
}

impl SynthList {
    /// Pairs of record indexes that are one person.
    pub fn truth_pairs(&self) -> Vec<(usize, usize)> {
        let mut by_person: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
        for (r, &p) in self.person.iter().enumerate() {
            by_person.entry(p).or_default().push(r);
        }
        let mut out = Vec::new();
        for rs in by_person.values() {
            for (k, &a) in rs.iter().enumerate() {
                for &b in &rs[k + 1..] {
                    out.push((a.min(b), a.max(b)));
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// How the people behind two records are related, if they are different people who
    /// could be mistaken for one.
    pub fn relation(&self, a: usize, b: usize) -> Option<Relation> {
        let (p, q) = (self.person[a], self.person[b]);
        if p == q {
            return None;
        }
        if let Some(r) = self.relations.get(&(p.min(q), p.max(q))) {
            return Some(*r);
        }
        (self.names[p] == self.names[q]).then_some(Relation::Namesake)
    }

    /// Record pairs of each relation kind present in the list (the denominators).
    pub fn relation_pairs(&self) -> std::collections::BTreeMap<Relation, usize> {
        let mut by_person: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
        for (r, &p) in self.person.iter().enumerate() {
            by_person.entry(p).or_default().push(r);
        }
        let mut out = std::collections::BTreeMap::new();
        for (&(p, q), rel) in &self.relations {
            let n = by_person.get(&p).map_or(0, Vec::len) * by_person.get(&q).map_or(0, Vec::len);
            *out.entry(*rel).or_default() += n;
        }
        let mut by_name: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
        for (p, n) in self.names.iter().enumerate() {
            by_name.entry(n.as_str()).or_default().push(p);
        }
        for ps in by_name.values() {
            for (k, &p) in ps.iter().enumerate() {
                for &q in &ps[k + 1..] {
                    if !self.relations.contains_key(&(p.min(q), p.max(q))) {
                        let n = by_person.get(&p).map_or(0, Vec::len) * by_person.get(&q).map_or(0, Vec::len);
                        *out.entry(Relation::Namesake).or_default() += n;
                    }
                }
            }
        }
        out
    }
}

const MALE: &[&str] = &[
    "James",
    "John",
    "Robert",
    "Michael",
    "William",
    "David",
    "Richard",
    "Thomas",
    "Christopher",
    "Daniel",
    "Matthew",
    "Anthony",
    "Andrew",
    "Joseph",
    "Stephen",
    "Paul",
    "Mark",
    "Peter",
    "Gary",
    "Ian",
    "Kevin",
    "Simon",
    "Jonathan",
    "Alexander",
    "Samuel",
    "Benjamin",
    "Oliver",
    "Jack",
    "Harry",
    "George",
    "Charles",
    "Edward",
    "Henry",
    "Nicholas",
    "Patrick",
    "Frederick",
    "Gareth",
    "Dafydd",
    "Rhys",
    "Owen",
    "Liam",
    "Connor",
    "Mohammed",
    "Arjun",
    "Tomasz",
    "Piotr",
    "Kwame",
    "Darren",
    "Wayne",
    "Lee",
    "Craig",
    "Dean",
    "Neil",
    "Graham",
    "Malcolm",
    "Kenneth",
    "Raymond",
    "Louis",
    "Leonard",
    "Lawrence",
    "Timothy",
    "Philip",
    "Douglas",
    "Francis",
    "Gerald",
    "Arthur",
    "Alfred",
    "Keith",
];
const FEMALE: &[&str] = &[
    "Mary",
    "Elizabeth",
    "Margaret",
    "Susan",
    "Sarah",
    "Catherine",
    "Jennifer",
    "Patricia",
    "Deborah",
    "Rebecca",
    "Victoria",
    "Jessica",
    "Rachel",
    "Helen",
    "Eleanor",
    "Amanda",
    "Caroline",
    "Gillian",
    "Louise",
    "Natalie",
    "Nicola",
    "Samantha",
    "Alexandra",
    "Charlotte",
    "Emma",
    "Emily",
    "Sophie",
    "Olivia",
    "Isabel",
    "Lucy",
    "Hannah",
    "Megan",
    "Chloe",
    "Amy",
    "Laura",
    "Claire",
    "Karen",
    "Julie",
    "Joanne",
    "Kathleen",
    "Christine",
    "Frances",
    "Josephine",
    "Abigail",
    "Harriet",
    "Sian",
    "Bethan",
    "Ffion",
    "Aisha",
    "Fatima",
    "Priya",
    "Agnieszka",
    "Zofia",
    "Ama",
    "Tracey",
    "Kelly",
    "Donna",
    "Lisa",
    "Angela",
    "Pauline",
    "Valerie",
    "Wendy",
    "Beverley",
    "Theresa",
    "Paula",
    "Danielle",
    "Roberta",
    "Georgina",
    "Jacqueline",
    "Dorothy",
    "Penelope",
    "Susannah",
];
/// Our own nickname list for the generator (some are not in the matcher's table).
const NICK: &[(&str, &str)] = &[
    ("Robert", "Bob"),
    ("Robert", "Rob"),
    ("William", "Bill"),
    ("William", "Will"),
    ("Elizabeth", "Liz"),
    ("Elizabeth", "Beth"),
    ("Margaret", "Maggie"),
    ("Margaret", "Peggy"),
    ("Richard", "Dick"),
    ("Richard", "Rich"),
    ("James", "Jim"),
    ("James", "Jamie"),
    ("Michael", "Mike"),
    ("Michael", "Mick"),
    ("Thomas", "Tom"),
    ("Anthony", "Tony"),
    ("Christopher", "Chris"),
    ("Catherine", "Kate"),
    ("Catherine", "Cathy"),
    ("Alexander", "Alex"),
    ("Alexandra", "Alex"),
    ("Samuel", "Sam"),
    ("Samantha", "Sam"),
    ("Joseph", "Joe"),
    ("Daniel", "Dan"),
    ("David", "Dave"),
    ("Edward", "Ted"),
    ("Edward", "Eddie"),
    ("Frederick", "Fred"),
    ("Henry", "Harry"),
    ("Charles", "Charlie"),
    ("Nicholas", "Nick"),
    ("Stephen", "Steve"),
    ("Andrew", "Andy"),
    ("Matthew", "Matt"),
    ("Benjamin", "Ben"),
    ("Susan", "Sue"),
    ("Deborah", "Debbie"),
    ("Rebecca", "Becky"),
    ("Victoria", "Vicky"),
    ("Jennifer", "Jenny"),
    ("Jessica", "Jess"),
    ("Patricia", "Pat"),
    ("Patrick", "Paddy"),
    ("Kathleen", "Kath"),
    ("Kathleen", "Kathy"),
    ("Christine", "Chris"),
    ("Joanne", "Jo"),
    ("Josephine", "Josie"),
    ("Nicola", "Nicky"),
    ("Abigail", "Abbie"),
    ("Timothy", "Tim"),
    ("Philip", "Phil"),
    ("Kenneth", "Ken"),
    ("Raymond", "Ray"),
    ("Leonard", "Len"),
    ("Gerald", "Gerry"),
    ("Douglas", "Dougie"),
    ("Penelope", "Penny"),
    ("Dorothy", "Dot"),
    ("Jacqueline", "Jackie"),
    ("Georgina", "Gina"),
    ("Susannah", "Suzy"),
    ("Harriet", "Hattie"),
    ("Oliver", "Ollie"),
    ("Eleanor", "Ellie"),
    ("Dafydd", "Dai"),
    ("Mohammed", "Mo"),
    ("Tomasz", "Tom"),
    ("Agnieszka", "Aga"),
];
const SURNAMES: &[&str] = &[
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Graham",
    "Pearson",
    "Ahmed",
    "Fletcher",
    "Walsh",
    "Kaur",
    "Gibson",
    "Howard",
    "Andrews",
    "Stewart",
    "Elliott",
    "Reynolds",
    "Saunders",
    "Payne",
    "O'Brien",
    "O'Connor",
    "McCarthy",
    "Nowak",
    "Kowalski",
    "Wiśniewski",
    "Mensah",
    "Okafor",
    "Nguyen",
    "Chen",
    "Smith-Jones",
    "Lloyd-Williams",
    "Ap Rhys",
    "Fitzgerald",
    "Featherstonehaugh",
    "Cholmondeley",
    "Pritchard",
    "Prosser",
    "Vaughan",
    "Gwilliam",
    "Hemming",
    "Birt",
    "Tuffley",
    "Jeynes",
    "Whittington",
    "Dowdeswell",
];
const STREET_NAMES: &[&str] = &[
    "High",
    "Church",
    "Mill",
    "Station",
    "Victoria",
    "Park",
    "London",
    "Albert",
    "Queens",
    "Kings",
    "New",
    "School",
    "North",
    "Green",
    "Manor",
    "Chapel",
    "Orchard",
    "Meadow",
    "Brook",
    "Elm",
    "Oak",
    "Ash",
    "Beech",
    "Cedar",
    "Willow",
    "Hawthorn",
    "Priory",
    "Abbey",
    "Castle",
    "Bath",
    "Gloucester",
    "Tewkesbury",
    "Cirencester",
    "Hales",
    "Leckhampton",
    "Prestbury",
    "Hewlett",
    "Suffolk",
    "Montpellier",
    "Lansdown",
    "Pittville",
    "St Mary's",
    "St George's",
    "Winchcombe",
    "Moorend",
    "Naunton",
    "Shurdington",
    "Hatherley",
    "Arle",
    "Tivoli",
    "Sandford",
    "Whaddon",
    "Albion",
    "Clarence",
    "Rodney",
    "Imperial",
    "Promenade",
    "Selkirk",
    "Hanover",
    "Keynshambury",
];
const STREET_TYPES: &[(&str, &str)] = &[
    ("Street", "St"),
    ("Road", "Rd"),
    ("Lane", "Ln"),
    ("Avenue", "Ave"),
    ("Close", "Cl"),
    ("Crescent", "Cres"),
    ("Drive", "Dr"),
    ("Way", "Way"),
    ("Gardens", "Gdns"),
    ("Terrace", "Tce"),
    ("Place", "Pl"),
    ("Court", "Ct"),
];
const TOWNS: &[&str] = &[
    "Cheltenham",
    "Charlton Kings",
    "Bishops Cleeve",
    "Prestbury",
    "Leckhampton",
    "Up Hatherley",
];
const EMPLOYERS: &[(&str, &str)] = &[
    ("GCHQ", "gchq.gov.uk"),
    ("Spirax Sarco", "spiraxsarco.com"),
    ("UCAS", "ucas.ac.uk"),
    ("Cheltenham Borough Council", "cheltenham.gov.uk"),
    ("Gloucestershire Hospitals", "nhs.net"),
    ("Kohler Mira", "mira.co.uk"),
    ("Superdry", "superdry.com"),
    ("Zurich", "zurich.co.uk"),
];
const MAIL: &[&str] = &[
    "gmail.com",
    "hotmail.co.uk",
    "yahoo.co.uk",
    "btinternet.com",
    "outlook.com",
    "icloud.com",
];

struct Street {
    name: String,
    short: String,
    postcodes: Vec<String>,
    town: &'static str,
}

#[derive(Clone, Copy, PartialEq)]
struct Addr {
    street: usize,
    number: u32,
    flat: u32,
    postcode: usize,
}

struct Person {
    given: &'static str,
    middle: Option<&'static str>,
    surname: String,
    /// Surname before marriage, with the address lived at then.
    maiden: Option<(String, Addr)>,
    dob: (u32, u32, u32),
    home: Addr,
    old_home: Option<Addr>,
    mobile: Option<String>,
    email: Option<String>,
    household: usize,
    suffix: Option<&'static str>,
    work: Option<usize>,
    /// Addresses let to tenants (the landlord is recorded there).
    lets: Vec<Addr>,
    adult: bool,
}

struct Household {
    landline: Option<String>,
    email: Option<String>,
}

struct Gen {
    rng: Rng,
    streets: Vec<Street>,
}

impl Gen {
    fn chance(&mut self, p: f64) -> bool {
        self.rng.unit() < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.rng.below(xs.len())]
    }
    /// Zipf-like pick: early items are much more common (Smith, Jones…).
    fn zipf<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        let u = self.rng.unit();
        let i = ((xs.len() as f64 + 1.0).powf(u) - 1.0) as usize;
        &xs[i.min(xs.len() - 1)]
    }
    fn address(&mut self) -> Addr {
        let street = self.rng.below(self.streets.len());
        let flats = self.chance(0.25);
        Addr {
            street,
            number: 1 + self.rng.below(if flats { 30 } else { 120 }) as u32,
            flat: if flats { 1 + self.rng.below(6) as u32 } else { 0 },
            postcode: self.rng.below(self.streets[street].postcodes.len()),
        }
    }
    fn dob(&mut self, from: u32, to: u32) -> (u32, u32, u32) {
        (
            from + self.rng.below((to - from) as usize) as u32,
            1 + self.rng.below(12) as u32,
            1 + self.rng.below(28) as u32,
        )
    }
    fn mobile(&mut self) -> String {
        format!("07{:03} {:06}", 700 + self.rng.below(300), self.rng.below(1_000_000))
    }
    fn landline(&mut self) -> String {
        format!("01242 {:06}", self.rng.below(1_000_000))
    }
    fn typo(&mut self, s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        if chars.len() < 3 {
            return s.to_string();
        }
        let i = 1 + self.rng.below(chars.len() - 1);
        let mut c = chars.clone();
        match self.rng.below(4) {
            0 => {
                c.remove(i);
            }
            1 if i + 1 < c.len() => c.swap(i, i + 1),
            2 => c.insert(i, c[i - 1]),
            _ => {
                c[i] = (b'a' + self.rng.below(26) as u8) as char;
            }
        }
        c.into_iter().collect()
    }
    fn email_for(&mut self, given: &str, surname: &str, domain: &str) -> String {
        let g = given.to_lowercase();
        let s: String = surname
            .to_lowercase()
            .chars()
            .filter(char::is_ascii_alphabetic)
            .collect();
        match self.rng.below(4) {
            0 => format!("{g}.{s}@{domain}"),
            1 => format!("{}{s}@{domain}", &g[..1]),
            2 => format!("{g}{s}{}@{domain}", self.rng.below(99)),
            _ => format!("{g}_{}@{domain}", self.rng.below(1000)),
        }
    }
}

fn fmt_addr(g: &mut Gen, a: &Addr) -> (String, String, String) {
    let (long, short, st_town, st_pc) = {
        let st = &g.streets[a.street];
        (
            st.name.clone(),
            st.short.clone(),
            st.town,
            st.postcodes[a.postcode].clone(),
        )
    };
    let street = if g.chance(0.25) { short } else { long };
    let street = if g.chance(0.04) { g.typo(&street) } else { street };
    let number = if g.chance(0.03) {
        String::new()
    } else {
        a.number.to_string()
    };
    let line = if a.flat > 0 {
        match g.rng.below(5) {
            0 | 1 => format!("Flat {}, {number} {street}", a.flat),
            2 => format!("{}/{number} {street}", a.flat),
            3 => format!("{number}{} {street}", (b'A' + (a.flat - 1) as u8) as char),
            _ => format!("Flat {} {number} {street}", a.flat),
        }
    } else {
        format!("{number} {street}")
    };
    let town = if g.chance(0.6) {
        st_town.to_string()
    } else {
        String::new()
    };
    let pc = st_pc;
    let pc = match g.rng.below(20) {
        0 | 1 => String::new(),
        2 => g.typo(&pc).to_uppercase(),
        3 | 4 => pc.replace(' ', ""),
        5 => pc.to_lowercase(),
        _ => pc,
    };
    (line, town, pc)
}

fn fmt_dob(g: &mut Gen, (y, m, d): (u32, u32, u32)) -> String {
    let (mut m, mut d) = (m, d);
    if g.chance(0.03) {
        std::mem::swap(&mut m, &mut d);
    }
    if g.chance(0.03) {
        d = (d % 28) + 1;
    }
    match g.rng.below(3) {
        0 => format!("{d:02}/{m:02}/{y}"),
        1 => format!("{y}-{m:02}-{d:02}"),
        _ => format!("{d}/{m}/{y}"),
    }
}

/// Generates a list.
pub fn generate(options: &SynthOptions) -> SynthList {
    let mut g = Gen {
        rng: Rng::new(options.seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x00C0_FFEE),
        streets: Vec::new(),
    };
    // Streets, each with one or two postcodes in a sector of GL50–GL54.
    let mut seen = std::collections::HashSet::new();
    while g.streets.len() < 160 {
        let name = *g.pick(STREET_NAMES);
        let (long, short) = *g.pick(STREET_TYPES);
        if !seen.insert((name, long)) {
            continue;
        }
        let district = 50 + g.rng.below(5);
        let sector = g.rng.below(9) + 1;
        let n = 1 + g.rng.below(2);
        let postcodes = (0..n)
            .map(|_| {
                let a = (b'A' + g.rng.below(26) as u8) as char;
                let b = (b'A' + g.rng.below(26) as u8) as char;
                format!("GL{district} {sector}{a}{b}")
            })
            .collect();
        let town = *g.pick(TOWNS);
        g.streets.push(Street {
            name: format!("{name} {long}"),
            short: format!("{name} {short}"),
            postcodes,
            town,
        });
    }

    let mut people: Vec<Person> = Vec::new();
    let mut households: Vec<Household> = Vec::new();
    let mut relations = std::collections::HashMap::new();
    let mut homes = std::collections::HashSet::new();
    let new_person =
        |g: &mut Gen, given: &'static str, surname: &str, dob: (u32, u32, u32), home: Addr, household: usize| {
            let adult = dob.0 <= 2008;
            let middle = g
                .chance(0.3)
                .then(|| if g.chance(0.5) { *g.pick(MALE) } else { *g.pick(FEMALE) });
            let mobile = (adult && g.chance(0.65)).then(|| g.mobile());
            let email = (adult && g.chance(0.55)).then(|| {
                let d = *g.pick(MAIL);
                g.email_for(given, surname, d)
            });
            Person {
                given,
                middle,
                surname: surname.to_string(),
                maiden: None,
                dob,
                home,
                old_home: (adult && g.chance(0.12)).then(|| g.address()),
                mobile,
                email,
                household,
                suffix: None,
                work: (adult && dob.0 >= 1960 && g.chance(0.1)).then(|| g.rng.below(EMPLOYERS.len())),
                lets: Vec::new(),
                adult,
            }
        };
    for h in 0..options.households {
        let mut home = g.address();
        while !homes.insert((home.street, home.number, home.flat)) {
            home = g.address();
        }
        let surname = g.zipf(SURNAMES).to_string();
        households.push(Household {
            landline: g.chance(0.4).then(|| g.landline()),
            email: g.chance(0.15).then(|| {
                let s: String = surname
                    .to_lowercase()
                    .chars()
                    .filter(char::is_ascii_alphabetic)
                    .collect();
                let d = *g.pick(MAIL);
                format!("the{s}s{}@{d}", g.rng.below(100))
            }),
        });
        let first = people.len();
        let kind = g.rng.unit();
        let male_first = g.chance(0.5);
        let adult_name = |g: &mut Gen, male: bool| if male { *g.zipf(MALE) } else { *g.zipf(FEMALE) };
        let a_name = adult_name(&mut g, male_first);
        let a_dob = g.dob(1935, 2004);
        people.push(new_person(&mut g, a_name, &surname, a_dob, home, h));
        if kind < 0.3 {
            // single person
        } else if kind < 0.93 {
            // couple (with children from 0.55)
            let b_name = adult_name(&mut g, !male_first);
            let b_dob = (a_dob.0 + g.rng.below(8) as u32).saturating_sub(4).max(1930);
            let b_dob = (b_dob, 1 + g.rng.below(12) as u32, 1 + g.rng.below(28) as u32);
            let shared = g.chance(0.8);
            let b_surname = if shared {
                surname.clone()
            } else {
                g.zipf(SURNAMES).to_string()
            };
            let mut b = new_person(&mut g, b_name, &b_surname, b_dob, home, h);
            if shared && g.chance(0.35) {
                // Married and took the surname: older records carry the maiden name, often at
                // the address lived at then.
                let maiden = g.zipf(SURNAMES).to_string();
                let then = if g.chance(0.7) { g.address() } else { home };
                b.maiden = Some((maiden, then));
                b.old_home = None;
            }
            people.push(b);
            if kind >= 0.55 {
                let kids = 1 + g.rng.below(3);
                let base = a_dob.0.max(b_dob.0) + 22;
                for k in 0..kids {
                    let male = g.chance(0.5);
                    let name = if k == 0 && male == male_first && g.chance(0.12) {
                        a_name
                    } else {
                        adult_name(&mut g, male)
                    };
                    let dob = g.dob(base.min(2020), (base + 18).min(2024));
                    let mut child = new_person(&mut g, name, &surname, dob, home, h);
                    if name == a_name {
                        child.suffix = Some("Jr");
                        people[first].suffix = Some("Sr");
                        relations.insert((first, people.len()), Relation::ParentChildSameName);
                    }
                    people.push(child);
                    if g.chance(0.08) {
                        // Twins: born the same day, different names (sometimes Louis/Louise).
                        let twin_name: &'static str = match name {
                            "Louis" => "Louise",
                            "Daniel" => "Danielle",
                            "Paul" => "Paula",
                            "Robert" => "Roberta",
                            "George" => "Georgina",
                            _ => {
                                let male = g.rng.below(2) == 0;
                                let mut n = adult_name(&mut g, male);
                                while n == name {
                                    n = adult_name(&mut g, true);
                                }
                                n
                            }
                        };
                        let twin = new_person(&mut g, twin_name, &surname, dob, home, h);
                        relations.insert((people.len() - 1, people.len()), Relation::Twin);
                        people.push(twin);
                    }
                }
            }
        } else {
            // flat share: unrelated adults, different surnames
            for _ in 0..1 + g.rng.below(3) {
                let male = g.chance(0.5);
                let n = adult_name(&mut g, male);
                let s = g.zipf(SURNAMES).to_string();
                let d = g.dob(1975, 2005);
                people.push(new_person(&mut g, n, &s, d, home, h));
            }
        }
        for p in first..people.len() {
            for q in p + 1..people.len() {
                relations.entry((p, q)).or_insert(Relation::Household);
            }
        }
    }
    // Namesakes on purpose: a few people get another's full name (a different person).
    let n_people = people.len();
    for _ in 0..n_people / 40 {
        let (p, q) = (g.rng.below(n_people), g.rng.below(n_people));
        if p != q && people[p].household != people[q].household && people[p].adult && people[q].adult {
            people[q].given = people[p].given;
            people[q].surname = people[p].surname.clone();
        }
    }
    // Landlords: some adults let out other households' homes and are recorded there.
    for _ in 0..n_people / 30 {
        let l = g.rng.below(n_people);
        let t = g.rng.below(n_people);
        if !people[l].adult || people[l].household == people[t].household {
            continue;
        }
        let home = people[t].home;
        people[l].lets.push(home);
        let th = people[t].household;
        for (q, person) in people.iter().enumerate() {
            if person.household == th {
                relations
                    .entry((l.min(q), l.max(q)))
                    .or_insert(Relation::LandlordTenant);
            }
        }
    }

    let names: Vec<String> = people
        .iter()
        .map(|p| format!("{} {}", p.given.to_lowercase(), p.surname.to_lowercase()))
        .collect();
    let mut records = Vec::new();
    let mut person_of = Vec::new();
    for (pi, p) in people.iter().enumerate() {
        let hh = &households[p.household];
        let n = if !p.adult {
            usize::from(g.chance(if p.dob.0 <= 2010 { 0.7 } else { 0.25 }))
        } else {
            match g.rng.unit() {
                u if u < 0.45 => 1,
                u if u < 0.75 => 2,
                u if u < 0.9 => 3,
                _ => 4,
            }
        };
        let mut variants: Vec<u8> = Vec::new();
        for k in 0..n {
            // 0 home, 1 old home, 2 maiden, 3 work
            let v = if k == 0 {
                0
            } else if p.maiden.is_some() && g.chance(0.5) {
                2
            } else if p.old_home.is_some() && g.chance(0.5) {
                1
            } else if p.work.is_some() && g.chance(0.5) {
                3
            } else {
                0
            };
            variants.push(v);
        }
        for &lets in &p.lets {
            let _ = lets;
            variants.push(4);
        }
        let mut lets = p.lets.iter();
        for v in variants {
            let (addr, surname) = match v {
                1 => (p.old_home.unwrap_or(p.home), p.surname.clone()),
                2 => p.maiden.clone().map_or((p.home, p.surname.clone()), |(s, a)| (a, s)),
                4 => (lets.next().copied().unwrap_or(p.home), p.surname.clone()),
                _ => (p.home, p.surname.clone()),
            };
            // Given name as written.
            let mut given = p.given.to_string();
            let u = g.rng.unit();
            if u < 0.13 {
                let nicks: Vec<&str> = NICK.iter().filter(|(f, _)| *f == p.given).map(|(_, n)| *n).collect();
                if !nicks.is_empty() {
                    given = g.pick(&nicks).to_string();
                }
            } else if u < 0.21 {
                given = p.given[..1].to_string();
            } else if u < 0.25 {
                if let Some(m) = p.middle {
                    given = format!("{} {m}", p.given);
                }
            } else if u < 0.29 {
                given = g.typo(p.given);
            }
            let mut surname = if g.chance(0.04) { g.typo(&surname) } else { surname };
            if surname.contains('-') && g.chance(0.3) {
                surname = surname.replace('-', " ");
            }
            if let Some(s) = p.suffix
                && g.chance(0.4)
            {
                surname = format!("{surname} {s}");
            }
            if g.chance(0.08) {
                let title = if p.dob.0 > 2008 {
                    "Master"
                } else {
                    *g.pick(&["Mr", "Mrs", "Ms", "Miss", "Dr"])
                };
                given = format!("{title} {given}");
            }
            let (given, surname) = if g.chance(0.03) {
                (surname, given)
            } else {
                (given, surname)
            };
            let (mut line, mut town, mut pc) = fmt_addr(&mut g, &addr);
            let (mut email, mut phone) = (String::new(), String::new());
            if v == 3 {
                let (emp, domain) = EMPLOYERS[p.work.unwrap_or(0)];
                line = format!("{emp}, {} Business Park", 1 + g.rng.below(40));
                town = "Cheltenham".into();
                pc = "GL51 9TT".into();
                email = g.email_for(p.given, &p.surname, domain);
                phone = format!("01242 {:06}", 200_000 + g.rng.below(10_000));
            } else {
                if g.chance(0.5) {
                    email = match (&p.email, &hh.email) {
                        (_, Some(h)) if v != 4 && g.chance(0.35) => h.clone(),
                        (Some(e), _) => e.clone(),
                        _ => String::new(),
                    };
                }
                if g.chance(0.55) {
                    phone = match (&p.mobile, &hh.landline) {
                        (_, Some(l)) if v != 4 && g.chance(0.4) => l.clone(),
                        (Some(m), _) => m.clone(),
                        _ => String::new(),
                    };
                }
            }
            if !email.is_empty() && g.chance(0.03) {
                email = g.typo(&email);
            }
            if !phone.is_empty() && g.chance(0.3) {
                phone = format!("+44 {}", phone.trim_start_matches('0'));
            }
            let dob = if g.chance(0.2) {
                fmt_dob(&mut g, p.dob)
            } else {
                String::new()
            };
            records.push(Record {
                id: String::new(),
                given_name: given,
                surname,
                address: line,
                locality: town,
                postcode: pc,
                date_of_birth: dob,
                email,
                phone,
            });
            person_of.push(pi);
        }
    }
    // Shuffle, then give opaque ids.
    let mut order: Vec<usize> = (0..records.len()).collect();
    for i in (1..order.len()).rev() {
        let j = g.rng.below(i + 1);
        order.swap(i, j);
    }
    let records: Vec<Record> = order
        .iter()
        .enumerate()
        .map(|(k, &i)| Record {
            id: format!("C{:06}", k + 1),
            ..records[i].clone()
        })
        .collect();
    let person: Vec<usize> = order.iter().map(|&i| person_of[i]).collect();
    SynthList {
        records,
        person,
        relations,
        names,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_realistic() {
        let o = SynthOptions {
            seed: 3,
            households: 200,
        };
        let a = generate(&o);
        let b = generate(&o);
        assert_eq!(a.records, b.records);
        assert!(a.records.len() > 300, "{}", a.records.len());
        let with_dob = a.records.iter().filter(|r| !r.date_of_birth.is_empty()).count();
        assert!(with_dob * 2 < a.records.len(), "most records have no date of birth");
        assert!(!a.truth_pairs().is_empty());
        assert!(a.relation_pairs().contains_key(&Relation::Household));
    }
}
