//! `users/search`: pages and totals against the demo data, free text and field filters, the
//! refusals that name their field, and who may search which tenant.

use axum::http::StatusCode;
use serde_json::Value;

use super::super::test_support::sign_in;
use super::{
    ACME, AUDITOR, GLOBEX_ADMIN, HELPDESK, console, demo_only, demo_usernames, field_of, search,
    search_in, usernames,
};

/// Whether the demo user's `key` contains `part`, ignoring case, as Keycloak's field filters
/// match.
fn holds(user: &Value, key: &str, part: &str) -> bool {
    user[key].as_str().unwrap_or_default().to_lowercase().contains(&part.to_lowercase())
}

/// Whether a free-text term matches the demo user as Keycloak's default search does: a prefix
/// of the username, email, first or last name, ignoring case.
fn starts(user: &Value, term: &str) -> bool {
    ["username", "email", "firstName", "lastName"]
        .iter()
        .any(|k| user[k].as_str().unwrap_or_default().to_lowercase().starts_with(term))
}

/// Checks that `page` is the whole answer (its total is its length) and holds, of the demo
/// users, exactly `expected`.
fn assert_whole_answer(page: &Value, expected: &[String]) {
    let listed = usernames(page);
    assert_eq!(page["total"], listed.len(), "the total counts what the page lists: {page}");
    assert_eq!(demo_only(&listed), expected);
}

#[tokio::test]
async fn the_pages_of_an_attribute_and_status_search_add_up_to_its_total_and_the_demo_data() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;
    let expected = demo_usernames(|u| {
        u["attributes"]["department"][0] == "Engineering" && u["enabled"] == true
    });

    let mut listed = Vec::new();
    let mut totals = Vec::new();
    for page in 0..10 {
        let page_text = page.to_string();
        let filters =
            [("attribute", "department:Engineering"), ("status", "enabled"), ("page", &page_text)];
        let (status, answer) = search(&app, &cookie, &filters).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["page"], page);
        totals.push(answer["total"].as_u64().unwrap());
        let names = usernames(&answer);
        assert!(names.len() <= 20, "a page holds at most 20 users");
        if names.is_empty() {
            break;
        }
        listed.extend(names);
    }

    listed.sort();
    let mut once = listed.clone();
    once.dedup();
    assert_eq!(once, listed, "no user is on two pages");
    assert_eq!(demo_only(&listed), expected, "the pages hold every matching user");
    assert!(totals.iter().all(|t| *t == listed.len() as u64), "{totals:?}");
    assert!(totals.len() > 2, "the search spans several pages");
}

#[tokio::test]
async fn free_text_matches_a_prefix_and_quotes_match_exactly() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;

    let (_, prefix) = search(&app, &cookie, &[("q", "zoe")]).await;
    let (_, exact) = search(&app, &cookie, &[("q", "\"zoe.huber\"")]).await;
    let (_, exact_part) = search(&app, &cookie, &[("q", "\"zoe.hub\"")]).await;

    assert_whole_answer(&prefix, &demo_usernames(|u| starts(u, "zoe")));
    assert_eq!(usernames(&exact), ["zoe.huber"]);
    assert_eq!(exact["total"], 1);
    assert_eq!(exact_part["total"], 0, "a quoted term is not a prefix");
}

#[tokio::test]
async fn each_field_filter_and_the_status_narrow_the_search_to_the_matching_users() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;

    let (_, disabled) =
        search(&app, &cookie, &[("first_name", "nadia"), ("status", "disabled")]).await;
    let (_, by_username) =
        search(&app, &cookie, &[("username", "zoe."), ("last_name", "LEF")]).await;
    let (_, by_email) = search(&app, &cookie, &[("email", "jurgen.")]).await;

    let expected = demo_usernames(|u| holds(u, "firstName", "nadia") && u["enabled"] == false);
    assert_whole_answer(&disabled, &expected);
    let expected = demo_usernames(|u| holds(u, "username", "zoe.") && holds(u, "lastName", "lef"));
    assert_whole_answer(&by_username, &expected);
    assert_whole_answer(&by_email, &demo_usernames(|u| holds(u, "email", "jurgen.")));
}

#[tokio::test]
async fn names_with_accents_are_found_by_free_text_and_by_field() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;

    let (_, zoe) = search(&app, &cookie, &[("q", "Zoé")]).await;
    let (_, muller) = search(&app, &cookie, &[("last_name", "Müller")]).await;
    let (_, soren) = search(&app, &cookie, &[("q", "søren")]).await;

    assert_whole_answer(&zoe, &demo_usernames(|u| u["firstName"] == "Zoé"));
    let names = zoe["users"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap());
    assert!(names.clone().all(|n| n.starts_with("Zoé ")), "{:?}", names.collect::<Vec<_>>());
    assert_whole_answer(&muller, &demo_usernames(|u| u["lastName"] == "Müller"));
    assert_whole_answer(&soren, &demo_usernames(|u| u["firstName"] == "Søren"));
}

#[tokio::test]
async fn free_text_with_a_field_filter_is_refused_naming_q() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;

    let (status, answer) = search(&app, &cookie, &[("q", "zoe"), ("last_name", "Huber")]).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["kind"], "InvalidInput");
    assert_eq!(field_of(&answer), Some("q"));
}

#[tokio::test]
async fn an_attribute_token_without_a_colon_is_refused_naming_attribute() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, HELPDESK).await;

    let (status, answer) = search(&app, &cookie, &[("attribute", "department:Sales oops")]).await;

    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(field_of(&answer), Some("attribute"));
    assert!(answer["message"].as_str().unwrap().contains("oops"), "{answer}");
}

#[tokio::test]
async fn an_auditor_searches_each_tenant_they_audit() {
    let Some((app, _)) = console().await else { return };
    let cookie = sign_in(&app, AUDITOR).await;

    let (acme, in_acme) = search_in(&app, &cookie, ACME, &[("q", "zoe")]).await;
    let (globex, in_globex) = search_in(&app, &cookie, "globex", &[]).await;

    assert_eq!(acme, StatusCode::OK, "{in_acme}");
    assert_whole_answer(&in_acme, &demo_usernames(|u| starts(u, "zoe")));
    assert_eq!(globex, StatusCode::OK, "{in_globex}");
    assert!(in_globex["total"].as_u64().unwrap() > 0, "{in_globex}");
}

#[tokio::test]
async fn a_tenant_not_held_is_refused_alike_whether_or_not_it_exists() {
    let Some((app, _)) = console().await else { return };
    let helpdesk = sign_in(&app, HELPDESK).await;
    let globex_admin = sign_in(&app, GLOBEX_ADMIN).await;

    let (other, in_other) = search_in(&app, &helpdesk, "globex", &[("q", "zoe")]).await;
    let (missing, in_missing) = search_in(&app, &helpdesk, "no-such-tenant", &[("q", "zoe")]).await;
    let (acme, in_acme) = search_in(&app, &globex_admin, ACME, &[("q", "zoe")]).await;

    assert_eq!(other, StatusCode::FORBIDDEN);
    assert_eq!(missing, StatusCode::FORBIDDEN);
    assert_eq!(acme, StatusCode::FORBIDDEN);
    assert_eq!(in_other, in_missing, "nothing tells a tenant that exists from one that does not");
    assert_eq!(in_other, in_acme);
    assert_eq!(in_other["kind"], "Forbidden");
    assert!(in_other.get("users").is_none() && in_other.get("total").is_none(), "{in_other}");
}
