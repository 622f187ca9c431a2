//! What the server tests against the real Keycloak share: the demo settings, the router, sending
//! requests through `oneshot`, and signing a demo account in through Keycloak's own form.
//!
//! Keycloak marks its login cookies `Secure` even on plain http, so this client carries the
//! cookies itself instead of trusting a cookie jar to.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::Response;
use cloudtrust_backend::Secret;
use tower::ServiceExt;

use crate::config::Config;
use crate::state::AppState;

/// The console's origin in the demo settings; state-changing requests carry it.
pub const ORIGIN: &str = "http://127.0.0.1:3000";

/// The Keycloak the tests run against, or `None` (after saying so) when none is named.
pub fn keycloak_url() -> Option<url::Url> {
    match std::env::var("CTC_TEST_KEYCLOAK_URL") {
        Ok(url) => Some(url::Url::parse(&url).expect("CTC_TEST_KEYCLOAK_URL is a URL")),
        Err(_) => {
            eprintln!("CTC_TEST_KEYCLOAK_URL not set: test against the real Keycloak skipped");
            None
        }
    }
}

/// The settings of the demo environment (see `server/dev/console.toml`), with a database of its
/// own.
pub fn demo_config(keycloak: url::Url) -> Config {
    let dir = std::env::temp_dir().join(format!("ctc-kc-{}", uuid::Uuid::new_v4()));
    Config {
        database_url: Secret::new(format!("sqlite://{}/console.db", dir.display())),
        keycloak_url: keycloak,
        oidc_client_secret: Secret::new("demo-console-secret"),
        admin_client_secret: Secret::new("demo-service-secret"),
        ..Config::default()
    }
}

/// The whole application on `config`, and its state.
pub async fn app(config: Config) -> (Router, Arc<AppState>) {
    let leptos = leptos::config::LeptosOptions::builder().output_name("cloudtrust-console").build();
    let state = AppState::new(config, leptos).await.expect("state");
    (super::build(state.clone()), state)
}

/// Sends one request through the router, without a socket.
pub async fn send(app: &Router, request: Request<Body>) -> Response {
    app.clone().oneshot(request).await.expect("response")
}

/// The `Location` header, or an empty string.
pub fn location(headers: &HeaderMap) -> String {
    headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The `name=value` pairs of the response's `Set-Cookie` headers that set a value.
pub fn set_cookies<'a>(values: impl Iterator<Item = &'a HeaderValue>) -> Vec<(String, String)> {
    values
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next()?.split_once('='))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// The console's session cookie the response sets, as a `Cookie` header value.
pub fn console_cookie(response: &Response) -> Option<String> {
    set_cookies(response.headers().get_all(header::SET_COOKIE).iter())
        .into_iter()
        .find(|(name, value)| name == "ctc_session" && !value.is_empty())
        .map(|(name, value)| format!("{name}={value}"))
}

/// Keycloak 26 refuses a sign-in while another one of the same person is under way when the
/// realm protects against brute force, and answers as for a wrong password
/// (https://www.keycloak.org/docs/latest/upgrading/index.html#concurrent-login-requests-are-blocked-by-default-when-brute-force-is-enabled).
/// The tests of this process sign in one at a time, and a sign-in that one elsewhere (the
/// browser tests) got in the way of is tried again.
static SIGNING_IN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Signs `username` in through Keycloak's form, starting from the console's `/auth/login`,
/// and returns the callback URL Keycloak sends the browser to plus the console cookie that
/// holds the pending sign-in.
pub async fn through_keycloak(app: &Router, username: &str, next: &str) -> (String, String) {
    let login =
        send(app, Request::get(format!("/auth/login?next={next}")).body(Body::empty()).unwrap())
            .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    let pending_cookie = console_cookie(&login).expect("the pending sign-in lives in a session");
    let authorize = location(login.headers());
    assert!(authorize.contains("code_challenge_method=S256"), "PKCE is used: {authorize}");

    let _one_at_a_time = SIGNING_IN.lock().await;
    let mut refusal = String::new();
    for _ in 0..3 {
        match fill_in_form(&authorize, username).await {
            Ok(callback) => {
                let callback = callback
                    .strip_prefix(ORIGIN)
                    .expect("Keycloak sends the browser back to the console");
                return (callback.to_owned(), pending_cookie);
            }
            Err(said) => refusal = said,
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    panic!("Keycloak did not accept {username}: {refusal}");
}

/// Opens Keycloak's sign-in form at `authorize` and submits it with the demo password; returns
/// where Keycloak sends the browser, or what the form said.
async fn fill_in_form(authorize: &str, username: &str) -> Result<String, String> {
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form_page = http.get(authorize).send().await.expect("Keycloak's sign-in form");
    assert_eq!(form_page.status(), reqwest::StatusCode::OK);
    let cookies: Vec<String> = set_cookies(form_page.headers().get_all(header::SET_COOKIE).iter())
        .into_iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    let html = form_page.text().await.unwrap();
    let form = &html[html.find("kc-form-login").expect("Keycloak's login form")..];
    let action_start = form.find("action=\"").expect("the form's action") + "action=\"".len();
    let action =
        form[action_start..][..form[action_start..].find('"').unwrap()].replace("&amp;", "&");

    let answer = http
        .post(&action)
        .header(header::COOKIE, cookies.join("; "))
        .form(&[("username", username), ("password", "demo"), ("credentialId", "")])
        .send()
        .await
        .expect("Keycloak answers the form");

    if answer.status() == reqwest::StatusCode::FOUND {
        return Ok(location(answer.headers()));
    }
    let status = answer.status();
    let page = answer.text().await.unwrap_or_default();
    let error = &page[page.find("input-error").unwrap_or(0)..];
    let texts = error.split('<').filter_map(|t| t.split_once('>')).map(|(_, text)| text.trim());
    let said: Vec<&str> = texts.filter(|t| !t.is_empty()).take(2).collect();
    Err(format!("{status}: {}", said.join(" / ")))
}

/// Signs the demo account `username` in, all the way back through the callback, and returns
/// the session cookie.
pub async fn sign_in(app: &Router, username: &str) -> String {
    let (callback, pending) = through_keycloak(app, username, "/").await;
    let done = send(
        app,
        Request::get(&callback).header(header::COOKIE, &pending).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "{username} is signed in");
    console_cookie(&done).expect("a session cookie")
}

/// Calls the server function at `/api/{endpoint}` as a browser's form would (form-encoded
/// `args`, the console's `Origin`) and returns the status and the JSON answer (`Null` when the
/// answer is not JSON).
pub async fn call(
    app: &Router,
    cookie: &str,
    endpoint: &str,
    args: &[(&str, &str)],
) -> (StatusCode, serde_json::Value) {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(args).finish();
    call_encoded(app, cookie, endpoint, body).await
}

/// [`call`] with a body already form-encoded.
pub async fn call_encoded(
    app: &Router,
    cookie: &str,
    endpoint: &str,
    body: String,
) -> (StatusCode, serde_json::Value) {
    let request = Request::post(format!("/api/{endpoint}"))
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();

    let response = send(app, request).await;

    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 22).await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null))
}

/// A TCP forwarder in front of a real server that can be cut (open connections dropped, new
/// ones closed at once, as when the server is stopped) and restored (as when it is started
/// again). The console under test is pointed at [`Forwarder::url`].
pub struct Forwarder {
    /// Where the console reaches the server through the forwarder.
    pub url: url::Url,
    cut: tokio::sync::watch::Sender<bool>,
}

impl Forwarder {
    /// Starts forwarding to the host and port of `target`.
    pub async fn start(target: &url::Url) -> Forwarder {
        let upstream = format!(
            "{}:{}",
            target.host_str().expect("a host"),
            target.port_or_known_default().expect("a port")
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut url = target.clone();
        url.set_port(Some(listener.local_addr().unwrap().port())).unwrap();
        let (cut, watching) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if *watching.borrow() {
                    drop(inbound);
                    continue;
                }
                let (upstream, mut watching) = (upstream.clone(), watching.clone());
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = watching.wait_for(|cut| *cut) => {}
                    }
                });
            }
        });
        Forwarder { url, cut }
    }

    /// Cuts the server off.
    pub fn cut(&self) {
        self.cut.send_replace(true);
    }

    /// Lets it through again.
    pub fn restore(&self) {
        self.cut.send_replace(false);
    }
}
