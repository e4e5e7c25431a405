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
    for a in demo_articles() {
        store
            .save_article(&a, None)
            .await
            .with_context(|| format!("adding the article {}", a.title))?;
    }

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
        name_cy: String::new(),
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
                        description_cy: String::new(),
                        datatype_description_cy: String::new(),
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
                        description_cy: String::new(),
                        datatype_description_cy: String::new(),
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

/// Answers residents read at /help and the report form suggests: the questions a
/// contact centre hears most, written as a council would.
fn demo_articles() -> Vec<heard_store::articles::NewArticle> {
    let article = |service: &str, language: &str, title: &str, body: &str| heard_store::articles::NewArticle {
        id: None,
        service: Some(service.to_string()),
        language: language.to_string(),
        title: title.to_string(),
        body: body.to_string(),
        published: true,
    };
    vec![
        article(
            "waste",
            "en",
            "Report a missed bin collection",
            "If your bin was not emptied on your collection day, tell us by 5pm the next working day and we will come back within two working days.\n\n\
             Please leave the bin out at the kerbside until it is emptied. Check your collection day first: after a bank holiday collections move one day later.",
        ),
        article(
            "waste",
            "en",
            "Order a replacement or extra bin",
            "You can order a replacement if your bin is lost, stolen or damaged beyond repair. There is no charge for a damaged bin; a lost or stolen bin costs £25.\n\n\
             Larger households (six or more people) can ask for a larger general waste bin.",
        ),
        article(
            "highways",
            "en",
            "Report a pothole",
            "Tell us about a pothole on a road, pavement or cycle path, with a photo if you can and where it is.\n\n\
             We make dangerous potholes safe within 24 hours and repair others within 28 days. If a pothole damaged your vehicle, you can claim for the cost.",
        ),
        article(
            "street-lighting",
            "en",
            "Report a street light that is not working",
            "Give the number on the lamp post if you can see it, or the nearest house number. Most faults are fixed within 5 working days; a fault with the electricity supply can take up to 20 working days.",
        ),
        article(
            "registrar",
            "en",
            "Get a replacement birth, marriage or death certificate",
            "You can order a copy of a certificate for a birth, marriage, civil partnership or death registered in the borough. A certificate costs £12.50 and is posted within 15 working days.\n\n\
             You will need the full name, the date of the event and where it was registered.",
        ),
        article(
            "revenues-and-benefits",
            "en",
            "Pay your council tax or set up a Direct Debit",
            "You can pay council tax online, by Direct Debit on the 1st, 15th or 28th of the month, or by phone using the automated line.\n\n\
             If you are finding it hard to pay, contact us as soon as you can: we can spread payments and check whether you can get a discount or Council Tax Reduction.",
        ),
        article(
            "revenues-and-benefits",
            "cy",
            "Talu eich treth gyngor neu sefydlu Debyd Uniongyrchol",
            "Gallwch dalu'r dreth gyngor ar-lein, drwy Ddebyd Uniongyrchol ar y 1af, y 15fed neu'r 28ain o'r mis, neu dros y ffôn.\n\n\
             Os yw'n anodd i chi dalu, cysylltwch â ni cyn gynted ag y gallwch.",
        ),
        article(
            "libraries",
            "en",
            "Renew your library books",
            "You can renew books online with your library card number and PIN, by phone, or at any library. Items can be renewed up to three times unless someone else has reserved them.",
        ),
    ]
}
