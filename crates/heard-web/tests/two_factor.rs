//! Two-factor sign-in, end to end: a member of staff sets it up with a code from their
//! app, signs in with password then code, a code works once, a recovery code works once,
//! the API asks for the code too, and turning it off needs a code. On SQLite and PostgreSQL.

mod common;

use common::{TestApp, spawn};
use heard_core::Role;
use heard_store::testing::TestDb;
use reqwest::StatusCode;

const PASSWORD: &str = "correct horse battery";

fn now_step() -> u64 {
    jiff::Timestamp::now().as_second() as u64 / 30
}

fn code(secret: &[u8], step: u64) -> String {
    format!("{:06}", heard_web::two_factor::code_at(secret, step))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn cookie_named(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_string())
        .find(|c| c.starts_with(&format!("{name}=")) && c.len() > name.len() + 1)
}

/// Password on the sign-in page, then `code` on the code page: the session cookie, or the
/// code page's status when refused.
async fn sign_in_with(app: &TestApp, email: &str, code: &str) -> Result<String, StatusCode> {
    let http = client();
    let r = http
        .post(app.url("/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login/code");
    assert!(
        cookie_named(&r, "heard_session").is_none(),
        "a password alone opens nothing"
    );
    let challenge = cookie_named(&r, "heard_challenge").expect("a challenge");
    let page = http
        .get(app.url("/login/code"))
        .header("cookie", &challenge)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let r = http
        .post(app.url("/login/code"))
        .header("cookie", &challenge)
        .form(&[("code", code)])
        .send()
        .await
        .unwrap();
    match cookie_named(&r, "heard_session") {
        Some(session) => Ok(session),
        None => Err(r.status()),
    }
}

on_both!(staff_sign_in_with_a_code_after_their_password, |app| {
    let email = "twofa@test.heard";
    let staff = app.sign_in_as(email, "Tess Twofa", Role::Agent, &[]).await;

    // Set up: the key is shown with its QR code; a wrong code is refused by its field.
    let (_, html) = staff.page("/account/two-factor").await;
    assert!(html.contains("Set up two-factor sign-in"), "{html}");
    let (s, location, _) = staff.post("/account/two-factor/start", &[]).await;
    assert_eq!((s, location.as_str()), (StatusCode::SEE_OTHER, "/account/two-factor"));
    let (_, html) = staff.page("/account/two-factor").await;
    assert!(html.contains("<svg"), "a QR code: {html}");
    let at = html.find("data-secret>").expect("the key") + "data-secret>".len();
    let key: String = html[at..html[at..].find('<').unwrap() + at].replace(' ', "");
    let secret = data_encoding::BASE32_NOPAD.decode(key.as_bytes()).unwrap();
    let (s, _, html) = staff.post("/account/two-factor/confirm", &[("code", "000000x")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    let step = now_step();
    let (s, _, html) = staff
        .post("/account/two-factor/confirm", &[("code", &code(&secret, step))])
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("data-recovery-codes"), "{html}");
    let recovery: Vec<String> = html
        .split("<li><code>")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect();
    assert_eq!(recovery.len(), 10, "{html}");

    // A password alone no longer signs in; a wrong code is refused; the next code works.
    assert_eq!(sign_in_with(&app, email, "123456").await, Err(StatusCode::UNAUTHORIZED));
    let next = code(&secret, now_step() + 1);
    let session = sign_in_with(&app, email, &next).await.expect("signed in with the code");
    let r = client()
        .get(app.url("/cases"))
        .header("cookie", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The same code again: used, refused.
    assert_eq!(sign_in_with(&app, email, &next).await, Err(StatusCode::UNAUTHORIZED));
    // A recovery code works once.
    assert!(sign_in_with(&app, email, &recovery[0].to_uppercase()).await.is_ok());
    assert_eq!(
        sign_in_with(&app, email, &recovery[0]).await,
        Err(StatusCode::UNAUTHORIZED)
    );

    // The API asks for the code in the same request.
    let r = client()
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert!(problem["detail"].as_str().unwrap().contains("`code`"), "{problem}");
    let r = client()
        .post(app.url("/api/v1/session"))
        .json(&serde_json::json!({"email": email, "password": PASSWORD, "code": recovery[1]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Turning it off needs a code; then the password alone signs in again.
    let (s, _, _) = staff.post("/account/two-factor/disable", &[("code", "nope")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _, _) = staff
        .post("/account/two-factor/disable", &[("code", &recovery[2])])
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let r = client()
        .post(app.url("/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/cases");
});
