//! The cue lexicon: short phrases people use, grouped by what they tell us, and the matcher
//! that finds them in a message's tokens.
//!
//! A phrase is written as words separated by spaces. `stem*` matches any word starting with
//! `stem`; `#` any number (digits or a number word); `#th` an ordinal ("third", "3rd");
//! `_` any one word; `{class}` any word of a class below. Between the words of a phrase,
//! intensifiers ("really", "absolutely"…) are skipped, so "heard absolutely nothing" is
//! "heard nothing". Words are lower case, without apostrophes ("havent") and with Welsh
//! accents folded ("llŷn" → "llyn").

use std::collections::HashMap;
use std::sync::LazyLock;

/// What a cue tells us. Each kind is one feature of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Kind {
    /// "still waiting", "nobody has got back to me": dissatisfaction about lack of action.
    Chasing,
    /// "six weeks ago", "since January": time gone by.
    Elapsed,
    /// "again", "third time", "three weeks running".
    Repeated,
    /// "nothing has been done", "ignored", "never turned up".
    Inaction,
    /// "disgraceful", "fed up", "unacceptable".
    Negative,
    /// A positive word negated: "not happy", "not satisfied", "unhappy".
    NotSatisfied,
    /// "complain", "complaint" (not negated, not about a third party).
    Complaint,
    /// "complain about my neighbour": a request about somebody else, not about the council.
    ComplaintOther,
    /// "formal complaint", "ombudsman", "my councillor", "speak to a manager".
    Escalation,
    /// "rude", "hung up on me", "dismissive".
    Conduct,
    /// "charged twice", "wrong band", "already paid".
    Mistake,
    /// "your crew", "your contractor", "you have": the council as the actor.
    CouncilActor,
    /// "thanks for nothing", "fantastic service as always".
    Sarcasm,
    /// "thank you", "well done", "brilliant".
    Praise,
    /// A positive word, not negated: "happy", "pleased", "helpful".
    Positive,
    /// "sorted", "fixed", "problem solved".
    Resolved,
    /// "no complaints", "can't complain", "no problem".
    NoComplaint,
    /// The council's own voice: "here's how", "link in bio", "join our".
    CouncilVoice,
    /// A general question the website answers: "what time does the tip close?".
    InfoQuestion,
    /// "lol", "haha", "tagging", "shared".
    Chatter,
    /// Something wrong at a place or with a service: "pothole", "missed bin", "leaking".
    Problem,
    /// "can you", "please arrange", "I would like to".
    Request,
    /// The person's own matter: "my council tax", "my claim", "my bin".
    Personal,
    /// "photo attached", "pic".
    Photo,
    /// "dangerous", "urgent".
    Urgent,
    /// A worry about someone's safety or welfare: always actionable.
    Safeguarding,
}

pub const KINDS: usize = Kind::Safeguarding as usize + 1;

impl Kind {
    pub const ALL: [Kind; KINDS] = [
        Kind::Chasing,
        Kind::Elapsed,
        Kind::Repeated,
        Kind::Inaction,
        Kind::Negative,
        Kind::NotSatisfied,
        Kind::Complaint,
        Kind::ComplaintOther,
        Kind::Escalation,
        Kind::Conduct,
        Kind::Mistake,
        Kind::CouncilActor,
        Kind::Sarcasm,
        Kind::Praise,
        Kind::Positive,
        Kind::Resolved,
        Kind::NoComplaint,
        Kind::CouncilVoice,
        Kind::InfoQuestion,
        Kind::Chatter,
        Kind::Problem,
        Kind::Request,
        Kind::Personal,
        Kind::Photo,
        Kind::Urgent,
        Kind::Safeguarding,
    ];

    /// The label shown to the agent beside the cue.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Chasing => "chasing",
            Kind::Elapsed => "time gone by",
            Kind::Repeated => "repeated",
            Kind::Inaction => "no action",
            Kind::Negative => "negative",
            Kind::NotSatisfied => "not satisfied",
            Kind::Complaint => "complaint",
            Kind::ComplaintOther => "about someone else",
            Kind::Escalation => "escalation",
            Kind::Conduct => "staff conduct",
            Kind::Mistake => "mistake",
            Kind::CouncilActor => "the council's doing",
            Kind::Sarcasm => "sarcasm",
            Kind::Praise => "praise",
            Kind::Positive => "positive",
            Kind::Resolved => "resolved",
            Kind::NoComplaint => "no complaint",
            Kind::CouncilVoice => "council post",
            Kind::InfoQuestion => "general question",
            Kind::Chatter => "chatter",
            Kind::Problem => "problem",
            Kind::Request => "request",
            Kind::Personal => "own matter",
            Kind::Photo => "photo",
            Kind::Urgent => "urgent",
            Kind::Safeguarding => "safeguarding",
        }
    }
}

/// Word classes for `{class}` in phrases.
const CLASSES: &[(&str, &str)] = &[
    (
        "unit",
        "day days week weeks month months year years fortnight fortnights wythnos wythnosau mis misoedd",
    ),
    (
        "month",
        "january february march april june july august september october november december christmas easter \
         summer winter spring autumn",
    ),
    (
        "person",
        "neighbour neighbours man men woman women lady ladies gentleman girl girls boy boys lad lads child children \
         kid kids son daughter mum mom dad mother father brother sister friend friends baby teenager teenagers \
         person people family husband wife partner tenant resident pensioner gran grandmother grandad nan \
         nghymydog cymydog plentyn blant mhlentyn mam nhad tad ffrind",
    ),
    (
        "agent",
        "crew crews staff officer officers contractor contractors operative operatives warden wardens team teams \
         binmen men website app helpline advisor adviser workmen lorry drivers driver engineer engineers \
         department system",
    ),
    (
        "third",
        "neighbour neighbours neighbours next pub takeaway dog dogs landlord bonfires bonfire pigeons house \
         property garden hedge tree music party opposite upstairs downstairs business shop factory",
    ),
    (
        "mine",
        "council tax bill account claim application permit bin bins benefit benefits direct debit rent \
         repair repairs payment refund badge case appeal assessment reduction discount",
    ),
];

/// Intensifiers skipped between the words of a phrase.
const SKIP: &[&str] = &[
    "absolutely",
    "really",
    "very",
    "so",
    "just",
    "totally",
    "even",
    "actually",
    "completely",
    "literally",
    "still",
    "now",
    "all",
    "at",
    "ever",
    "exactly",
];

/// Negators: a positive word after one of these (within three words, same sentence) is
/// turned round.
const NEGATORS: &[&str] = &[
    "not", "no", "never", "nothing", "none", "hardly", "without", "isnt", "wasnt", "arent", "werent", "dont", "doesnt",
    "didnt", "cant", "cannot", "couldnt", "wouldnt", "wont", "hasnt", "havent", "hadnt", "shouldnt", "aint", "nt",
    "dim", "ddim", "nid",
];

/// The lexicon: each kind with its phrases, `|`-separated.
const LEXICON: &[(Kind, &str)] = &[
    (
        Kind::Chasing,
        "#th time i|#th time ive|#th time we|#th time weve|#th time im|#th time of asking|#th time that|\
         #th request|#th email|#th call|#th letter|#th ticket|#th message|#th time in|when will it be|when will someone|when will this|not returned|has not returned|hasnt returned|\
         anyone there|does anyone read|is anyone there|on hold|gave up|cant get through|trying to get through|\
         how this is fair|still waiting|still wait*|still not|still no|still nothing|still havent|still hasnt|still isnt|still cant|\
         still dont|still doesnt|still hasn|still had no|still being|still there|still broken|still leaking|\
         still happening|still outstanding|still unresolved|still getting|still on going|still ongoing|\
         heard nothing|not heard back|not heard anything|havent heard|havent had a reply|havent had any|\
         not had a reply|not had any|had no reply|had no response|no reply|no response|no answer|no acknowledgement|\
         no update|no call|no calls|no one has|no one will|no one came|noone|nobody has|nobody have|nobody came|\
         nobody rang|nobody returns|nobody will|nobody can|nobody from|nobody seems|no one seems|nobody is|\
         not one reply|zero calls|never received|never heard|never came|never rang|never arrived|never happened|\
         never replied|never comes|never turned up|never got back|didnt turn up|did not turn up|not turned up|\
         hasnt turned up|got back to me|get back to me|chasing|chased|chase this|how many times|\
         how much longer|how long|waiting since|been waiting|waited in|was promised|were promised|been promised|\
         i was told|we were told|was told it|promised a|keeps cancelling|keep cancelling|keep being told|\
         no option but|no choice but|sick of chasing|dal i aros|dim ateb|heb glywed|neb wedi|heb ateb",
    ),
    (
        Kind::Elapsed,
        "its now {month}|now {month}|past # {unit}|last # {unit}|# {unit} ago|for # {unit}|over # {unit}|# {unit} now|been # {unit}|# {unit} later|# {unit} running|\
         {unit} running|since {month}|since last|back in {month}|in {month} and|a fortnight|for {unit}|\
         week # of|weeks now|months now|months ago|weeks ago|# {unit} without|ers # {unit}|ers {unit}",
    ),
    (
        Kind::Repeated,
        "again|yet again|once again|#th time|# times|#th consecutive|#th week|same thing|same problem|same leak|\
         keeps happening|keep happening|every time|every week|each time|repeatedly|repeated|twice|third|\
         fourth|fifth|more often than not|not the first time|eto|trydydd tro|ail dro|ail wythnos",
    ),
    (
        Kind::Inaction,
        "not been cleaned|not been cut|not been fixed|not been repaired|not been touched|not been swept|\
         not started|failed to|has failed|have failed|needs doing|something needs|needs to be done|please stop|nothing has been done|nothing was done|nothing done|nothing has changed|nothing happens|done nothing|\
         doing nothing|did nothing|lifted a finger|no action|not been done|not done|never fixed|not fixed|\
         isnt fixed|ignored|ignore|ignoring|left alone|without any notice|without any warning|without warning|\
         without notice|without telling|nobody told|no one told|not one|no one will listen|nobody will listen|\
         doesnt address|did not address|didnt answer|did not answer|not answer|still no|closed without|\
         closed as resolved|paints over|went nowhere|passed between|passed on|different answers|\
         not responding|not returning|left with|no sign of",
    ),
    (
        Kind::Negative,
        "typical council|typical|disgrace*|disgust*|appalling|appalled|shocking|shambles|joke|ridiculous|unacceptable|pathetic|useless|\
         terrible|awful|dreadful|diabolical|outrag*|furious|angry|fuming|livid|frustrat*|fed up|sick of|\
         disappoint*|let down|upset|distress*|worst|poor service|poor communication|really poor|very poor|\
         embarrass*|shameful|ashamed|unbelievable|not good enough|no excuse|what is the point|whats the point|\
         what am i paying|waste of money|madness|incompeten*|not fair|how is this fair|losing faith|nobody cares|\
         no one cares|doesnt care|cares little|little the council cares|short sighted|a mess|total mess|chaos|nightmare|\
         beyond a joke|laughable|not acceptable|not on|sort it out|sort this out|enough is enough|lost a days pay|\
         days pay|took a day off|took the day off|gwarthus|annerbyniol|ofnadwy|siomedig|siomi",
    ),
    (
        Kind::NotSatisfied,
        "dissatisf*|unhappy|unhappiness|anhapus|not ok|not okay",
    ),
    (Kind::Complaint, "complain*|cwyn|cwyno|gwyno|grievance"),
    (
        Kind::Escalation,
        "formal complaint|stage 1|stage one|stage 2|stage two|ombudsman|my councillor|my mp|councillor|\
         speak to a manager|a manager to call|manager to call|supervisor|team leader|escalate|put on record|\
         solicitor|legal action|i want my money back|money back|refund me|expect this to be put right",
    ),
    (
        Kind::Conduct,
        "rude|rudely|dismissive|hung up|put the phone down|refused to give|attitude|unprofessional|\
         shouted at me|laughed at|patronising|condescending|wrong advice|given wrong",
    ),
    (
        Kind::Mistake,
        "charged twice|paid twice|overcharged|overcharge*|wrong band|wrong address|wrong amount|wrong rate|\
         is wrong|this is wrong|are wrong|been wrong|incorrect|mistake|error*|already paid|paid in full|\
         even though|despite|factual errors|wrong information|took the full|taken the full|\
         should not have|shouldnt have|not my fault|worse state|damaged|smashed our|broke our|left tar",
    ),
    (
        Kind::CouncilActor,
        "your {agent}|the councils|this council|the council has|the council keeps|council can|council couldnt|\
         council approved|you have|youve|you said|you sent|your letter|your reply|your officer|your website|\
         your app|your information|the council should|councillors",
    ),
    (
        Kind::Sarcasm,
        "thanks for nothing|as always|as usual|oh great|oh brilliant|great service|fantastic service|\
         well done everyone|well done again|cheers for nothing",
    ),
    (
        Kind::Praise,
        "thank*|thx|ty|cheers|well done|brilliant|great|excellent|fab|fantastic|lovely|wonderful|amazing|\
         impressive|appreciated|appreciate|top job|kind|patient|above and beyond|compliment|love|loving|\
         stunning|gorgeous|congratulations|congrats|superb|nice|diolch|gwych|ardderchog|bendigedig",
    ),
    (
        Kind::Positive,
        "happy|satisfied|pleased|impressed|good enough|acceptable|helpful|good|great|fair|clear|easy|easier|\
         perfect|perfectly",
    ),
    (
        Kind::Resolved,
        "sorted|all sorted|resolved|fixed|problem solved|working perfectly|has arrived|turned up|all done|\
         makes sense|no further action|issue fixed|so quickly|so fast|quick response|quick reply",
    ),
    (
        Kind::NoComplaint,
        "no problem|no problems|no issue|no issues|no worries",
    ),
    (
        Kind::CouncilVoice,
        "heres how|here is how|find out more|link in bio|sign up|join our|join us|visit our|follow us|\
         provided|check your collection|our website|book your|dont miss",
    ),
    (
        Kind::Chatter,
        "lol|haha*|wow|omg|shared|tagging|look at this|this is the|if anyone wants|anyone else|just curious|\
         please ignore|test",
    ),
    (
        Kind::Problem,
        "pothole*|hole|holes|crater|fly tip*|flytip*|fly tipping|tipped|dumped|dumping|broken|smashed|vandalis*|\
         damaged|cracked|crack|leak*|damp|mould|mold|blocked|flood*|pooling|overflowing|full to the top|\
         not collected|not been collected|wasnt collected|wasnt emptied|wasnt taken|werent collected|not emptied|\
         missed|miss|skipped|light out|lights out|lights are off|lights on the|stuck|not working|stopped working|\
         wont connect|wont work|wont let|doesnt work|isnt working|no heating|no hot water|no display|\
         blue screen|crashing|crash*|dropping|disconnect*|locked out|error|graffiti|needles|syringe*|dead|\
         abandoned|rats|rat|mice|pest*|wasps|dog mess|dog fouling|overgrown|fallen|tree down|knocked down|\
         missing|is empty|spreading|glass|rubbish|litter|smell|stink*|noise|loud|barking|bonfire*|squatters|\
         asbestos|knotweed|hanging off|on fire|ice|icy|lifting|blocking|obstruct*|dangerous|unsafe|\
         down|out of toner|slower|cant print|no access|without access|problem|problems|issue|fault|faulty|\
         twll|wedi torri|heb ei gasglu|heb eu casglu|tipio|sbwriel|ddim yn gweithio",
    ),
    (
        Kind::Request,
        "need to tell|to tell you|let you know|inform you|can i get|can i have|could i have|could i get|\
         can i book|copy of|moved house|moved in|moved out|please|pls|plz|can you|could you|can someone|could someone|can it|could it|i would like|id like|\
         i want to|i wish to|i need|we need|request*|send someone|arrange|book|order|apply|cancel|change|\
         update|remove|replacement|report*|reassess|refill*|check on|check it|clear|look at|have a look|\
         who do i|who should|who deals|who do we|what should|dispute|appeal*|hoffwn|os gwelwch yn dda|plis",
    ),
    (
        Kind::Personal,
        "my {mine}|our {mine}|my council|my reference|my ref|my details|my address|my name|my son|my daughter|\
         my mum|my mother|my dad|my house|my flat|our house|our flat|our road|our street|my car|our car|\
         my laptop|my account|ref|reference|fy",
    ),
    (Kind::Photo, "photo*|pic|pics|picture*|attached|image|llun"),
    (
        Kind::Urgent,
        "urgent*|dangerous|asap|immediately|emergency|before someone|someone will|could drop",
    ),
    (
        Kind::Safeguarding,
        "safeguard*|vulnerable|worried about {person}|worried about my|worried about the|worried about a|\
         concerned about {person}|concerned about my|concerned about the|concerned about a|concerned about an|\
         worried a|im worried|really worried|really concerned|check on him|check on her|\
         abuse*|abusing|abusive|hits her|hits him|hit her|hitting|beating|begging him|begging her|screams at her|\
         neglect*|self neglect*|left alone|on their own|on his own|on her own|home alone|suicid*|kill myself|\
         end it all|cant do this anymore|going to jump|want to die|nowhere to go|nowhere to sleep|sleeping rough|\
         rough sleep*|sleeping in|living in a tent|homeless|not seen him|not seen her|havent seen him|\
         havent seen her|not seen for|nobody has seen|no one has seen|not been seen|wont wake up|had a fall|\
         wandering|confused|dementia|taking money|exploit*|grooming|groomed|cuckoo*|run drugs|running drugs|\
         county lines|bruises|bruised|breaking point|cant cope|self harm|selfharm|pretending to be|\
         saying hes from the council|asking old people|scam*|rogue trader*|curtains are still shut|\
         poeni am|pryderus|diogelu|camdrin|cam drin|hunanladdiad",
    ),
];

/// Kinds whose words are turned round by a negator before them.
fn negated(kind: Kind) -> Option<Kind> {
    match kind {
        Kind::Positive | Kind::Praise => Some(Kind::NotSatisfied),
        Kind::Complaint => Some(Kind::NoComplaint),
        _ => None,
    }
}

#[derive(Debug)]
enum Elem {
    Word(&'static str),
    Prefix(&'static str),
    Number,
    Ordinal,
    Any,
    Class(&'static [&'static str]),
}

#[derive(Debug)]
struct Phrase {
    kind: Kind,
    elems: Vec<Elem>,
}

struct Lexicon {
    phrases: Vec<Phrase>,
    /// First word → phrases starting with it; prefixes are keyed by their first four
    /// letters (shorter prefixes by themselves).
    by_first: HashMap<&'static str, Vec<u16>>,
    prefix_keys: Vec<usize>,
}

const NUMBER_WORDS: &[&str] = &[
    "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "several", "few", "couple", "many", "dau", "tri", "chwe",
];
const ORDINAL_WORDS: &[&str] = &[
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "umpteenth",
    "nth",
];

pub fn is_number(w: &str) -> bool {
    (!w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())) || NUMBER_WORDS.contains(&w)
}

fn is_ordinal(w: &str) -> bool {
    if ORDINAL_WORDS.contains(&w) {
        return true;
    }
    let digits = w.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && matches!(&w[digits..], "st" | "nd" | "rd" | "th")
}

static CLASS_WORDS: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    CLASSES
        .iter()
        .map(|(name, words)| (*name, words.split_whitespace().collect()))
        .collect()
});

static LEXICON_INDEX: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut phrases = Vec::new();
    let mut by_first: HashMap<&'static str, Vec<u16>> = HashMap::new();
    for (kind, list) in LEXICON {
        for text in list.split('|') {
            let elems: Vec<Elem> = text
                .split_whitespace()
                .map(|w| {
                    if w == "#" {
                        Elem::Number
                    } else if w == "#th" {
                        Elem::Ordinal
                    } else if w == "_" {
                        Elem::Any
                    } else if let Some(class) = w.strip_prefix('{').and_then(|c| c.strip_suffix('}')) {
                        Elem::Class(CLASS_WORDS.get(class).map(Vec::as_slice).unwrap_or(&[]))
                    } else if let Some(stem) = w.strip_suffix('*') {
                        Elem::Prefix(stem)
                    } else {
                        Elem::Word(w)
                    }
                })
                .collect();
            let id = phrases.len() as u16;
            match elems.first() {
                Some(Elem::Word(w)) => by_first.entry(w).or_default().push(id),
                Some(Elem::Prefix(p)) => by_first.entry(&p[..p.len().min(4)]).or_default().push(id),
                Some(Elem::Number) => by_first.entry("#").or_default().push(id),
                Some(Elem::Ordinal) => by_first.entry("#th").or_default().push(id),
                Some(Elem::Class(words)) => {
                    for w in words.iter() {
                        by_first.entry(w).or_default().push(id);
                    }
                }
                Some(Elem::Any) | None => continue,
            }
            phrases.push(Phrase { kind: *kind, elems });
        }
    }
    let mut prefix_keys: Vec<usize> = phrases
        .iter()
        .filter_map(|p| match p.elems.first() {
            Some(Elem::Prefix(s)) => Some(s.len().min(4)),
            _ => None,
        })
        .collect();
    prefix_keys.sort_unstable();
    prefix_keys.dedup();
    Lexicon {
        phrases,
        by_first,
        prefix_keys,
    }
});

/// A word of the message: where it is in the original text and its normalised form.
#[derive(Debug, Clone)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub norm: String,
    /// Index of the sentence it is in.
    pub sentence: u32,
    /// Written in capitals, four letters or more ("AGAIN").
    pub shouted: bool,
}

/// A phrase found: its kind and the tokens it covers (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub kind: Kind,
    pub first: usize,
    pub last: usize,
}

fn elem_matches(e: &Elem, w: &str) -> bool {
    match e {
        Elem::Word(x) => *x == w,
        Elem::Prefix(p) => w.starts_with(p),
        Elem::Number => is_number(w),
        Elem::Ordinal => is_ordinal(w),
        Elem::Any => true,
        Elem::Class(words) => words.contains(&w),
    }
}

/// Tries a phrase at token `i`; returns the end (exclusive) when it matches.
fn match_at(p: &Phrase, toks: &[Token], i: usize) -> Option<usize> {
    let mut j = i;
    for (k, e) in p.elems.iter().enumerate() {
        loop {
            let t = toks.get(j)?;
            if k > 0 && t.sentence != toks[i].sentence {
                return None;
            }
            if elem_matches(e, &t.norm) {
                j += 1;
                break;
            }
            if k > 0 && SKIP.contains(&t.norm.as_str()) && j - i < 8 {
                j += 1;
                continue;
            }
            return None;
        }
    }
    Some(j)
}

/// Every phrase of the lexicon found in the tokens, negation applied, third-party
/// complaints told apart. Overlapping hits of one kind keep the first, longest one.
pub fn find(toks: &[Token]) -> Vec<Hit> {
    let lex = &*LEXICON_INDEX;
    let mut hits: Vec<Hit> = Vec::new();
    let mut candidates: Vec<u16> = Vec::new();
    for i in 0..toks.len() {
        let w = toks[i].norm.as_str();
        candidates.clear();
        if let Some(v) = lex.by_first.get(w) {
            candidates.extend_from_slice(v);
        }
        for &n in &lex.prefix_keys {
            if n < w.len()
                && w.is_char_boundary(n)
                && let Some(v) = lex.by_first.get(&w[..n])
            {
                candidates.extend_from_slice(v);
            }
        }
        if is_number(w)
            && let Some(v) = lex.by_first.get("#")
        {
            candidates.extend_from_slice(v);
        }
        if is_ordinal(w)
            && let Some(v) = lex.by_first.get("#th")
        {
            candidates.extend_from_slice(v);
        }
        for &id in &candidates {
            let p = &lex.phrases[id as usize];
            if let Some(end) = match_at(p, toks, i) {
                let kind = adjust(p.kind, toks, i, end);
                hits.push(Hit {
                    kind,
                    first: i,
                    last: end,
                });
            }
        }
    }
    // Keep, per kind, hits that do not overlap an earlier or longer one.
    hits.sort_by(|a, b| {
        (a.kind, a.first, std::cmp::Reverse(a.last)).cmp(&(b.kind, b.first, std::cmp::Reverse(b.last)))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        if let Some(prev) = kept.last()
            && prev.kind == h.kind
            && h.first < prev.last
        {
            continue;
        }
        kept.push(h);
    }
    kept
}

/// Negation and third-party complaints, decided from the words around a hit.
fn adjust(kind: Kind, toks: &[Token], first: usize, last: usize) -> Kind {
    let sentence = toks[first].sentence;
    if let Some(turned) = negated(kind) {
        let from = first.saturating_sub(3);
        let before = &toks[from..first];
        let mut negator = false;
        for t in before.iter().filter(|t| t.sentence == sentence) {
            match t.norm.as_str() {
                "but" | "and" => negator = false,
                w if NEGATORS.contains(&w) => negator = true,
                _ => {}
            }
        }
        if negator {
            return turned;
        }
    }
    if kind == Kind::Complaint {
        let third = CLASS_WORDS.get("third").map(Vec::as_slice).unwrap_or(&[]);
        let after = toks[last.min(toks.len())..]
            .iter()
            .take(7)
            .take_while(|t| t.sentence == sentence);
        for t in after {
            if matches!(
                t.norm.as_str(),
                "you" | "your" | "council" | "service" | "outcome" | "response" | "way"
            ) {
                break;
            }
            if third.contains(&t.norm.as_str()) || t.norm.ends_with("s") && third.contains(&&t.norm[..t.norm.len() - 1])
            {
                return Kind::ComplaintOther;
            }
        }
    }
    kind
}
