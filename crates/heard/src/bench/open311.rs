//! `heard bench open311`: `POST /open311/v2/requests.xml` as FixMyStreet sends it
//! (form-encoded, location, reporter, one required attribute) from concurrent
//! keep-alive clients against `heard serve` on a fresh SQLite store; then the raw
//! SQLite insert ceiling in the same run, for comparison.

use super::{Server, body_for, percentile, prepare, raw_insert};
use heard_core::service_form::{FieldChoice, FieldType, ServiceField};
use heard_store::reports::ServiceDetails;
use rand::SeedableRng;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

pub async fn run(clients: usize, requests: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("heard.db").display());
    let (store, token) = prepare(&url).await?;
    store
        .set_service_details(&[ServiceDetails {
            slug: "highways".into(),
            description: "Potholes and pavements".into(),
            group: "Streets".into(),
            open311: true,
            fields: vec![ServiceField {
                code: "depth".into(),
                description: "How deep is it?".into(),
                datatype: FieldType::Singlevaluelist,
                required: true,
                datatype_description: String::new(),
                values: vec![
                    FieldChoice {
                        key: "shallow".into(),
                        name: "Shallow".into(),
                    },
                    FieldChoice {
                        key: "deep".into(),
                        name: "Deep".into(),
                    },
                ],
            }],
        }])
        .await?;
    store.close().await;
    let server = Server::start(dir.path(), &url).await?;
    let http = reqwest::Client::builder().pool_max_idle_per_host(clients).build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let cpu0 = server.cpu_seconds();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (http, next, token, base) = (http.clone(), next.clone(), token.clone(), server.base.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    return (lat, errors);
                }
                let mut rng = rand::rngs::StdRng::seed_from_u64(i as u64);
                let (_, body) = body_for(i, &mut rng);
                let lat_s = format!("{:.5}", 52.6 + (i % 1000) as f64 / 10_000.0);
                let long_s = format!("{:.5}", -1.13 - (i % 700) as f64 / 10_000.0);
                let email = format!("reporter{}@example.com", i % 5000);
                let depth = if i % 2 == 0 { "deep" } else { "shallow" };
                let form = [
                    ("api_key", token.as_str()),
                    ("service_code", "highways"),
                    ("lat", &lat_s),
                    ("long", &long_s),
                    ("email", &email),
                    ("first_name", "Bench"),
                    ("last_name", "Reporter"),
                    ("description", &body),
                    ("attribute[depth]", depth),
                ];
                let t = Instant::now();
                let ok = match http
                    .post(format!("{base}/open311/v2/requests.xml"))
                    .form(&form)
                    .send()
                    .await
                {
                    Ok(r) => r.status() == reqwest::StatusCode::CREATED,
                    Err(_) => false,
                };
                if ok {
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                } else {
                    errors += 1;
                }
            }
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        lat.extend(l);
        errors += e;
    }
    let wall = started.elapsed().as_secs_f64();
    let cpu = server.cpu_seconds() - cpu0;
    lat.sort_by(f64::total_cmp);
    let ok = lat.len();
    println!(
        "{}",
        serde_json::json!({
            "bench": "open311", "engine": "sqlite", "clients": clients, "ok": ok, "errors": errors,
            "requests_per_s": (ok as f64 / wall).round(), "lat_ms_p50": percentile(&lat, 50.0),
            "lat_ms_p95": percentile(&lat, 95.0),
            "server_cpu_ms_per_request": (cpu * 1000.0 / ok.max(1) as f64 * 100.0).round() / 100.0,
            "server_rss_mb": server.rss_mb().round(),
        })
    );
    drop(server);
    // The ceiling, measured in the same run on the same machine state.
    raw_insert(200_000, 1_000).await
}
