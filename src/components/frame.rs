//! The card every screen sits in. Its heading takes focus when the screen appears, so keyboard and
//! screen-reader users land on the new step instead of a button that no longer exists.

use leptos::html::H2;
use leptos::prelude::*;

/// A screen's frame: heading, then content.
#[component]
pub fn Frame(
    /// The screen's heading.
    title: String,
    /// Extra BEM modifier (`problem`, `done`), or empty.
    #[prop(optional)]
    modifier: &'static str,
    /// The screen's content.
    children: Children,
) -> impl IntoView {
    let heading = NodeRef::<H2>::new();
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            // Unless the screen already put focus on one of its own fields (a code typed before
            // the page started keeps its focus and caret). Focus is a courtesy: failing to move
            // it changes nothing else.
            let inside = h.parent_element().is_some_and(|screen| {
                screen.contains(
                    web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.active_element())
                        .as_deref(),
                )
            });
            if !inside {
                let _ = h.focus();
            }
        }
    });
    let class = if modifier.is_empty() {
        "screen".to_owned()
    } else {
        format!("screen screen--{modifier}")
    };
    view! {
        <section class=class aria-labelledby="screen-title">
            <h2 id="screen-title" class="screen__title" tabindex="-1" node_ref=heading>{title}</h2>
            {children()}
        </section>
    }
}
