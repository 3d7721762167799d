//! The first page, `/`: each connection's card (its actions, its last hour) and where to go.
//! A lazy route, so its code is not in every page's bundle.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

use super::overview::ConnectionCards;
use crate::components::SECTIONS;

/// The overview as a lazy route.
pub struct HomeRoute;

#[lazy_route]
impl LazyRoute for HomeRoute {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! {
            <Title text="Overview" />
            <section class="home" id="content">
                <h1>"Overview"</h1>
                <p class="lead">
                    "Edit, run and inspect serverless functions on NAVER Cloud Functions, Apache OpenWhisk, Huawei FunctionGraph and Tencent SCF — or on the embedded engine, with no cloud at all. Credentials stay on the server."
                </p>
                <ConnectionCards />
                <h2>"Sections"</h2>
                <ul class="section-cards">
                    {SECTIONS
                        .into_iter()
                        .map(|(href, label, key)| {
                            view! {
                                <li>
                                    <a href=href>{label}</a>
                                    // ASCII: `to_uppercase` would bring Unicode's case tables.
                                    <span class="muted">" (Alt+" {key.to_ascii_uppercase()} ")"</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
        .into_any()
    }
}
