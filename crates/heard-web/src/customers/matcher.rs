//! "Possibly the same person": the customers the store's blocking finds for one customer
//! (shared postcode, email name, word of the name), scored by heard-understand's record
//! linkage, with the reasons in words an agent reads.
//!
//! Where the weights come from: the Fellegi–Sunter model learns u from random pairs and m
//! by EM from candidate pairs, with no labels, so it is trained on the council's own
//! customers once there are enough of them ([`TRAIN_MIN`] people; the newest
//! [`TRAIN_MAX`]), retrained every [`RETRAIN`] as the list grows, and cached in `AppState`.
//! Below that — a new council, a test — a few dozen records teach EM nothing, so the model
//! is trained once per process on the engine's generated council list (`synth`), whose
//! households, twins and namesakes give the household class its share; its name
//! frequencies are generic, which only softens the common-name adjustment.

use crate::AppState;
use crate::audit::{Action, Subject};
use crate::auth::Caller;
use heard_store::customer_matches::CustomerFacts;
use heard_understand::customers::{Comparison, Field, Matcher, Options, Reason, Record, synth};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// People the store must hold before its own list is trusted to train on.
pub const TRAIN_MIN: usize = 2_000;
/// Records trained on at most (the newest).
pub const TRAIN_MAX: usize = 30_000;
/// How long a model trained on the store's list is kept.
pub const RETRAIN: Duration = Duration::from_secs(6 * 3600);
/// Suggested from this probability of being one person.
/// Low, because a suggestion only asks the agent: one name at one address may be one
/// person or a parent and child, and the agent can tell.
pub const SUGGEST_FROM: f64 = 0.2;
/// Suggestions shown at most.
const SHOWN: usize = 5;

/// The cached matcher: when it was trained and whether on the store's own list.
pub(crate) type Cached = Option<(Instant, bool, Arc<Matcher>)>;

fn options() -> Options {
    Options {
        // Two cores are shared with the server; training is rare and off the request path.
        threads: 1,
        u_samples: 100_000,
        ..Options::default()
    }
}

/// The model trained on the generated council list, once per process.
fn generic() -> Option<Arc<Matcher>> {
    static GENERIC: OnceLock<Option<Arc<Matcher>>> = OnceLock::new();
    GENERIC
        .get_or_init(|| {
            let list = synth::generate(&synth::SynthOptions {
                households: 800,
                ..Default::default()
            });
            match Matcher::train(&list.records, &options()) {
                Ok(m) => Some(Arc::new(m)),
                Err(e) => {
                    tracing::error!(error = %e, "the customer matcher could not be trained");
                    None
                }
            }
        })
        .clone()
}

/// The matcher to use now (see the module docs); `None` only if training failed.
pub(crate) async fn matcher(state: &AppState) -> Option<Arc<Matcher>> {
    let mut cache = state.customer_matcher().lock().await;
    if let Some((at, _, m)) = &*cache
        && at.elapsed() < RETRAIN
    {
        return Some(m.clone());
    }
    let sample = match state.store().customer_sample(TRAIN_MAX).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "customers not read for the matcher; using the generic model");
            Vec::new()
        }
    };
    let own = sample.len() >= TRAIN_MIN;
    let trained = tokio::task::spawn_blocking(move || {
        if own {
            let records: Vec<Record> = sample.iter().flat_map(|f| records(f).into_iter().take(1)).collect();
            match Matcher::train(&records, &options()) {
                Ok(m) => return Some(Arc::new(m)),
                Err(e) => tracing::warn!(error = %e, "the matcher did not train on our customers"),
            }
        }
        generic()
    })
    .await
    .ok()
    .flatten()?;
    tracing::info!(own, "customer matcher trained");
    *cache = Some((Instant::now(), own, trained.clone()));
    Some(trained)
}

/// A stored name as given name and surname: "Smith, Ann" or "Ann Smith".
fn split_name(name: &str) -> (String, String) {
    if let Some((surname, given)) = name.split_once(',') {
        return (given.trim().to_string(), surname.trim().to_string());
    }
    match name.trim().rsplit_once(char::is_whitespace) {
        Some((given, surname)) => (given.trim().to_string(), surname.to_string()),
        None => (String::new(), name.trim().to_string()),
    }
}

/// One customer as records for the matcher: the i-th address, email and phone together
/// (at most three), so each of their addresses and identities is compared.
fn records(f: &CustomerFacts) -> Vec<Record> {
    let (given_name, surname) = split_name(&f.name);
    let n = f.addresses.len().max(f.emails.len()).max(f.phones.len()).clamp(1, 3);
    let pick = |v: &Vec<String>, i: usize| {
        if v.is_empty() {
            String::new()
        } else {
            v[i % v.len()].clone()
        }
    };
    (0..n)
        .map(|i| {
            let a = (!f.addresses.is_empty()).then(|| &f.addresses[i % f.addresses.len()]);
            Record {
                id: f.id.to_string(),
                given_name: given_name.clone(),
                surname: surname.clone(),
                address: a
                    .map(|a| {
                        std::iter::once(a.line1.as_str())
                            .chain(a.line2.as_deref())
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default(),
                locality: a.map(|a| a.town.clone()).unwrap_or_default(),
                postcode: a.map(|a| a.postcode.clone()).unwrap_or_default(),
                date_of_birth: String::new(),
                email: pick(&f.emails, i),
                phone: pick(&f.phones, i),
            }
        })
        .collect()
}

/// Drops identities that cannot count against a match in heard: an email address or phone
/// number belongs to one customer only, so two customers' always differ and "different"
/// says nothing. Kept: emails with one name at two providers, phones one digit apart.
fn comparable(a: &mut Record, b: &mut Record) {
    let local = |e: &str| e.split('@').next().unwrap_or("").to_lowercase();
    if a.email.is_empty() || b.email.is_empty() || local(&a.email) != local(&b.email) {
        a.email.clear();
        b.email.clear();
    }
    let digits = |p: &str| p.chars().filter(char::is_ascii_digit).collect::<Vec<_>>();
    let (x, y) = (digits(&a.phone), digits(&b.phone));
    if x.len() != y.len() || x.iter().zip(&y).filter(|(p, q)| p != q).count() > 1 {
        a.phone.clear();
        b.phone.clear();
    }
}

/// Two customers compared: the best agreement over their records.
pub(crate) fn compare(matcher: &Matcher, a: &CustomerFacts, b: &CustomerFacts) -> Comparison {
    let (left, right) = (records(a), records(b));
    let mut best: Option<Comparison> = None;
    for l in &left {
        for r in &right {
            let (mut l, mut r) = (l.clone(), r.clone());
            comparable(&mut l, &mut r);
            let c = matcher.compare(&l, &r);
            if best.as_ref().is_none_or(|b| c.probability > b.probability) {
                best = Some(c);
            }
        }
    }
    best.unwrap_or_else(|| matcher.compare(&Record::default(), &Record::default()))
}

/// One suggestion as the pages show it.
#[derive(Debug, Clone)]
pub(crate) struct SamePerson {
    pub id: i64,
    pub name: String,
    /// Their identities and addresses, in one line each.
    pub details: Vec<String>,
    /// "very likely the same person"
    pub likelihood: &'static str,
    pub percent: u32,
    /// Each reason in words, for and then against.
    pub reasons: Vec<String>,
}

/// The probability in words.
pub(crate) fn likelihood(p: f64) -> &'static str {
    match p {
        p if p >= 0.99 => "almost certainly the same person",
        p if p >= 0.9 => "very likely the same person",
        p if p >= 0.7 => "likely the same person",
        _ => "possibly the same person",
    }
}

/// One field's evidence in words, or `None` when it says little either way.
fn words(r: &Reason, reasons: &[Reason]) -> Option<String> {
    if r.weight.abs() < 0.5 {
        return None;
    }
    let given_agrees = reasons.iter().any(|x| x.field == Field::GivenName && x.weight > 0.0);
    let s = match (r.field, r.level) {
        (Field::GivenName, "same") => "same first name",
        (Field::GivenName, "nickname or middle name") => "first name a nickname or middle name of the other",
        (Field::GivenName, "typo") => "first name spelt slightly differently",
        (Field::GivenName, "initial agrees") => "initial agrees with the first name",
        (Field::GivenName, "similar") => "similar first name",
        (Field::GivenName, _) => "different first name",
        (Field::Surname, "same") => "same surname",
        (Field::Surname, "typo") => "surname spelt slightly differently",
        (Field::Surname, "partly the same") => "surname partly the same (double-barrelled?)",
        (Field::Surname, _) if given_agrees => "surname differs (married?)",
        (Field::Surname, _) => "different surname",
        (Field::DateOfBirth, "same") => "same date of birth",
        (Field::DateOfBirth, "different") => "different date of birth",
        (Field::DateOfBirth, _) => "date of birth nearly the same",
        (Field::Address, "same premises") => "same address",
        (Field::Address, "same premises, flat on one side only") => "same building, the flat given on one only",
        (Field::Address, "same building, different flat") => "same building, different flat",
        (Field::Address, "similar premises") => "similar address",
        (Field::Address, "same street, different number") => "same street, different number",
        (Field::Address, _) => "different address (moved?)",
        (Field::Postcode, "same") => "same postcode",
        (Field::Postcode, "different") => "different postcode",
        (Field::Postcode, _) => "postcode nearly the same",
        (Field::Locality, "same") => "same town",
        (Field::Locality, _) => return None,
        (Field::OtherAddress, _) => return None,
        (Field::Email, "same") => "same email address",
        (Field::Email, "same name, other domain") => "same email name at another provider",
        (Field::Email, _) => "different email address",
        (Field::Phone, "same") => "same phone number",
        (Field::Phone, "one digit off") => "phone number one digit different",
        (Field::Phone, _) => "different phone number",
    };
    Some(s.to_string())
}

/// The reasons in words: what agrees (strongest first), then what does not.
pub(crate) fn reasons(c: &Comparison) -> Vec<String> {
    let mut sorted: Vec<&Reason> = c.reasons.iter().collect();
    sorted.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    let mut out: Vec<String> = sorted.iter().filter_map(|r| words(r, &c.reasons)).collect();
    if c.household_probability >= 0.3 {
        out.push("could be two of one household".into());
    }
    if c.swapped_names {
        out.insert(0, "first name and surname the other way round".into());
    }
    out.dedup();
    out
}

/// A customer's identities and addresses, one line each.
pub(crate) fn details(f: &CustomerFacts) -> Vec<String> {
    f.emails
        .iter()
        .chain(&f.phones)
        .cloned()
        .chain(f.addresses.iter().map(|a| {
            let mut parts = vec![a.line1.clone()];
            parts.extend(a.line2.clone());
            parts.push(a.town.clone());
            parts.push(a.postcode.clone());
            parts.join(", ")
        }))
        .collect()
}

/// The customers that may be `customer` too, most likely first; each shown one is in the
/// audit log as read. Empty when anything fails (the page still opens).
pub(crate) async fn possibly_same(state: &AppState, caller: &Caller, customer: i64) -> Vec<SamePerson> {
    match suggestions(state, customer).await {
        Ok(found) => {
            for s in &found {
                let detail = serde_json::json!({"possibly_same_as": customer, "percent": s.percent});
                if let Err(e) = state
                    .audit(caller, Action::CUSTOMER_READ, Subject::customer(s.id), detail)
                    .await
                {
                    tracing::warn!(error = ?e.detail, "a suggestion's read was not audited; not shown");
                    return Vec::new();
                }
            }
            found
        }
        Err(e) => {
            tracing::warn!(error = %e, "same-person suggestions not read");
            Vec::new()
        }
    }
}

async fn suggestions(state: &AppState, customer: i64) -> Result<Vec<SamePerson>, heard_store::StoreError> {
    let store = state.store();
    if store.merged_into(customer).await?.is_some() {
        return Ok(Vec::new());
    }
    let ids = store.same_customer_candidates(customer).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let Some(me) = store.customer_facts(&[customer]).await?.pop() else {
        return Ok(Vec::new());
    };
    let Some(matcher) = matcher(state).await else {
        return Ok(Vec::new());
    };
    let others = store.customer_facts(&ids).await?;
    let mut scored: Vec<(Comparison, CustomerFacts)> = tokio::task::spawn_blocking(move || {
        others
            .into_iter()
            .map(|o| (compare(&matcher, &me, &o), o))
            .filter(|(c, _)| c.probability >= SUGGEST_FROM)
            .collect()
    })
    .await
    .unwrap_or_default();
    scored.sort_by(|a, b| b.0.probability.total_cmp(&a.0.probability).then(a.1.id.cmp(&b.1.id)));
    Ok(scored
        .into_iter()
        .take(SHOWN)
        .map(|(c, f)| SamePerson {
            id: f.id,
            name: f.name.clone(),
            details: details(&f),
            likelihood: likelihood(c.probability),
            percent: (c.probability * 100.0).floor() as u32,
            reasons: reasons(&c),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_either_way() {
        assert_eq!(split_name("Smith, Ann"), ("Ann".into(), "Smith".into()));
        assert_eq!(split_name("Ann Marie Smith"), ("Ann Marie".into(), "Smith".into()));
        assert_eq!(split_name("Smith"), (String::new(), "Smith".into()));
    }
}
