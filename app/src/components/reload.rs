//! Reloading a page's data: after a write succeeds, and every two seconds while something on
//! it is still moving (a request running, a backup being taken). The timer lives only in the
//! browser, where effects run, and skips a beat while the person is typing in one of the
//! page's forms, so that a reload does not wipe what they wrote.

use std::time::Duration;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::AppError;

/// Whether the person is typing in one of the page's forms: a field of a form has the focus
/// (a button that was just clicked does not count).
fn typing() -> bool {
    document().active_element().is_some_and(|element| {
        matches!(element.tag_name().to_lowercase().as_str(), "input" | "textarea" | "select")
            && element.closest("form").ok().flatten().is_some()
    })
}

/// Bumps `tick` each time `action` succeeds; a refusal leaves the page as it is.
pub fn reload_after<S>(action: ServerAction<S>, tick: RwSignal<u32>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            tick.update(|n| *n += 1);
        }
    });
}

/// Bumps `tick` every two seconds while `moving` holds.
pub fn reload_while(moving: impl Fn() -> bool + Send + Sync + 'static, tick: RwSignal<u32>) {
    let moving = Memo::new(move |_| moving());
    Effect::new(move |_| {
        if !moving.get() {
            return;
        }
        let reload = move || {
            if !typing() {
                tick.update(|n| *n += 1);
            }
        };
        if let Ok(handle) = set_interval_with_handle(reload, Duration::from_secs(2)) {
            on_cleanup(move || handle.clear());
        }
    });
}

/// Bumps `tick` every `seconds` for as long as the page is open (in the browser), skipping a
/// beat while the person types in one of the page's forms.
pub fn reload_every(seconds: u64, tick: RwSignal<u32>) {
    Effect::new(move |_| {
        let reload = move || {
            if !typing() {
                tick.update(|n| *n += 1);
            }
        };
        if let Ok(handle) = set_interval_with_handle(reload, Duration::from_secs(seconds.max(1))) {
            on_cleanup(move || handle.clear());
        }
    });
}
