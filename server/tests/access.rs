//! Team access through the whole router: who is refused (401 without a session, 403 below an
//! endpoint's role), the session cookie, expiry, sign-out, password changes ending other
//! sessions, the sign-in limit, API tokens, cross-origin refusal and the security headers.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use access::Role;
use app::api::guard::ENDPOINTS;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use server::clock::Clock;
use server::config::Config;
use server::{AppState, router::router, site};
use tower::ServiceExt;

mod support;
use support::{run, token_for};

const PW: &str = "a long enough password";

fn state() -> (AppState, Arc<AtomicI64>) {
    let now = Arc::new(AtomicI64::new(1_000_000));
    let dir = std::env::temp_dir();
    let mut config = Config::default();
    config.server.data_dir = dir;
    let state = AppState::new(config, site::options("127.0.0.1:3000".parse().unwrap()))
        .with_clock(Clock::manual(now.clone()));
    (state, now)
}

async fn send(state: &AppState, request: Request<Body>) -> Response<Body> {
    router(state.clone()).oneshot(request).await.unwrap()
}

async fn body(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn call(path: &str) -> axum::http::request::Builder {
    Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// Signs `name` in through the form; answers the response (its cookie, on success).
async fn sign_in(state: &AppState, name: &str, password: &str) -> Response<Body> {
    let form = format!(
        "account={name}&password={}&next=%2Factions",
        password.replace(' ', "+")
    );
    send(
        state,
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .body(Body::from(form))
            .unwrap(),
    )
    .await
}

/// The `name=value` part of a response's session cookie.
fn cookie_of(response: &Response<Body>) -> String {
    let set = response.headers()[header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

async fn cookie(state: &AppState, name: &str, role: Role) -> String {
    state.store.create_account(name, role, PW, 0).await.unwrap();
    let response = sign_in(state, name, PW).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    cookie_of(&response)
}

async fn with_cookie(state: &AppState, path: &str, cookie: &str) -> StatusCode {
    send(
        state,
        call(path)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
    .status()
}

#[test]
fn every_endpoint_refuses_no_one_401_a_lower_role_403_and_admits_its_role() {
    run(async {
        let (state, _) = state();
        let mut tokens = Vec::new();
        for role in Role::ALL {
            tokens.push((role, token_for(&state, role).await));
        }
        for (path, needs) in ENDPOINTS {
            let response = send(&state, call(path).body(Body::empty()).unwrap()).await;
            assert_eq!(
                response.status(),
                StatusCode::UNAUTHORIZED,
                "{path} without a session"
            );
            let text = body(response).await;
            assert!(text.contains("Unauthenticated"), "{path}: {text}");
            for (role, token) in &tokens {
                let status = send(
                    &state,
                    call(path)
                        .header(header::AUTHORIZATION, format!("Bearer {token}"))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await
                .status();
                if role < needs {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{path} as {role}");
                } else {
                    // Admitted: whatever the function answers to empty arguments, not a refusal.
                    assert!(
                        status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED,
                        "{path} as {role}: {status}"
                    );
                }
            }
        }
    });
}

#[test]
fn a_page_without_a_session_redirects_to_sign_in_with_where_it_was_going() {
    run(async {
        let (state, _) = state();
        let response = send(
            &state,
            Request::get("/actions?x=1").body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()[header::LOCATION],
            "/login?next=/actions%3Fx%3D1"
        );
        let page = send(&state, Request::get("/login").body(Body::empty()).unwrap()).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = body(page).await;
        for label in ["Account", "Password", "Sign in"] {
            assert!(html.contains(label), "{label}: {html}");
        }
        // Health probes and the bundle need no one.
        let health = send(
            &state,
            Request::get("/healthz").body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(health.status(), StatusCode::OK);
    });
}

#[test]
fn anonymous_viewer_reads_but_cannot_write_when_configured() {
    run(async {
        let (mut state, _) = state();
        let mut config = (*state.config).clone();
        config.access.anonymous = Some(server::config::Anonymous::Viewer);
        state.config = Arc::new(config);
        let read = send(
            &state,
            call("/api/connections").body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(read.status(), StatusCode::OK);
        let write = send(
            &state,
            call("/api/save_action").body(Body::empty()).unwrap(),
        )
        .await;
        assert_eq!(write.status(), StatusCode::FORBIDDEN);
        assert!(body(write).await.contains("editor"));
    });
}

#[test]
fn an_anonymous_role_other_than_viewer_is_refused_with_its_line() {
    let error = Config::from_toml(
        "[access]\nanonymous = \"editor\"\n",
        std::path::Path::new("f.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("viewer") && error.contains("line 2"),
        "{error}"
    );
}

#[test]
fn the_session_cookie_is_encrypted_http_only_same_site_and_secure_over_https() {
    run(async {
        let (state, _) = state();
        state
            .store
            .create_account("ann", Role::Editor, PW, 0)
            .await
            .unwrap();
        let response = sign_in(&state, "ann", PW).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/actions");
        let set = response.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .to_owned();
        for part in [
            "fnconsole_session=",
            "HttpOnly",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=86400",
        ] {
            assert!(set.contains(part), "{part}: {set}");
        }
        assert!(!set.contains("Secure"), "plain HTTP: {set}");
        let https = send(
            &state,
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("x-forwarded-proto", "https")
                .body(Body::from(format!(
                    "account=ann&password={}",
                    PW.replace(' ', "+")
                )))
                .unwrap(),
        )
        .await;
        let set = https.headers()[header::SET_COOKIE].to_str().unwrap();
        assert!(set.contains("Secure"), "{set}");
        // A forged or altered cookie is no one.
        let forged = "fnconsole_session=abc";
        assert_eq!(
            with_cookie(&state, "/api/connections", forged).await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            with_cookie(&state, "/api/connections", &cookie_of(&response)).await,
            StatusCode::OK
        );
    });
}

#[test]
fn every_failed_sign_in_says_the_same_and_the_limit_blocks_even_the_right_password() {
    run(async {
        let (state, _) = state();
        state
            .store
            .create_account("ann", Role::Editor, PW, 0)
            .await
            .unwrap();
        state.store.0.set_disabled("ann", false).await.unwrap();
        let unknown = body(sign_in(&state, "nobody", PW).await).await;
        let wrong = sign_in(&state, "ann", "not the password").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        let wrong = body(wrong).await;
        assert!(
            wrong.contains(server::sign_in::FAILED) && unknown.contains(server::sign_in::FAILED)
        );
        for _ in 0..4 {
            sign_in(&state, "ann", "not the password").await;
        }
        let blocked = sign_in(&state, "ann", PW).await;
        assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(body(blocked).await.contains("Too many failed sign-ins"));
    });
}

#[test]
fn a_session_ends_when_idle_when_old_and_on_sign_out() {
    run(async {
        let (state, now) = state();
        let ann = cookie(&state, "ann", Role::Viewer).await;
        let at = |ms: i64| now.store(1_000_000 + ms, Ordering::SeqCst);
        at(119 * 60_000);
        assert_eq!(
            with_cookie(&state, "/api/connections", &ann).await,
            StatusCode::OK
        );
        // 120 min since the last request, plus a moment: idle.
        at(239 * 60_000 + 1);
        assert_eq!(
            with_cookie(&state, "/api/connections", &ann).await,
            StatusCode::UNAUTHORIZED
        );

        at(0);
        let bob = cookie(&state, "bob", Role::Viewer).await;
        let mut t = 0;
        while t < 24 * 3_600_000 {
            t += 100 * 60_000;
            at(t.min(24 * 3_600_000));
            assert_eq!(
                with_cookie(&state, "/api/connections", &bob).await,
                StatusCode::OK,
                "{t}"
            );
        }
        at(24 * 3_600_000 + 1);
        assert_eq!(
            with_cookie(&state, "/api/connections", &bob).await,
            StatusCode::UNAUTHORIZED
        );

        at(0);
        let response = sign_in(&state, "bob", PW).await;
        let bob = cookie_of(&response);
        let out = send(
            &state,
            Request::post("/logout")
                .header(header::COOKIE, &bob)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(out.status(), StatusCode::SEE_OTHER);
        assert!(
            out.headers()[header::SET_COOKIE]
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
        assert_eq!(
            with_cookie(&state, "/api/connections", &bob).await,
            StatusCode::UNAUTHORIZED
        );
    });
}

#[test]
fn tokens_act_with_their_accounts_role_until_revoked() {
    run(async {
        let (state, _) = state();
        let ann = state
            .store
            .create_account("ann", Role::Viewer, PW, 0)
            .await
            .unwrap();
        let (info, token) = state.store.0.create_token(ann.id, "ci", 0).await.unwrap();
        let with = |path: &str| {
            call(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        };
        assert_eq!(
            send(&state, with("/api/connections")).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            send(&state, with("/api/save_action")).await.status(),
            StatusCode::FORBIDDEN
        );
        state.store.0.revoke_token(ann.id, info.id).await.unwrap();
        assert_eq!(
            send(&state, with("/api/connections")).await.status(),
            StatusCode::UNAUTHORIZED
        );
    });
}

#[test]
fn a_cross_origin_post_is_refused_and_a_same_origin_one_is_not() {
    run(async {
        let (state, _) = state();
        let token = token_for(&state, Role::Admin).await;
        let post = |origin: &str| {
            call("/api/connections")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::ORIGIN, origin)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        };
        let refused = send(&state, post("http://evil.example")).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(body(refused).await.contains("another site"));
        assert_eq!(
            send(&state, post("http://127.0.0.1:3000")).await.status(),
            StatusCode::OK
        );
        // Sign-in itself is a state change too.
        let login = send(
            &state,
            Request::post("/login")
                .header(header::HOST, "127.0.0.1:3000")
                .header(header::ORIGIN, "http://evil.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(login.status(), StatusCode::FORBIDDEN);
    });
}

#[test]
fn every_response_has_the_security_headers_and_the_page_scripts_carry_the_csp_nonce() {
    run(async {
        let (state, _) = state();
        let token = token_for(&state, Role::Viewer).await;
        let page = send(
            &state,
            Request::get("/")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(page.status(), StatusCode::OK);
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(page.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(page.headers().contains_key(header::REFERRER_POLICY));
        for part in [
            "default-src 'self'",
            "'wasm-unsafe-eval'",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{part}: {csp}");
        }
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .unwrap()
            .split('\'')
            .next()
            .unwrap()
            .to_owned();
        let html = body(page).await;
        let scripts = html.matches("<script").count();
        assert!(scripts > 0);
        assert_eq!(
            html.matches(&format!("nonce=\"{nonce}\"")).count(),
            scripts - html.matches("<script src").count(),
            "{html}"
        );
        let login = send(&state, Request::get("/login").body(Body::empty()).unwrap()).await;
        assert!(
            login
                .headers()
                .contains_key(header::CONTENT_SECURITY_POLICY)
        );
    });
}

#[test]
fn the_setup_link_makes_the_first_admin_once() {
    run(async {
        let (state, _) = state();
        let token = match server::first_start::prepare(&state, |_| None)
            .await
            .unwrap()
        {
            server::first_start::FirstStart::SetupToken(t) => t,
            other => panic!("{other:?}"),
        };
        let setup = |t: &str| {
            Request::post("/setup")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "token={t}&account=root&password={}",
                    PW.replace(' ', "+")
                )))
                .unwrap()
        };
        assert_eq!(
            send(&state, setup("wrong")).await.status(),
            StatusCode::FORBIDDEN
        );
        let made = send(&state, setup(&token)).await;
        assert_eq!(made.status(), StatusCode::SEE_OTHER);
        let root = cookie_of(&made);
        assert_eq!(
            with_cookie(&state, "/api/connections", &root).await,
            StatusCode::OK
        );
        assert_eq!(
            send(&state, setup(&token)).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            server::first_start::prepare(&state, |_| None)
                .await
                .unwrap(),
            server::first_start::FirstStart::SetUp
        );
    });
}

#[test]
fn the_environments_admin_is_created_on_first_start() {
    run(async {
        let (state, _) = state();
        let env = |k: &str| match k {
            "FNCONSOLE_ADMIN_USER" => Some("boss".to_owned()),
            "FNCONSOLE_ADMIN_PASSWORD" => Some(PW.to_owned()),
            _ => None,
        };
        assert_eq!(
            server::first_start::prepare(&state, env).await.unwrap(),
            server::first_start::FirstStart::AdminCreated("boss".into())
        );
        assert_eq!(
            sign_in(&state, "boss", PW).await.status(),
            StatusCode::SEE_OTHER
        );
        // Two replicas starting together on one database, with the same environment: one
        // creates the admin, the other finds it made and starts too.
        let (both, _) = self::state();
        let (one, two) = tokio::join!(
            server::first_start::prepare(&both, env),
            server::first_start::prepare(&both, env)
        );
        let mut outcomes = [one.unwrap(), two.unwrap()].map(|o| format!("{o:?}"));
        outcomes.sort();
        assert_eq!(outcomes, ["AdminCreated(\"boss\")", "SetUp"]);
        assert_eq!(both.store.0.account_count().await.unwrap(), 1);
        let half = |k: &str| (k == "FNCONSOLE_ADMIN_USER").then(|| "x".to_owned());
        let (fresh, _) = self::state();
        assert!(
            server::first_start::prepare(&fresh, half)
                .await
                .unwrap_err()
                .contains("both")
        );
    });
}

/// `form` POSTed to `path` with `cookie`; the status and body.
async fn post_with(state: &AppState, path: &str, cookie: &str, form: &str) -> (StatusCode, String) {
    let response = send(
        state,
        call(path)
            .header(header::COOKIE, cookie)
            .body(Body::from(form.to_owned()))
            .unwrap(),
    )
    .await;
    let status = response.status();
    (status, body(response).await)
}

#[test]
fn the_account_page_changes_the_password_ending_other_sessions_and_makes_and_revokes_tokens() {
    run(async {
        let (state, _) = state();
        let here = cookie(&state, "ann", Role::Viewer).await;
        let elsewhere = cookie_of(&sign_in(&state, "ann", PW).await);

        // A wrong current password is refused on its field; nothing ends.
        let (status, text) = post_with(
            &state,
            "/api/change_password",
            &here,
            "current=wrong+password+here&new=a+new+long+password",
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
        assert!(text.contains("\"current\""), "{text}");
        assert_eq!(
            with_cookie(&state, "/api/connections", &elsewhere).await,
            StatusCode::OK
        );

        let (status, text) = post_with(
            &state,
            "/api/change_password",
            &here,
            "current=a+long+enough+password&new=a+new+long+password",
        )
        .await;
        assert_eq!((status, text.as_str()), (StatusCode::OK, "1"));
        assert_eq!(
            with_cookie(&state, "/api/connections", &here).await,
            StatusCode::OK
        );
        assert_eq!(
            with_cookie(&state, "/api/connections", &elsewhere).await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            sign_in(&state, "ann", "a new long password").await.status(),
            StatusCode::SEE_OTHER
        );

        // A token of her own: shown once, listed without it, acting as her, revoked.
        let (status, made) = post_with(&state, "/api/create_token", &here, "name=ci").await;
        assert_eq!(status, StatusCode::OK, "{made}");
        let made: serde_json::Value = serde_json::from_str(&made).unwrap();
        let token = made["token"].as_str().unwrap().to_owned();
        let (_, listed) = post_with(&state, "/api/list_tokens", &here, "").await;
        assert!(
            listed.contains("\"ci\"") && !listed.contains(&token),
            "{listed}"
        );
        let bearer = |path: &str| {
            call(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        };
        assert_eq!(
            send(&state, bearer("/api/connections")).await.status(),
            StatusCode::OK
        );
        let id = made["row"]["id"].as_i64().unwrap();
        // Another account cannot revoke it.
        let bob = cookie(&state, "bob", Role::Admin).await;
        let (status, _) = post_with(&state, "/api/revoke_token", &bob, &format!("id={id}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = post_with(&state, "/api/revoke_token", &here, &format!("id={id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            send(&state, bearer("/api/connections")).await.status(),
            StatusCode::UNAUTHORIZED
        );
    });
}

#[test]
fn admins_create_change_disable_and_delete_accounts_but_never_the_last_admin() {
    run(async {
        let (state, _) = state();
        let root = cookie(&state, "root", Role::Admin).await;
        let (status, text) = post_with(
            &state,
            "/api/create_account",
            &root,
            "name=eddie&role=editor&password=eddie+long+password",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let (_, listed) = post_with(&state, "/api/list_accounts", &root, "").await;
        assert!(
            listed.contains("\"eddie\"") && listed.contains("\"editor\""),
            "{listed}"
        );
        assert!(!listed.contains("argon2"), "{listed}");
        let (status, text) = post_with(
            &state,
            "/api/create_account",
            &root,
            "name=EDDIE&role=viewer&password=eddie+long+password",
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(text.contains("already an account"), "{text}");

        for (path, form) in [
            ("/api/set_account_role", "name=root&role=viewer"),
            ("/api/set_account_disabled", "name=root&disabled=true"),
            ("/api/delete_account", "name=root"),
        ] {
            let (status, text) = post_with(&state, path, &root, form).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert!(text.contains("is the last admin"), "{path}: {text}");
        }

        let eddie = cookie_of(&sign_in(&state, "eddie", "eddie long password").await);
        let (status, _) = post_with(
            &state,
            "/api/set_account_role",
            &root,
            "name=eddie&role=viewer",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        // The new role holds at once, for the session already open.
        let (status, _) =
            post_with(&state, "/api/save_package", &eddie, "connection=x&name=y").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = post_with(
            &state,
            "/api/set_account_disabled",
            &root,
            "name=eddie&disabled=true",
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            with_cookie(&state, "/api/connections", &eddie).await,
            StatusCode::UNAUTHORIZED
        );
        let (status, _) = post_with(&state, "/api/delete_account", &root, "name=eddie").await;
        assert_eq!(status, StatusCode::OK);
        let (_, listed) = post_with(&state, "/api/list_accounts", &root, "").await;
        assert!(!listed.contains("eddie"), "{listed}");
        // An editor may not manage accounts.
        let ed = cookie(&state, "ed", Role::Editor).await;
        let (status, _) = post_with(&state, "/api/list_accounts", &ed, "").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    });
}
