//! A web action's options survive a save through the console: created as a CLI would (raw
//! requests), read by the console's client, saved unchanged, read again — the provider holds
//! the same annotations (OpenWhisk's `raw-http`, `web-custom-options`) or fields (NCP's
//! `raw-http`, `custom-options`) as before, and the client shows them as web options.

mod support;

use providers::ActionRef;
use providers::client::Operations;
use serde_json::{Value, json};
use support::{Sign, call, ncp_client, ow_client, serve};

const CODE: &str = "function main() { return {body: 'hi'}; }";

/// GETs `target` and answers its JSON body.
async fn read_raw(url: &String, sign: Sign, target: &str) -> Value {
    let reply = call(url, sign, "GET", target, Vec::new()).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()
}

/// Reads `action` through `client` and saves it unchanged; answers what was read.
async fn save_unchanged(client: &impl Operations, action: &ActionRef) -> providers::ActionSpec {
    let read = client.get_action(action).await.unwrap();
    client.put_action(&read).await.unwrap();
    read
}

/// An OpenWhisk action's annotations, by key.
fn annotations(action: &Value) -> Vec<(String, Value)> {
    let mut list: Vec<(String, Value)> = action["annotations"]
        .as_array()
        .unwrap_or_else(|| panic!("no annotations in {action}"))
        .iter()
        .map(|kv| (kv["key"].as_str().unwrap().to_string(), kv["value"].clone()))
        .collect();
    list.sort_by(|a, b| a.0.cmp(&b.0));
    list
}

#[tokio::test(flavor = "multi_thread")]
async fn openwhisk_web_options_are_kept_by_a_save_through_the_client() {
    let url = serve().await;
    let target = "/api/v1/namespaces/_/actions/demo/shown";
    let body = json!({
        "exec": {"kind": "nodejs:20", "code": CODE},
        "annotations": [
            {"key": "web-export", "value": true},
            {"key": "raw-http", "value": true},
            {"key": "web-custom-options", "value": true},
            {"key": "description", "value": "kept"},
        ],
    });
    let put = format!("{target}?overwrite=true");
    let created = call(
        &url,
        Sign::OpenWhisk,
        "PUT",
        &put,
        body.to_string().into_bytes(),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text);
    let before = annotations(&read_raw(&url, Sign::OpenWhisk, target).await);
    for option in ["raw-http", "web-custom-options"] {
        assert!(
            before.contains(&(option.to_string(), json!(true))),
            "the engine keeps {option}: {before:?}"
        );
    }

    let client = ow_client(&url);
    let action = ActionRef::in_package("demo", "shown");
    let read = save_unchanged(&client, &action).await;
    assert_eq!(read.extra.get("raw-http"), Some(&json!(true)));
    assert_eq!(read.extra.get("custom-options"), Some(&json!(true)));

    let after = annotations(&read_raw(&url, Sign::OpenWhisk, target).await);
    assert_eq!(after, before, "the save wrote back every annotation");
    let again = client.get_action(&action).await.unwrap();
    assert_eq!(again.extra, read.extra);
}

/// The value of `key` anywhere in `value` (NCP nests an action's fields in its answer).
fn find<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    match value {
        Value::Object(map) => map
            .get(key)
            .or_else(|| map.values().find_map(|v| find(v, key))),
        Value::Array(list) => list.iter().find_map(|v| find(v, key)),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn ncp_web_options_are_kept_by_a_save_through_the_client() {
    let url = serve().await;
    let target = "/api/v2/packages/demo/actions/shown";
    let body = json!({
        "exec": {"kind": "nodejs:20", "code": CODE, "binary": false},
        "limits": {"timeout": 60000, "memory": 256},
        "raw-http": true,
        "custom-options": true,
    });
    let put = format!("{target}?type=web");
    let created = call(&url, Sign::Ncp, "PUT", &put, body.to_string().into_bytes()).await;
    assert_eq!(created.status, 200, "{}", created.text);
    let options =
        |action: &Value| ["raw-http", "custom-options"].map(|key| find(action, key).cloned());
    let before = options(&read_raw(&url, Sign::Ncp, target).await);
    assert_eq!(before, [Some(json!(true)), Some(json!(true))]);

    let client = ncp_client(&url);
    let action = ActionRef::in_package("demo", "shown");
    let read = save_unchanged(&client, &action).await;
    assert_eq!(read.extra.get("raw-http"), Some(&json!(true)));
    assert_eq!(read.extra.get("custom-options"), Some(&json!(true)));

    let after = options(&read_raw(&url, Sign::Ncp, target).await);
    assert_eq!(after, before, "the save wrote back both options");
}
