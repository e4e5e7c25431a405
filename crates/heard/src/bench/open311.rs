//! `heard bench open311`: `POST /open311/v2/requests.xml` as FixMyStreet sends it
//! (form-encoded, location, reporter, one required attribute) from concurrent
//! keep-alive clients against `heard serve` on a fresh SQLite store; then the raw
//! SQLite insert ceiling in the same run, for comparison.

use super::{Server, body_for, drive, percentile, prepare, raw_insert};
use heard_core::service_form::{FieldChoice, FieldType, ServiceField};
use heard_store::reports::ServiceDetails;
use rand::SeedableRng;

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
                description_cy: String::new(),
                datatype_description_cy: String::new(),
                code: "depth".into(),
                description: "How deep is it?".into(),
                datatype: FieldType::Singlevaluelist,
                required: true,
                datatype_description: String::new(),
                values: vec![
                    FieldChoice {
                        name_cy: String::new(),
                        key: "shallow".into(),
                        name: "Shallow".into(),
                    },
                    FieldChoice {
                        name_cy: String::new(),
                        key: "deep".into(),
                        name: "Deep".into(),
                    },
                ],
            }],
            ..Default::default()
        }])
        .await?;
    store.close().await;
    let server = Server::start(dir.path(), &url).await?;
    let cpu0 = server.cpu_seconds();
    let (token, base) = (token.clone(), server.base.clone());
    let build = move |http: &reqwest::Client, i: usize| {
        let mut rng = rand::rngs::StdRng::seed_from_u64(i as u64);
        let (_, body) = body_for(i, &mut rng);
        let lat_s = format!("{:.5}", 52.6 + (i % 1000) as f64 / 10_000.0);
        let long_s = format!("{:.5}", -1.13 - (i % 700) as f64 / 10_000.0);
        let email = format!("reporter{}@example.com", i % 5000);
        let depth = if i.is_multiple_of(2) { "deep" } else { "shallow" };
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
        http.post(format!("{base}/open311/v2/requests.xml")).form(&form)
    };
    let (lat, errors, wall) = drive(clients, requests, build, |s| s == reqwest::StatusCode::CREATED).await?;
    let cpu = server.cpu_seconds() - cpu0;
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
