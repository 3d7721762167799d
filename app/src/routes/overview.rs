//! The overview's cards: one per configured connection, each asking for its own card (its
//! actions, its last hour, its latest failures) once the page is hydrated and filled the
//! moment that connection answers; a slow or broken one says why on its card. The server
//! renders each card's body (`overview_card`).
//!
//! This is the first page, so its WASM is kept to strings: the list is one `inner_html`
//! built from the cards' text, not a view per card. A view per card under a `Suspense`
//! (each with its resource) cost the first page 32 KB gzip of generic view code.

use leptos::prelude::*;
use providers::ConnectionSummary;

use crate::api::{FAILURES_HREF, list_connections, overview_card};

/// What the list shows until the connections are known (the server renders it too).
const LOADING: &str = r#"<li><p class="loading" role="status">Loading connections…</p></li>"#;

/// What a card's body shows until its connection answers.
const ASKING: &str = r#"<p class="muted" role="status">Asking…</p>"#;

/// One card per configured connection.
#[component]
pub fn ConnectionCards() -> impl IntoView {
    let cards = RwSignal::new(vec![LOADING.to_string()]);
    // Effects run in the browser only: the server sends the list as loading.
    Effect::new(move |_| leptos::task::spawn_local(fill(cards)));
    view! {
        <h2>"Connections"</h2>
        <p><a href=FAILURES_HREF>"Failures, last hour, everywhere"</a></p>
        <ul class="connection-cards" inner_html=move || cards.with(|c| c.concat())></ul>
    }
}

/// Lists the connections, then asks for every card at once, each put in its place as it comes.
async fn fill(cards: RwSignal<Vec<String>>) {
    let list = match list_connections().await {
        Ok(list) => list,
        Err(error) => {
            let problem = format!(
                r#"<li><p class="problem" role="alert">{}</p></li>"#,
                escape(&error.to_string())
            );
            cards.try_set(vec![problem]);
            return;
        }
    };
    cards.try_set(list.iter().map(|c| card(c, ASKING)).collect());
    for (slot, connection) in list.into_iter().enumerate() {
        leptos::task::spawn_local(async move {
            let body = match overview_card(connection.id.clone(), None).await {
                Ok(html) => html,
                Err(e) => format!(
                    r#"<p class="part-failed" role="alert">{}</p>"#,
                    escape(&e.to_string())
                ),
            };
            cards.try_update(|c| {
                if let Some(card_html) = c.get_mut(slot) {
                    *card_html = card(&connection, &body);
                }
            });
        });
    }
}

/// One connection's card: its name and provider (escaped here), its body as the server wrote it.
fn card(c: &ConnectionSummary, body: &str) -> String {
    let local = if c.local { " (local engine)" } else { "" };
    let name = escape(&c.name);
    format!(
        r#"<li class="connection-card" aria-label="{name}" data-connection="{id}"><h3>{name}</h3><p class="muted">{provider}{local}</p><div class="card-body">{body}</div></li>"#,
        id = escape(&c.id),
        provider = escape(&c.provider.to_string()),
    )
}

/// Text and attribute values as HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_escapes_what_a_configuration_names() {
        let c = ConnectionSummary {
            id: "x\"y".into(),
            name: "<script>alert(1)</script>".into(),
            provider: providers::ProviderKind::Ncp,
            local: false,
        };
        let html = card(&c, "<p>body</p>");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains(r#"data-connection="x&quot;y""#), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("<p>body</p>"),
            "the server's body is kept as HTML: {html}"
        );
    }
}
