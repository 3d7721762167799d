//! Conditional writes: a GET of an action answers its revision as `ETag`, and a PUT with
//! `If-Match` writes only over that revision (412 in the dialect's own error shape otherwise),
//! on NCP and OpenWhisk; the raw requests through the router in process, then the console's
//! clients against a listening engine, where two saves against one revision cannot both win.

mod support;

use providers::client::Operations;
use providers::*;
use support::{Raw, Reply, Sign, Target, dialects, ncp_client, ow_client, serve, signed_headers};

const NCP_ACTION: &str = "/api/v2/packages/demo/actions/tagged";
const OW_ACTION: &str = "/api/v1/namespaces/_/actions/tagged";

const BODY: &str = r#"{"exec":{"kind":"nodejs:20","binary":false,"code":"function main() { return {v: 1}; }"},"limits":{"timeout":1000,"memory":128}}"#;

/// `method target` with `body`, signed as `sign`, with `If-Match: if_match` when given.
async fn send(
    to: &impl Target,
    sign: Sign,
    method: &str,
    target: &str,
    body: &str,
    if_match: Option<&str>,
) -> Reply {
    let mut headers = signed_headers(to, &support::keys(), sign, method, target, body.as_bytes());
    if let Some(tag) = if_match {
        headers.push(("If-Match".into(), tag.into()));
    }
    to.send(Raw {
        method,
        target,
        headers,
        body: body.as_bytes().to_vec(),
    })
    .await
}

fn etag(reply: &Reply) -> Option<&str> {
    reply.headers.get("etag").and_then(|v| v.to_str().ok())
}

/// Creates the action, then checks GET's tag, a write over it, a stale write refused with
/// 412 and the dialect's error body holding `stale`, and a write without `If-Match` as before.
async fn conditional_writes(sign: Sign, target: &str, put: &str, body: &str, stale: &str) {
    let to = dialects();
    let created = send(&to, sign, "PUT", put, body, None).await;
    assert_eq!(
        (created.status, etag(&created)),
        (200, Some("\"1\"")),
        "{}",
        created.text
    );
    let read = send(&to, sign, "GET", target, "", None).await;
    assert_eq!(
        (read.status, etag(&read)),
        (200, Some("\"1\"")),
        "{}",
        read.text
    );

    let over = send(&to, sign, "PUT", put, body, Some("\"1\"")).await;
    assert_eq!(
        (over.status, etag(&over)),
        (200, Some("\"2\"")),
        "{}",
        over.text
    );

    let late = send(&to, sign, "PUT", put, body, Some("\"1\"")).await;
    assert_eq!(late.status, 412, "{}", late.text);
    assert!(late.text.contains(stale), "{}", late.text);
    let unchanged = send(&to, sign, "GET", target, "", None).await;
    assert_eq!(
        etag(&unchanged),
        Some("\"2\""),
        "the refused write wrote nothing"
    );

    let plain = send(&to, sign, "PUT", put, body, None).await;
    assert_eq!(
        (plain.status, etag(&plain)),
        (200, Some("\"3\"")),
        "{}",
        plain.text
    );

    let odd = send(&to, sign, "PUT", put, body, Some("W/\"3\"")).await;
    assert_eq!(
        odd.status, 400,
        "a tag that is not a revision is refused: {}",
        odd.text
    );
    assert!(
        odd.text.contains("If-Match"),
        "the refusal names the header: {}",
        odd.text
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ncp_tags_actions_and_writes_only_over_the_revision_named() {
    let stale = r#"{"error":{"errorCode":"80412","message":"ACTION_CHANGED","details":"action demo/tagged changed since it was read: it is at revision 2 now"}}"#;
    conditional_writes(Sign::Ncp, NCP_ACTION, NCP_ACTION, BODY, stale).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn openwhisk_tags_actions_and_writes_only_over_the_revision_named() {
    let put = format!("{OW_ACTION}?overwrite=true");
    // OpenWhisk's error body has no code of its own (its `code` is a transaction id).
    let stale =
        r#"{"error":"action -/tagged changed since it was read: it is at revision 2 now","code":"#;
    conditional_writes(Sign::OpenWhisk, OW_ACTION, &put, BODY, stale).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn openwhisk_if_match_replaces_without_overwrite_and_refuses_an_absent_action() {
    let to = dialects();
    let created = send(&to, Sign::OpenWhisk, "PUT", OW_ACTION, BODY, None).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let again = send(&to, Sign::OpenWhisk, "PUT", OW_ACTION, BODY, None).await;
    assert_eq!(
        again.status, 409,
        "without If-Match or overwrite, as before: {}",
        again.text
    );
    let over = send(&to, Sign::OpenWhisk, "PUT", OW_ACTION, BODY, Some("\"1\"")).await;
    assert_eq!(
        (over.status, etag(&over)),
        (200, Some("\"2\"")),
        "{}",
        over.text
    );
    let gone = "/api/v1/namespaces/_/actions/never";
    let absent = send(&to, Sign::OpenWhisk, "PUT", gone, BODY, Some("\"1\"")).await;
    assert_eq!(
        absent.status, 412,
        "no action is at revision 1: {}",
        absent.text
    );
}

/// Two saves from one read: exactly one is written, the other is a `Conflict` and the action
/// holds the winner's code at the next revision.
async fn one_of_two_saves_wins(c: &(impl Operations + Sync), action: ActionRef) {
    let read = c.get_action(&action).await.unwrap();
    let revision = read.revision.clone().expect("the engine tags its actions");
    let edit = |code: &str| {
        let mut spec = read.clone();
        spec.exec.code = Some(format!("function main() {{ return {{who: '{code}'}}; }}"));
        spec
    };
    let (mine, theirs) = (edit("mine"), edit("theirs"));
    let (a, b) = tokio::join!(c.put_action(&mine), c.put_action(&theirs));
    let (won, lost) = match (a, b) {
        (Ok(won), Err(lost)) | (Err(lost), Ok(won)) => (won, lost),
        other => panic!("exactly one save must win, got {other:?}"),
    };
    assert_eq!(lost.kind, ErrorKind::Conflict, "{lost}");
    assert_eq!(lost.status, Some(412), "{lost}");
    assert_ne!(won.revision.as_deref(), Some(revision.as_str()));
    let now = c.get_action(&action).await.unwrap();
    assert_eq!((now.exec.code, now.revision), (won.exec.code, won.revision));

    // Saving over the stale revision again is refused as well; nothing is overwritten.
    let stale = c.put_action(&mine).await.unwrap_err();
    assert_eq!(stale.kind, ErrorKind::Conflict, "{stale}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ncp_client_reads_the_revision_and_two_saves_cannot_both_win() {
    let url = serve().await;
    one_of_two_saves_wins(&ncp_client(&url), ActionRef::in_package("demo", "hello")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_openwhisk_client_reads_the_revision_and_two_saves_cannot_both_win() {
    let url = serve().await;
    one_of_two_saves_wins(&ow_client(&url), ActionRef::in_package("demo", "hello")).await;
}
