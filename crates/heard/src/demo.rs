//! Loading the generated demo council into a store, with a progress bar.

use anyhow::Context;
use heard_store::Store;
use heard_store::seed::{CaseSpec, ContactSpec, CustomerSpec, ServiceSpec, SiteSpec, TeamSpec};
use heard_store::users::NewUser;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

/// The sign-ins `heard demo` prints (password `demo`).
pub const LOGINS: &[&str] = &[
    "agent@demo.heard (agent)",
    "manager@demo.heard (team manager)",
    "admin@demo.heard (administrator)",
];

const BATCH: usize = 500;

/// Generates the demo council for `seed` and writes it to `store`.
pub async fn load(store: &Store, seed: u64) -> anyhow::Result<()> {
    let started = Instant::now();
    let council = heard_demo::generate(seed, &heard_demo::Scale::default(), jiff::Timestamp::now(), &mut |_| {});
    let contacts: usize = council.cases.iter().map(|c| c.contacts.len()).sum();
    eprintln!(
        "loading {}: {} services, {} sites, {} staff, {} customers, {} cases, {} contacts",
        council.name,
        council.services.len(),
        council.sites.len(),
        council.users.len(),
        council.customers.len(),
        council.cases.len(),
        contacts
    );

    let teams: Vec<_> = council
        .teams
        .iter()
        .map(|t| TeamSpec {
            slug: t.slug.clone(),
            name: t.name.clone(),
        })
        .collect();
    let services: Vec<_> = council
        .services
        .iter()
        .map(|s| ServiceSpec {
            slug: s.slug.clone(),
            name: s.name.clone(),
            keywords: s.keywords.clone(),
            team: Some(s.team.clone()),
        })
        .collect();
    let sites: Vec<_> = council
        .sites
        .iter()
        .map(|s| SiteSpec {
            slug: s.slug.clone(),
            name: s.name.clone(),
            kind: s.kind.clone(),
            address: s.address.clone(),
        })
        .collect();
    store
        .upsert_catalogue(&teams, &services, &sites)
        .await
        .context("loading services, teams and sites")?;
    store
        .set_service_details(&report_details(&council.services))
        .await
        .context("loading the services' report questions")?;

    // One hash for every demo account: argon2 is slow on purpose, and these share a password.
    let hash = heard_web::hash_password("demo").map_err(anyhow::Error::msg)?;
    for u in &council.users {
        store
            .upsert_user(&NewUser {
                email: u.email.clone(),
                name: u.name.clone(),
                role: u.role,
                team: u.team.clone(),
                services: u.services.clone(),
                password_hash: Some(hash.clone()),
            })
            .await
            .with_context(|| format!("creating user {}", u.email))?;
    }

    let bar = ProgressBar::new((council.customers.len() + council.cases.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("customers");
    let mut customer_ids = Vec::with_capacity(council.customers.len());
    for chunk in council.customers.chunks(BATCH) {
        let specs: Vec<_> = chunk
            .iter()
            .map(|c| CustomerSpec {
                kind: c.kind,
                organisation_kind: c.organisation_kind,
                name: c.name.clone(),
                identities: c.identities.clone(),
                addresses: c.addresses.clone(),
                links: vec![],
            })
            .collect();
        customer_ids.extend(store.create_customers(&specs).await.context("loading customers")?);
        bar.inc(chunk.len() as u64);
    }
    let links: Vec<_> = council
        .customers
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.links.iter().map(move |(org, role)| (i, *org, *role)))
        .map(|(person, org, role)| (customer_ids[person], customer_ids[org], role))
        .collect();
    store
        .link_customers(&links)
        .await
        .context("linking people to organisations")?;

    bar.set_message("cases");
    for chunk in council.cases.chunks(BATCH) {
        let specs: Vec<_> = chunk
            .iter()
            .map(|c| CaseSpec {
                customer_id: customer_ids[c.customer],
                service: c.service.clone(),
                kind: c.kind,
                status: c.status,
                priority: c.priority,
                owner_email: c.owner.map(|i| council.users[i].email.clone()),
                site: c.site.clone(),
                contacts: c
                    .contacts
                    .iter()
                    .map(|x| ContactSpec {
                        channel: x.channel,
                        direction: x.direction,
                        sender: x.from.clone(),
                        subject: x.subject.clone(),
                        body: x.body.clone(),
                        received_at: x.received_at,
                        external_id: x.external_id.clone(),
                    })
                    .collect(),
            })
            .collect();
        store.create_cases(&specs).await.context("loading cases")?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    eprintln!("demo council loaded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// What residents and Open311 clients (FixMyStreet) see of the demo's services: street
/// services take reports with a question or two; the rest are not listed to Open311.
fn report_details(services: &[heard_demo::Service]) -> Vec<heard_store::reports::ServiceDetails> {
    use heard_core::service_form::{FieldChoice, FieldType, ServiceField};
    let choice = |key: &str, name: &str| FieldChoice {
        key: key.into(),
        name: name.into(),
    };
    services
        .iter()
        .map(|s| {
            let (description, group, fields) = match s.slug.as_str() {
                "highways" => (
                    "Potholes, broken pavements, street lights and road signs",
                    "Streets",
                    vec![ServiceField {
                        code: "problem".into(),
                        description: "What is the problem?".into(),
                        datatype: FieldType::Singlevaluelist,
                        required: true,
                        datatype_description: String::new(),
                        values: vec![
                            choice("pothole", "Pothole"),
                            choice("pavement", "Broken pavement"),
                            choice("street_light", "Street light out"),
                            choice("sign", "Damaged road sign"),
                        ],
                    }],
                ),
                "waste" => (
                    "Missed bins, fly-tipping and litter",
                    "Streets",
                    vec![ServiceField {
                        code: "bin".into(),
                        description: "Which bin, if a collection was missed?".into(),
                        datatype: FieldType::Singlevaluelist,
                        required: false,
                        datatype_description: String::new(),
                        values: vec![
                            choice("general", "General waste"),
                            choice("recycling", "Recycling"),
                            choice("garden", "Garden waste"),
                        ],
                    }],
                ),
                _ => ("", "", Vec::new()),
            };
            heard_store::reports::ServiceDetails {
                slug: s.slug.clone(),
                description: description.into(),
                group: group.into(),
                open311: !fields.is_empty(),
                fields,
                ..Default::default()
            }
        })
        .collect()
}
