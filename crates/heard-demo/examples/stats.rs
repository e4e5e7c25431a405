//! Prints what the default demo council contains and how long it takes to generate.
//!
//! `cargo run --release -p heard-demo --example stats [seed] [case-index…]`

use std::collections::BTreeMap;

fn main() {
    let mut args = std::env::args().skip(1);
    let seed: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(42);
    let rest: Vec<String> = args.collect();
    let now = jiff::Timestamp::now();
    let start = std::time::Instant::now();
    let c = heard_demo::generate(seed, &heard_demo::Scale::default(), now, &mut |_| {});
    let took = start.elapsed();
    let contacts: usize = c.cases.iter().map(|c| c.contacts.len()).sum();
    println!(
        "{}: {} services, {} sites, {} teams, {} users",
        c.name,
        c.services.len(),
        c.sites.len(),
        c.teams.len(),
        c.users.len()
    );
    println!(
        "{} customers, {} cases, {contacts} contacts in {took:?}",
        c.customers.len(),
        c.cases.len()
    );
    let mut by: BTreeMap<String, usize> = BTreeMap::new();
    for case in &c.cases {
        *by.entry(format!("service {}", case.service)).or_default() += 1;
        *by.entry(format!("kind {}", case.kind)).or_default() += 1;
        *by.entry(format!("status {}", case.status)).or_default() += 1;
        for ct in &case.contacts {
            *by.entry(format!("channel {} {}", ct.channel, ct.direction))
                .or_default() += 1;
        }
    }
    for (k, v) in by {
        println!("  {k}: {v}");
    }
    let mut show: Vec<usize> = rest.iter().filter_map(|s| s.parse().ok()).collect();
    // `find=text` shows the first two cases whose first contact mentions `text`.
    for f in rest.iter().filter_map(|s| s.strip_prefix("find=")) {
        show.extend(
            c.cases
                .iter()
                .enumerate()
                .filter(|(_, k)| k.contacts[0].body.contains(f))
                .map(|(i, _)| i)
                .take(2),
        );
    }
    for i in show {
        let case = &c.cases[i];
        let cu = &c.customers[case.customer];
        println!(
            "\n=== case {i}: {} {} {} {:?} owner {:?} site {:?} — {} ({:?})",
            case.service,
            case.kind,
            case.status,
            case.priority,
            case.owner.map(|o| &c.users[o].email),
            case.site,
            cu.name,
            cu.organisation_kind
        );
        for ct in &case.contacts {
            println!(
                "--- {} {} {} from {} id {:?}\n    subject: {:?}\n{}",
                ct.received_at, ct.channel, ct.direction, ct.from, ct.external_id, ct.subject, ct.body
            );
        }
    }
}
