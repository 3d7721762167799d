//! The spans a person debugs with: each dialect request (its dialect and operation) and,
//! inside it, the invocation with its activation id.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use support::{Sign, call, dialects};

/// Everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invocation_is_traced_inside_its_dialect_request_with_its_activation_id() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let to = dialects();
    let ran = call(
        &to,
        Sign::Ncp,
        "POST",
        "/api/v2/packages/demo/actions/hello?timeout=60000",
        br#"{"name": "Kim"}"#.to_vec(),
    )
    .await;
    assert_eq!(ran.status, 200, "{}", ran.text);
    let id = ran.json()["content"]["activationId"]
        .as_str()
        .unwrap()
        .to_string();
    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let ended = text
        .lines()
        .find(|l| l.contains("invocation ended"))
        .unwrap_or_else(|| panic!("no invocation ended in:\n{text}"));
    for part in [
        "dialect_request{",
        "ncp",
        "POST /api/v2/packages/{package}/actions/{action}",
        "invocation{",
        id.as_str(),
        "demo/hello",
        "success",
    ] {
        assert!(ended.contains(part), "{part:?} not in {ended:?}");
    }
    let answered = text
        .lines()
        .find(|l| l.contains("answered"))
        .unwrap_or_else(|| panic!("no answered in:\n{text}"));
    assert!(answered.contains("status=200"), "{answered}");
}
