use super::*;
use heard_core::identity::Sender;
use heard_core::{IdentityKind, Postcode};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

const NOW: &str = "2025-06-18T14:30:00Z";

fn now() -> jiff::Timestamp {
    NOW.parse().expect("constant")
}

/// The default-scale council, generated once for all tests.
fn council() -> &'static Council {
    static C: OnceLock<Council> = OnceLock::new();
    C.get_or_init(|| generate(42, &Scale::default(), now(), &mut |_| {}))
}

fn digest(c: &Council) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{c:?}").hash(&mut h);
    h.finish()
}

fn days_ago(t: jiff::Timestamp) -> i64 {
    (now().as_second() - t.as_second()) / 86_400
}

#[test]
fn same_seed_same_council() {
    let scale = Scale {
        customers: 600,
        cases: 1_500,
    };
    let a = generate(7, &scale, now(), &mut |_| {});
    let b = generate(7, &scale, now(), &mut |_| {});
    assert_eq!(digest(&a), digest(&b));
    assert_eq!(a.cases[100].contacts[0].body, b.cases[100].contacts[0].body);
    let c = generate(8, &scale, now(), &mut |_| {});
    assert_ne!(digest(&a), digest(&c));
}

#[test]
fn default_scale_counts() {
    let c = council();
    let contacts: usize = c.cases.iter().map(|c| c.contacts.len()).sum();
    assert!(c.services.len() >= 12);
    for slug in [
        "revenues-and-benefits",
        "registrar",
        "highways",
        "street-lighting",
        "waste",
        "libraries",
        "housing",
        "planning",
        "parking",
        "environmental-health",
        "customer-services",
        "ict-service-desk",
    ] {
        assert!(c.services.iter().any(|s| s.slug == slug), "{slug}");
    }
    assert!(c.sites.len() >= 20, "{} sites", c.sites.len());
    assert!(c.customers.len() >= 2_000, "{} customers", c.customers.len());
    assert!(c.cases.len() >= 9_000, "{} cases", c.cases.len());
    assert!(contacts >= 20_000, "{contacts} contacts");
    assert!(c.users.len() >= 15);
}

#[test]
fn services_teams_and_keywords_line_up() {
    let c = council();
    for s in &c.services {
        assert!(c.teams.iter().any(|t| t.slug == s.team), "{} has no team", s.slug);
        assert!(s.keywords.len() >= 8, "{} has few keywords", s.slug);
        assert!(s.keywords.iter().all(|k| *k == k.to_lowercase()), "{}", s.slug);
    }
    for u in &c.users {
        for s in &u.services {
            assert!(c.services.iter().any(|x| &x.slug == s), "{} works unknown {s}", u.email);
        }
        if u.role == Role::BackOffice {
            assert!(!u.services.is_empty(), "{}", u.email);
        }
    }
}

#[test]
fn demo_logins_present() {
    let c = council();
    for (email, role) in [
        ("agent@demo.heard", Role::Agent),
        ("manager@demo.heard", Role::TeamManager),
        ("admin@demo.heard", Role::Admin),
    ] {
        let u = c.users.iter().find(|u| u.email == email).expect(email);
        assert_eq!(u.role, role);
    }
    assert!(c.users.iter().any(|u| u.role == Role::Auditor));
    let emails: BTreeSet<_> = c.users.iter().map(|u| &u.email).collect();
    assert_eq!(emails.len(), c.users.len());
    for u in &c.users {
        assert!(Identity::email(&u.email).is_ok(), "{}", u.email);
    }
}

#[test]
fn identities_valid_and_unique() {
    let c = council();
    let mut seen = BTreeSet::new();
    for (i, cu) in c.customers.iter().enumerate() {
        assert!(
            !cu.identities.is_empty() || cu.kind == CustomerKind::Organisation,
            "customer {i} has no identity"
        );
        for id in &cu.identities {
            let again = Identity::new(id.kind, &id.value).expect("valid identity");
            assert_eq!(&again, id);
            assert!(seen.insert((id.kind, id.value.clone())), "{id} is used twice");
            if id.kind == IdentityKind::Phone {
                let v = &id.value;
                assert!(
                    v.starts_with("+447700900") || v.starts_with("+441632960") || v.starts_with("+442079460"),
                    "{v} is outside the drama ranges"
                );
            }
            if id.kind == IdentityKind::Email {
                assert!(
                    id.value.ends_with(".example") || id.value.contains("@example."),
                    "{}",
                    id.value
                );
            }
        }
        for &(org, _) in &cu.links {
            assert_eq!(c.customers[org].kind, CustomerKind::Organisation);
        }
        assert_eq!(cu.kind == CustomerKind::Organisation, cu.organisation_kind.is_some());
    }
    // Staff logins are never customers.
    for u in &c.users {
        assert!(!seen.contains(&(IdentityKind::Email, u.email.clone())));
    }
}

#[test]
fn postcodes_valid() {
    let c = council();
    let addresses = c
        .customers
        .iter()
        .flat_map(|c| c.addresses.iter())
        .chain(c.sites.iter().filter_map(|s| s.address.as_ref()));
    let mut n = 0;
    for a in addresses {
        assert_eq!(
            Postcode::parse(a.postcode.as_str()).expect("valid postcode"),
            a.postcode
        );
        n += 1;
    }
    assert!(n > 2_000);
}

#[test]
fn contacts_sorted_recent_and_well_formed() {
    let c = council();
    let mut ids: BTreeMap<Channel, BTreeSet<&str>> = BTreeMap::new();
    let mut last_start = None;
    for (i, case) in c.cases.iter().enumerate() {
        assert!(!case.contacts.is_empty() && case.contacts.len() <= 5, "case {i}");
        assert_eq!(case.contacts[0].direction, Direction::Inbound, "case {i}");
        assert!(
            case.kind.statuses().contains(&case.status),
            "case {i}: {} {}",
            case.kind,
            case.status
        );
        assert_eq!(case.owner.is_none(), case.status == CaseStatus::New, "case {i}");
        assert!(c.services.iter().any(|s| s.slug == case.service));
        if let Some(site) = &case.site {
            assert!(c.sites.iter().any(|s| &s.slug == site), "{site}");
        }
        let start = case.contacts[0].received_at;
        assert!(last_start.is_none_or(|l| l <= start), "cases are in order");
        last_start = Some(start);
        for w in case.contacts.windows(2) {
            assert!(w[0].received_at < w[1].received_at, "case {i} contacts out of order");
        }
        let customer = &c.customers[case.customer];
        for ct in &case.contacts {
            assert!(ct.received_at <= now(), "case {i} contact in the future");
            assert!(days_ago(ct.received_at) < 366, "case {i} contact older than a year");
            assert!(
                !ct.body.contains('{') && !ct.body.contains('}'),
                "unfilled slot: {}",
                ct.body
            );
            if let Some(s) = &ct.subject {
                assert!(!s.contains('{'), "unfilled slot: {s}");
            }
            let sender = Sender::parse(ct.channel, &ct.from).unwrap_or_else(|e| panic!("{}: {e}", ct.from));
            match ct.direction {
                Direction::Inbound => assert!(
                    customer.identities.contains(&sender.identity),
                    "case {i}: {} is not one of {}'s identities",
                    ct.from,
                    customer.name
                ),
                Direction::Outbound => assert!(ct.from.ends_with("@demo.heard"), "{}", ct.from),
            }
            if let Some(id) = &ct.external_id {
                assert!(
                    ids.entry(ct.channel).or_default().insert(id),
                    "duplicate external id {id}"
                );
            }
            if matches!(
                ct.channel,
                Channel::Email | Channel::Facebook | Channel::X | Channel::Open311 | Channel::WebForm
            ) {
                assert!(
                    ct.external_id.is_some(),
                    "{} contact without an external id",
                    ct.channel
                );
            }
        }
    }
}

#[test]
fn office_hours_and_weekends_shape_the_traffic() {
    let c = council();
    let mut weekday = 0usize;
    let mut weekend = 0usize;
    for case in &c.cases {
        let first = &case.contacts[0];
        let wd = first
            .received_at
            .to_zoned(jiff::tz::TimeZone::UTC)
            .weekday()
            .to_monday_zero_offset();
        if wd >= 5 {
            weekend += 1;
            assert_ne!(first.channel, Channel::Phone, "phone lines are closed at weekends");
        } else {
            weekday += 1;
        }
    }
    assert!(weekend * 8 < weekday, "{weekend} weekend vs {weekday} weekday cases");
}

#[test]
fn complaints_are_few() {
    let c = council();
    let mut per: BTreeMap<(&str, i64), usize> = BTreeMap::new();
    for case in c.cases.iter().filter(|c| c.kind == CaseKind::Complaint) {
        let q = days_ago(case.contacts[0].received_at) / 91;
        *per.entry((case.service.as_str(), q)).or_default() += 1;
    }
    for ((service, q), n) in per {
        assert!(n <= 2, "{n} complaints about {service} in quarter {q}");
    }
}

#[test]
fn planted_wifi_pattern() {
    let c = council();
    let recent = |case: &&Case| days_ago(case.contacts[0].received_at) < 91;
    let at_library = |case: &&Case| case.site.as_deref() == Some("castle-street-library");
    let complaints: Vec<_> = c
        .cases
        .iter()
        .filter(recent)
        .filter(at_library)
        .filter(|c| c.kind == CaseKind::Complaint && c.service == "libraries")
        .collect();
    assert_eq!(complaints.len(), 2);
    let customers: BTreeSet<_> = complaints.iter().map(|c| c.customer).collect();
    assert_eq!(customers.len(), 2);
    for case in &complaints {
        assert_eq!(c.customers[case.customer].kind, CustomerKind::Person);
        assert!(case.contacts[0].body.contains("WiFi"));
    }
    let incidents: Vec<_> = c
        .cases
        .iter()
        .filter(recent)
        .filter(at_library)
        .filter(|c| c.kind == CaseKind::Incident && c.service == "ict-service-desk")
        .collect();
    let wifi: Vec<_> = incidents
        .iter()
        .filter(|c| c.contacts[0].body.contains("WiFi"))
        .collect();
    assert!(wifi.len() >= 6, "{} WiFi incidents", wifi.len());
    for case in &wifi {
        assert_eq!(case.contacts[0].channel, Channel::ServiceDesk);
        let staff = &c.customers[case.customer];
        let org = staff.links.first().expect("library staff belong to a department").0;
        assert_eq!(
            c.customers[org].organisation_kind,
            Some(OrganisationKind::InternalDepartment)
        );
    }
    // Only two library complaints of any kind in the quarter: the pattern is not drowned out.
    let library_complaints = c
        .cases
        .iter()
        .filter(recent)
        .filter(|c| c.kind == CaseKind::Complaint && c.service == "libraries")
        .count();
    assert_eq!(library_complaints, 2);
}

#[test]
fn planted_revspro_burst() {
    let c = council();
    let revspro: Vec<i64> = c
        .cases
        .iter()
        .filter(|c| c.service == "ict-service-desk" && c.kind == CaseKind::Incident)
        .filter(|c| c.contacts[0].body.contains("RevsPro"))
        .map(|c| days_ago(c.contacts[0].received_at))
        .collect();
    let burst = revspro.iter().filter(|&&d| (17..=26).contains(&d)).count();
    assert!(burst >= 14, "{burst} RevsPro calls in the burst");
    let elsewhere = revspro.len() - burst;
    assert!(elsewhere < 60, "{elsewhere} background RevsPro calls drown the burst");
    assert!(
        c.cases
            .iter()
            .any(|c| c.kind == CaseKind::Problem && c.contacts[0].body.contains("RevsPro"))
    );
}

#[test]
fn planted_pothole_cluster() {
    let c = council();
    let wharf: Vec<_> = c
        .cases
        .iter()
        .filter(|c| c.service == "highways" && c.site.as_deref() == Some("wharf-road"))
        .collect();
    let recent: Vec<_> = wharf
        .iter()
        .filter(|c| days_ago(c.contacts[0].received_at) <= 35)
        .collect();
    assert!(recent.len() >= 6);
    let reporters: BTreeSet<_> = recent.iter().map(|c| c.customer).collect();
    assert_eq!(reporters.len(), recent.len(), "different residents report it");
    let channels: BTreeSet<_> = recent.iter().map(|c| c.contacts[0].channel).collect();
    assert!(channels.contains(&Channel::Facebook) && channels.contains(&Channel::Open311));
    assert!(wharf.len() > recent.len(), "it has been reported before");
    for case in &wharf {
        assert!(case.contacts[0].body.contains("Wharf Road"));
    }
    // Background reports never mention the planted street.
    let other = c
        .cases
        .iter()
        .filter(|c| c.service == "highways" && c.site.as_deref() != Some("wharf-road"))
        .filter(|c| c.contacts[0].body.contains("Wharf Road"))
        .count();
    assert_eq!(other, 0);
}

#[test]
fn letting_agents_act_for_landlords() {
    let c = council();
    let acts_for = c
        .customers
        .iter()
        .filter(|cu| {
            cu.links.iter().any(|&(o, r)| {
                r == MemberRole::ActsFor && c.customers[o].organisation_kind == Some(OrganisationKind::Landlord)
            })
        })
        .count();
    assert!(acts_for >= 20);
    for kind in [
        OrganisationKind::Landlord,
        OrganisationKind::LettingAgent,
        OrganisationKind::HousingAssociation,
        OrganisationKind::Supplier,
        OrganisationKind::OtherCouncil,
        OrganisationKind::NationalBody,
        OrganisationKind::InternalDepartment,
    ] {
        assert!(
            c.customers.iter().any(|cu| cu.organisation_kind == Some(kind)),
            "{kind}"
        );
    }
    assert!(
        c.customers
            .iter()
            .any(|cu| cu.name == "Regeneration and Economic Development")
    );
    // Revs and Bens email is busy with landlords and agents.
    let from_landlords = c
        .cases
        .iter()
        .filter(|cs| cs.service == "revenues-and-benefits" && cs.contacts[0].channel == Channel::Email)
        .filter(|cs| {
            let cu = &c.customers[cs.customer];
            cu.organisation_kind.is_some() || !cu.links.is_empty()
        })
        .count();
    assert!(from_landlords > 300, "{from_landlords}");
}

#[test]
fn small_and_odd_scales_work() {
    for scale in [
        Scale { customers: 0, cases: 0 },
        Scale {
            customers: 50,
            cases: 40,
        },
    ] {
        let c = generate(1, &scale, now(), &mut |_| {});
        assert!(!c.customers.is_empty());
        assert!(!c.cases.is_empty(), "planted patterns are always there");
    }
    // A `now` in winter, across a clock change.
    let winter: jiff::Timestamp = "2026-01-05T09:00:00Z".parse().expect("constant");
    let c = generate(
        3,
        &Scale {
            customers: 400,
            cases: 800,
        },
        winter,
        &mut |_| {},
    );
    assert!(
        c.cases
            .iter()
            .all(|c| c.contacts.iter().all(|ct| ct.received_at <= winter))
    );
}

#[test]
fn progress_is_reported() {
    let mut last = 0;
    let mut calls = 0;
    let c = generate(
        5,
        &Scale {
            customers: 300,
            cases: 1_000,
        },
        now(),
        &mut |n| {
            assert!(n >= last);
            last = n;
            calls += 1;
        },
    );
    assert!(calls >= 2);
    assert_eq!(last, c.cases.len());
}

#[test]
fn generation_time() {
    let start = std::time::Instant::now();
    let c = generate(2024, &Scale::default(), now(), &mut |_| {});
    let took = start.elapsed();
    let contacts: usize = c.cases.iter().map(|c| c.contacts.len()).sum();
    println!(
        "generated {} customers, {} cases, {contacts} contacts in {took:?}",
        c.customers.len(),
        c.cases.len()
    );
}
