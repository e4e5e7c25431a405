//! Turning what people type into comparable parts: names (titles, suffixes, nicknames,
//! initials), UK postcodes, addresses with flats written several ways, dates of birth,
//! emails and phone numbers. Pure functions, no tables loaded at run time.

use super::Record;

/// Lower-case ASCII letters and digits; everything else becomes a space (accents folded).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'À' | 'Á' | 'Â' | 'Ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' | 'Ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' | 'Ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            'ŵ' => 'w',
            'ŷ' => 'y',
            _ => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c == '\'' || c == '’' {
            // O'Brien and OBrien are the same name.
        } else {
            out.push(' ');
        }
    }
    out
}

fn words(s: &str) -> Vec<String> {
    fold(s).split_whitespace().map(String::from).collect()
}

const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "rev", "revd", "prof", "sir", "dame", "lady", "lord", "cllr", "capt",
];

/// Generational suffixes: a father and son of one name at one address differ only here.
fn suffix_of(w: &str) -> Option<&'static str> {
    match w {
        "jr" | "jnr" | "junior" | "ii" => Some("jr"),
        "sr" | "snr" | "senior" => Some("sr"),
        "iii" => Some("iii"),
        _ => None,
    }
}

/// A person's name split into the parts that are compared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Name {
    /// First given name, or empty.
    pub given: String,
    /// Further given names (middle names), whole or initials.
    pub middle: Vec<String>,
    /// Surname, words joined without spaces ("smithjones" for "Smith-Jones").
    pub surname: String,
    /// The surname's words, for double-barrelled names.
    pub surname_words: Vec<String>,
    /// "jr", "sr" or "iii" when written.
    pub suffix: Option<&'static str>,
}

/// Splits given-name and surname fields; when only one full-name field is given (surname
/// empty) it is split as "Surname, Given" or "Given … Surname".
pub fn name(given: &str, surname: &str) -> Name {
    let mut suffix = None;
    let mut clean = |s: &str| -> Vec<String> {
        words(s)
            .into_iter()
            .filter(|w| {
                if let Some(x) = suffix_of(w) {
                    suffix = Some(x);
                    false
                } else {
                    !TITLES.contains(&w.as_str())
                }
            })
            .collect()
    };
    let (mut g, mut s) = (clean(given), clean(surname));
    if s.is_empty() && g.len() > 1 {
        if let Some((last, first)) = given.split_once(',') {
            g = clean(first);
            s = clean(last);
        } else if let Some(last) = g.pop() {
            s = vec![last];
        }
    }
    let mut g = g.into_iter();
    Name {
        given: g.next().unwrap_or_default(),
        middle: g.collect(),
        surname: s.concat(),
        surname_words: s,
        suffix,
    }
}

/// Nickname groups written by us: every name in a group is the same given name for
/// matching (a name can sit in several groups: "alex", "chris", "sam").
const NICKNAMES: &[&[&str]] = &[
    &["robert", "rob", "robbie", "bob", "bobby", "bert"],
    &["william", "will", "bill", "billy", "willie", "liam"],
    &[
        "elizabeth",
        "liz",
        "lizzie",
        "beth",
        "betty",
        "eliza",
        "libby",
        "elspeth",
        "bess",
        "lisa",
    ],
    &["margaret", "maggie", "meg", "peggy", "marge", "madge", "greta"],
    &["richard", "rick", "ricky", "dick", "richie", "rich"],
    &["james", "jim", "jimmy", "jamie", "jas"],
    &["john", "johnny", "jack", "jon", "ian", "sean"],
    &["jonathan", "jon", "jonny", "johnny"],
    &["michael", "mike", "mick", "mickey", "micky", "mikey"],
    &["thomas", "tom", "tommy"],
    &["anthony", "tony", "ant"],
    &["christopher", "chris", "kit", "topher"],
    &[
        "christine",
        "chris",
        "chrissie",
        "christina",
        "tina",
        "kirsty",
        "kristina",
    ],
    &[
        "catherine",
        "cathy",
        "kate",
        "katie",
        "kath",
        "cath",
        "kathryn",
        "katherine",
        "kitty",
        "kay",
        "cate",
    ],
    &["alexander", "alex", "alec", "sandy", "al", "xander", "sasha"],
    &["alexandra", "alex", "alexa", "lexi", "sandra", "sandy", "ali", "sasha"],
    &["samuel", "sam", "sammy"],
    &["samantha", "sam", "sammy", "sammie"],
    &["joseph", "joe", "joey", "jo"],
    &["josephine", "jo", "josie", "jose"],
    &["joanne", "jo", "joanna", "joan"],
    &["patrick", "pat", "paddy"],
    &["patricia", "pat", "patty", "trish", "tricia"],
    &["daniel", "dan", "danny"],
    &["david", "dave", "davy", "davey"],
    &["edward", "ed", "eddie", "ted", "teddy", "ned"],
    &["frederick", "fred", "freddie", "freddy"],
    &["henry", "harry", "hal", "hank"],
    &["charles", "charlie", "chas", "chuck"],
    &["charlotte", "charlie", "lottie", "lotte"],
    &["nicholas", "nick", "nicky", "nico"],
    &["nicola", "nicky", "nikki", "nic", "nicole"],
    &["stephen", "steve", "steven", "stevie"],
    &["andrew", "andy", "drew"],
    &["peter", "pete"],
    &["matthew", "matt", "matty"],
    &["benjamin", "ben", "benny", "benji"],
    &["gerald", "gerry", "jerry"],
    &["geoffrey", "geoff", "jeff", "jeffrey"],
    &["kenneth", "ken", "kenny"],
    &["lawrence", "laurence", "larry", "laurie"],
    &["leonard", "len", "lenny", "leo"],
    &["philip", "phil", "phillip", "pip"],
    &["raymond", "ray"],
    &["ronald", "ron", "ronnie"],
    &["donald", "don", "donny"],
    &["timothy", "tim", "timmy"],
    &["terence", "terry", "terrence"],
    &["gregory", "greg"],
    &["douglas", "doug", "dougie"],
    &["francis", "frank", "frankie", "fran"],
    &["frances", "fran", "frankie", "fanny"],
    &["susan", "sue", "susie", "suzanne", "susanne"],
    &["deborah", "debbie", "debra", "deb", "debs"],
    &["rebecca", "becky", "becca", "bex"],
    &["victoria", "vicky", "vikki", "tori", "vic"],
    &["jennifer", "jenny", "jen", "jenni"],
    &["jessica", "jess", "jessie"],
    &["rachel", "rach"],
    &["helen", "nell", "nellie", "ellen", "helena"],
    &["eleanor", "ellie", "nell", "elle", "elinor"],
    &["amanda", "mandy"],
    &["dorothy", "dot", "dotty", "dolly"],
    &["mary", "molly", "polly", "mae", "maria", "marie"],
    &["ann", "anne", "annie", "anna", "hannah", "nancy"],
    &["barbara", "barb", "babs"],
    &["caroline", "carol", "carrie", "carolyn"],
    &["gillian", "gill", "jill", "gilly"],
    &["judith", "judy", "jude"],
    &["kimberley", "kim", "kimberly"],
    &["louise", "lou", "lulu", "louisa"],
    &["louis", "lou", "lewis"],
    &["natalie", "nat", "natasha", "tash"],
    &["pamela", "pam"],
    &["penelope", "penny"],
    &["sarah", "sally", "sadie", "sara"],
    &["theresa", "tess", "tessa", "terri", "teresa"],
    &["valerie", "val"],
    &["wendy", "gwendoline", "gwen"],
    &["abigail", "abby", "abbie", "gail"],
    &["gareth", "gaz", "gary"],
    &["dafydd", "dai", "dave", "david"],
    &["ieuan", "iwan", "evan", "ifan"],
    &["sian", "shan"],
    &["siobhan", "shiv"],
    &["mohammed", "mohammad", "muhammad", "mohamed", "mohamad", "mo"],
    &["oliver", "ollie", "olly"],
    &["olivia", "liv", "livvy", "ollie"],
    &["isabel", "isabella", "izzy", "bella", "isobel"],
    &["emily", "em", "emmy"],
    &["emma", "em", "emmy"],
    &["zachary", "zach", "zak"],
    &["nathan", "nate", "nathaniel"],
    &["harriet", "hattie", "hettie"],
    &["albert", "bert", "albie", "al"],
    &["alfred", "alf", "alfie", "fred"],
    &["archibald", "archie"],
    &["harold", "harry", "hal"],
    &["walter", "walt", "wally"],
    &["arthur", "art", "artie"],
    &["stanley", "stan"],
    &["vincent", "vince", "vinny"],
    &["graham", "gray"],
    &["malcolm", "mal"],
    &["colin", "col"],
    &["roger", "rodge"],
    &["trevor", "trev"],
    &["neil", "neal", "niall"],
    &["shaun", "shawn", "sean"],
    &["stuart", "stewart", "stu"],
    &["kieran", "ciaran"],
    &["megan", "meg", "meghan"],
    &["lucy", "lucie", "lu"],
    &["sophie", "sophia", "soph"],
    &["jacqueline", "jackie", "jacqui"],
    &["christian", "chris"],
    &["julian", "jules"],
    &["juliet", "julie", "julia", "jules"],
    &["maureen", "mo"],
    &["beverley", "bev", "beverly"],
    &["lesley", "les", "leslie"],
    &["clifford", "cliff"],
    &["bernard", "bernie"],
];

/// The nickname groups a given name belongs to (sorted group indexes).
pub fn nickname_groups(given: &str) -> Vec<u16> {
    NICKNAMES
        .iter()
        .enumerate()
        .filter(|(_, g)| g.contains(&given))
        .map(|(i, _)| i as u16)
        .collect()
}

/// A key for a given name that nicknames share when unambiguous (blocking only).
pub fn given_root(given: &str) -> String {
    match NICKNAMES.iter().find(|g| g.contains(&given)) {
        Some(g) => g[0].to_string(),
        None => given.to_string(),
    }
}

/// Whether two different given names are a male/female pair written alike ("louis",
/// "louise"; "paul", "paula"): twins are named like this, so these never count as a typo.
pub fn gendered_pair(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
    if short.len() < 3 {
        return false;
    }
    match long.strip_prefix(short) {
        Some(rest) => matches!(
            rest,
            "a" | "e" | "ie" | "ine" | "ette" | "na" | "elle" | "le" | "ina" | "y"
        ),
        None => false,
    }
}

/// American Soundex (letter + three digits), for blocking on names that sound alike.
pub fn soundex(s: &str) -> String {
    let mut out = String::with_capacity(4);
    let mut last = 0u8;
    for c in s.bytes().filter(u8::is_ascii_lowercase) {
        let code = match c {
            b'b' | b'f' | b'p' | b'v' => b'1',
            b'c' | b'g' | b'j' | b'k' | b'q' | b's' | b'x' | b'z' => b'2',
            b'd' | b't' => b'3',
            b'l' => b'4',
            b'm' | b'n' => b'5',
            b'r' => b'6',
            b'h' | b'w' => continue,
            _ => 0,
        };
        if out.is_empty() {
            out.push(c.to_ascii_uppercase() as char);
        } else if code != 0 && code != last {
            out.push(code as char);
            if out.len() == 4 {
                break;
            }
        }
        last = code;
    }
    while !out.is_empty() && out.len() < 4 {
        out.push('0');
    }
    out
}

/// A postcode in its comparable form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Postcode {
    /// "GL50 1AA" for a UK postcode; otherwise the letters and digits as written.
    pub full: String,
    /// The outward code ("GL50"), when UK.
    pub outward: String,
    /// The sector ("GL50 1"), when UK.
    pub sector: String,
}

/// Normalises a UK postcode ("gl501aa", "GL50 1AA") to "GL50 1AA"; other codes (FEBRL's
/// four-digit ones) keep their letters and digits.
pub fn postcode(s: &str) -> Postcode {
    let compact: String = s
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let b = compact.as_bytes();
    let uk = (5..=7).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b[b.len() - 3].is_ascii_digit()
        && b[b.len() - 2].is_ascii_alphabetic()
        && b[b.len() - 1].is_ascii_alphabetic();
    if uk {
        let (out, inw) = compact.split_at(compact.len() - 3);
        Postcode {
            full: format!("{out} {inw}"),
            outward: out.to_string(),
            sector: format!("{out} {}", &inw[..1]),
        }
    } else {
        Postcode {
            full: compact,
            ..Postcode::default()
        }
    }
}

/// An address line in its comparable parts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Address {
    /// Flat, apartment or unit ("2", "b"), when written.
    pub flat: String,
    /// House number ("10"), when written.
    pub number: String,
    /// Street (or building) name, abbreviations expanded, spaces removed: "highstreet".
    pub street: String,
    /// Other words (building names, areas), space-separated.
    pub other: String,
}

fn street_word(w: &str, first: bool) -> &str {
    match w {
        "st" | "str" if first => "saint",
        "st" | "str" => "street",
        "rd" => "road",
        "ave" | "av" => "avenue",
        "ln" => "lane",
        "cl" => "close",
        "cres" | "cresc" => "crescent",
        "dr" | "drv" => "drive",
        "ct" => "court",
        "pl" => "place",
        "gdns" | "gdn" => "gardens",
        "sq" => "square",
        "tce" | "terr" => "terrace",
        "pk" => "park",
        "gr" | "grv" => "grove",
        "hse" => "house",
        "mt" => "mount",
        _ => w,
    }
}

const FLAT_WORDS: &[&str] = &["flat", "apartment", "apt", "unit", "room", "maisonette", "flt"];

/// Parses one address ("Flat 2, 10 High St", "2/10 High Street", "10b High Street",
/// "Rose Cottage, Mill Lane") into flat, number, street and other words.
pub fn address(s: &str) -> Address {
    let mut a = Address::default();
    let mut other: Vec<Vec<String>> = Vec::new();
    // Work through comma-separated parts; the first part with a house number is the premise.
    let lowered = s.replace('/', " / ");
    let mut pending_flat = false;
    for part in lowered.split([',', ';', '\n']) {
        let ws: Vec<String> = part
            .split_whitespace()
            .flat_map(|w| if w == "/" { vec!["/".to_string()] } else { words(w) })
            .collect();
        if ws.is_empty() {
            continue;
        }
        let mut i = 0;
        if FLAT_WORDS.contains(&ws[0].as_str()) {
            pending_flat = true;
            i = 1;
        }
        if pending_flat && i < ws.len() && a.flat.is_empty() {
            a.flat = ws[i].clone();
            i += 1;
            pending_flat = false;
        }
        if i >= ws.len() {
            continue;
        }
        if a.number.is_empty() && a.street.is_empty() && ws[i].bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            // "2 / 10 High St": flat 2 at number 10.
            if ws.get(i + 1).is_some_and(|w| w == "/")
                && ws
                    .get(i + 2)
                    .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
            {
                if a.flat.is_empty() {
                    a.flat = ws[i].clone();
                }
                i += 2;
            }
            let tok = &ws[i];
            let digits: String = tok.chars().take_while(char::is_ascii_digit).collect();
            let rest = &tok[digits.len()..];
            a.number = digits;
            if !rest.is_empty() && a.flat.is_empty() {
                // "10b": flat b at number 10.
                a.flat = rest.to_string();
            }
            i += 1;
            // "10 a High St"
            if a.flat.is_empty() && ws.get(i).is_some_and(|w| w.len() == 1 && w != "/" && ws.len() > i + 1) {
                a.flat = ws[i].clone();
                i += 1;
            }
            let street: Vec<&str> = ws[i..]
                .iter()
                .filter(|w| *w != "/")
                .enumerate()
                .map(|(k, w)| street_word(w, k == 0))
                .collect();
            a.street = street.concat();
        } else if a.number.is_empty() && a.street.is_empty() && !ws[i..].is_empty() && looks_like_street(&ws[i..]) {
            let street: Vec<&str> = ws[i..]
                .iter()
                .enumerate()
                .map(|(k, w)| street_word(w, k == 0))
                .collect();
            a.street = street.concat();
        } else {
            other.push(
                ws[i..]
                    .iter()
                    .filter(|w| *w != "/")
                    .map(|w| street_word(w, false).to_string())
                    .collect(),
            );
        }
    }
    if a.street.is_empty() && !other.is_empty() {
        // No street recognised ("Rose Cottage", "pridhamstreet"): the first part is the premise.
        a.street = other.remove(0).concat();
    }
    a.other = other.concat().join(" ");
    a
}

fn looks_like_street(ws: &[String]) -> bool {
    const TYPES: &[&str] = &[
        "street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "close", "cl", "crescent", "drive", "dr", "court",
        "place", "gardens", "square", "terrace", "way", "walk", "row", "hill", "grove", "park", "mews", "view", "rise",
    ];
    ws.last().is_some_and(|w| TYPES.contains(&w.as_str()))
}

/// The flat written as a comparable key: letters become their position ("b" → "2"), so
/// "10b" and "Flat 2, 10" agree.
pub fn flat_key(flat: &str) -> String {
    let f = flat.trim_start_matches('0');
    if f.len() == 1 && f.as_bytes()[0].is_ascii_lowercase() {
        return ((f.as_bytes()[0] - b'a' + 1) as u32).to_string();
    }
    f.to_string()
}

/// A date of birth as "YYYYMMDD" (or the digits as written when it cannot be read).
pub fn date_of_birth(s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        return String::new();
    }
    let parts: Vec<&str> = s.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty()).collect();
    if parts.len() == 3 && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        let (y, m, d) = if parts[0].len() == 4 {
            (parts[0], parts[1], parts[2])
        } else {
            (parts[2], parts[1], parts[0])
        };
        let y = if y.len() == 2 {
            // Two-digit years: a customer is at most a hundred years old.
            let n: u32 = y.parse().unwrap_or(0);
            if n <= 30 { format!("20{y}") } else { format!("19{y}") }
        } else {
            y.to_string()
        };
        return format!("{y}{m:0>2}{d:0>2}");
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 8 && !(digits.starts_with("19") || digits.starts_with("20")) {
        // DDMMYYYY
        return format!("{}{}{}", &digits[4..], &digits[2..4], &digits[..2]);
    }
    digits
}

/// An email address, lower-cased, with the local part split off.
pub fn email(s: &str) -> (String, String) {
    let e = s.trim().to_ascii_lowercase();
    match e.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
            let local: String = local
                .split('+')
                .next()
                .unwrap_or(local)
                .chars()
                .filter(|c| *c != '.')
                .collect();
            (e.clone(), local)
        }
        _ => (String::new(), String::new()),
    }
}

/// A phone number as its last ten digits (so "+44 1242 …" and "01242 …" agree).
pub fn phone(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 6 {
        return String::new();
    }
    digits[digits.len().saturating_sub(10)..].to_string()
}

/// One record in comparable form, made once per record.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub name: Name,
    /// Initials of every given name, first included.
    pub initials: String,
    pub nick: Vec<u16>,
    pub address: Address,
    pub flat_key: String,
    pub locality: String,
    pub postcode: Postcode,
    pub dob: String,
    pub email: String,
    pub email_local: String,
    /// When the given name is only an initial: the name its email address begins with, if
    /// that begins with the initial ("m" and "matthew_38@…" give "matthew"); else empty.
    pub email_given: String,
    pub phone: String,
}

/// The first word of an email's local part, when it can be the full form of `initial`: three
/// letters or more, starting with the initial and not the surname ("thebutlers", "jdixon" and
/// "dixon.j" say nothing about the given name).
pub fn email_given_name(email: &str, initial: &str, surname: &str) -> String {
    let local = email.split('@').next().unwrap_or("");
    let first = local.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
    let fits = first.len() >= 3
        && first.starts_with(initial)
        && (surname.len() < 3 || !(first.contains(surname) || surname.contains(first)));
    if fits { first.to_string() } else { String::new() }
}

/// Normalises a record for comparison.
pub fn prepare(r: &Record) -> Prepared {
    let name = name(&r.given_name, &r.surname);
    let initials: String = std::iter::once(&name.given)
        .chain(name.middle.iter())
        .filter_map(|w| w.chars().next())
        .collect();
    let address = address(&r.address);
    let (email, email_local) = email(&r.email);
    let email_given = if name.given.len() == 1 {
        email_given_name(&email, &name.given, &name.surname)
    } else {
        String::new()
    };
    Prepared {
        email_given,
        nick: nickname_groups(&name.given),
        initials,
        flat_key: flat_key(&address.flat),
        address,
        locality: fold(&r.locality).split_whitespace().collect::<Vec<_>>().concat(),
        postcode: postcode(&r.postcode),
        dob: date_of_birth(&r.date_of_birth),
        email,
        email_local,
        phone: phone(&r.phone),
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_titles_and_keep_suffixes() {
        let n = name("Mr John Paul", "Smith-Jones Jnr");
        assert_eq!(n.given, "john");
        assert_eq!(n.middle, vec!["paul"]);
        assert_eq!(n.surname, "smithjones");
        assert_eq!(n.suffix, Some("jr"));
        let n = name("Smith, Jane", "");
        assert_eq!((n.given.as_str(), n.surname.as_str()), ("jane", "smith"));
        assert_eq!(name("O'Brien", "").given, "obrien");
    }

    #[test]
    fn nicknames_share_a_group() {
        let bob = nickname_groups("bob");
        let robert = nickname_groups("robert");
        assert!(bob.iter().any(|g| robert.contains(g)));
        assert!(nickname_groups("zebedee").is_empty());
        assert!(gendered_pair("louis", "louise"));
        assert!(gendered_pair("paula", "paul"));
        assert!(!gendered_pair("jon", "john"));
    }

    #[test]
    fn initials_filled_in_from_the_email() {
        assert_eq!(email_given_name("matthew_385@icloud.com", "m", "nowak"), "matthew");
        assert_eq!(email_given_name("m.nowak@icloud.com", "m", "nowak"), "");
        assert_eq!(email_given_name("mnowak@icloud.com", "m", "nowak"), "");
        assert_eq!(email_given_name("thenowaks2@icloud.com", "m", "nowak"), "");
        assert_eq!(email_given_name("sarah@x.com", "m", "nowak"), "");
    }

    #[test]
    fn soundex_codes() {
        assert_eq!(soundex("robert"), "R163");
        assert_eq!(soundex("rupert"), "R163");
        assert_eq!(soundex("lee"), "L000");
        assert_eq!(soundex(""), "");
    }

    #[test]
    fn postcodes() {
        let p = postcode("gl501aa");
        assert_eq!(p.full, "GL50 1AA");
        assert_eq!(p.outward, "GL50");
        assert_eq!(p.sector, "GL50 1");
        assert_eq!(postcode(" SW1A 2aa ").full, "SW1A 2AA");
        assert_eq!(postcode("2119").full, "2119");
        assert_eq!(postcode("2119").outward, "");
    }

    #[test]
    fn flats_written_several_ways_agree() {
        let a = address("Flat 2, 10 High St");
        let b = address("2/10 High Street");
        let c = address("10b High Street");
        assert_eq!(
            (a.flat.as_str(), a.number.as_str(), a.street.as_str()),
            ("2", "10", "highstreet")
        );
        assert_eq!(
            (b.flat.as_str(), b.number.as_str(), b.street.as_str()),
            ("2", "10", "highstreet")
        );
        assert_eq!((c.flat.as_str(), c.number.as_str()), ("b", "10"));
        assert_eq!(flat_key(&c.flat), flat_key(&a.flat));
        let d = address("Apartment 4, Mill House, 3 St Mary's Rd");
        assert_eq!(
            (d.flat.as_str(), d.number.as_str(), d.street.as_str()),
            ("4", "3", "saintmarysroad")
        );
        assert_eq!(d.other, "mill house");
        let e = address("Rose Cottage, Mill Lane");
        assert_eq!(e.street, "milllane");
        assert_eq!(e.other, "rose cottage");
    }

    #[test]
    fn dates_of_birth() {
        assert_eq!(date_of_birth("19560409"), "19560409");
        assert_eq!(date_of_birth("09/04/1956"), "19560409");
        assert_eq!(date_of_birth("1956-4-9"), "19560409");
        assert_eq!(date_of_birth("9/4/56"), "19560409");
        assert_eq!(date_of_birth("09041956"), "19560409");
        assert_eq!(date_of_birth(""), "");
    }

    #[test]
    fn emails_and_phones() {
        assert_eq!(email("J.Smith+bins@Example.org").1, "jsmith");
        assert_eq!(email("not an email").0, "");
        assert_eq!(phone("+44 1242 123456"), phone("01242 123456"));
        assert_eq!(phone("123"), "");
    }
}
