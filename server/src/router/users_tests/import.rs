//! Bulk import against the real Keycloak: an upload with good and bad rows becomes a draft, the
//! check lists each bad row with its reason, filing runs the good ones, and the per-row result
//! says what became of every row. A file that is not CSV is refused with its line and column.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use super::super::test_support::{ORIGIN, call_encoded, location, send, sign_in};
use super::requests::settled;
use super::{ACME, HELPDESK, Throwaway, exists, keycloak, unique_name};

/// Posts `csv` as the upload form's file; answers the redirect's target.
pub(super) async fn upload(app: &axum::Router, cookie: &str, csv: &str) -> String {
    let boundary = "ctc-boundary-7f3a";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"staff.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let request = Request::post(format!("/import/t/{ACME}/users"))
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let response = send(app, request).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(response.headers())
}

pub(super) fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

#[tokio::test]
async fn an_import_with_good_and_bad_rows_creates_the_good_ones_and_says_why_of_the_others() {
    let Some((app, state)) = super::console().await else { return };
    let agent = sign_in(&app, HELPDESK).await;
    let taken = Throwaway::create(&state, serde_json::json!({})).await;
    let (one, two) = (unique_name(), unique_name());
    let _cleanup = (Throwaway::by_name(&state, &one), Throwaway::by_name(&state, &two));
    let csv = format!(
        "\u{feff}Login;E-mail;Given name;Surname;department;jobTitle;employeeNumber;\
         costCenter;groups\r\n\
         {one};{one}@acme.example;Ann;Lee;Legal;\"Counsel; EMEA\";T-1;CC-1;/Legal\r\n\
         {two};{two}@acme.example;Bo;Ng;Sales;Rep;T-2;CC-2;\r\n\
         {one};again@acme.example;Ann;Lee;Legal;Counsel;T-3;CC-3;\r\n\
         bad.email;not-an-email;Cy;Do;Legal;Counsel;T-4;CC-4;\r\n\
         {taken};x{taken}@acme.example;Di;Ek;Legal;Counsel;T-5;CC-5;\r\n\
         ghost;ghost@acme.example;Ed;Fu;Legal;Counsel;T-6;CC-6;/No such group\r\n",
        taken = taken.username
    );

    let target = upload(&app, &agent, &csv).await;
    let id = target.rsplit('/').next().unwrap().to_owned();
    assert!(target.starts_with("/t/acme/requests/"), "{target}");
    let (status, preview) =
        call_encoded(&app, &agent, "import/preview", form(&[("tenant", ACME), ("id", &id)])).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["facts"]["delimiter"], ";");
    assert_eq!(preview["facts"]["had_bom"], true);
    assert_eq!(preview["mapping"]["username"], "Login");
    assert_eq!(preview["mapping"]["lastName"], "Surname");
    let mut args: Vec<(String, String)> =
        vec![("tenant".into(), ACME.into()), ("id".into(), id.clone())];
    for (field, column) in preview["mapping"].as_object().unwrap() {
        args.push((format!("mapping[{field}]"), column.as_str().unwrap().to_owned()));
    }
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

    let (status, report) = call_encoded(&app, &agent, "import/check", form(&pairs)).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!((report["rows"].as_u64(), report["good"].as_u64()), (Some(6), Some(2)), "{report}");
    let reasons: Vec<(u64, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["line"].as_u64().unwrap(), p["reason"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(reasons.len(), 4, "{reasons:?}");
    assert!(reasons[0].1.contains("same username as line 2"), "{reasons:?}");
    assert!(reasons[1].1.contains("not an email"), "{reasons:?}");
    assert!(reasons[2].1.contains("already has this username"), "{reasons:?}");
    assert!(reasons[3].1.contains("/No such group"), "{reasons:?}");
    assert!(!exists(&state, &one).await, "the check writes nothing");

    let mut filing = pairs.clone();
    filing.extend([("reason", "spring joiners"), ("credential", "later"), ("enabled", "true")]);
    let (status, filed) = call_encoded(&app, &agent, "import/submit", form(&filing)).await;
    assert_eq!(status, StatusCode::OK, "{filed}");
    let detail = settled(&app, &agent, &id).await;
    assert_eq!(detail["summary"]["state"], "done", "{detail}");
    assert_eq!(detail["progress"]["rows_done"], 2);
    assert_eq!(detail["progress"]["rows_skipped"], 4);
    let kc = keycloak(&state);
    let ann = super::id_of(kc, &one).await.unwrap().expect("created");
    let groups = kc.user_groups(ACME, &ann, None, 0, 10).await.unwrap();
    assert_eq!(groups[0].path, "/Legal");
    let job = kc.user(ACME, &ann).await.unwrap().attributes.get("jobTitle").cloned();
    assert_eq!(job, Some(vec!["Counsel; EMEA".to_owned()]), "a quoted delimiter stays in its cell");

    let download = send(
        &app,
        Request::get(format!("/export/t/{ACME}/requests/{id}/rows.csv"))
            .header(header::COOKIE, &agent)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(download.status(), StatusCode::OK);
    let text = String::from_utf8(
        axum::body::to_bytes(download.into_body(), 1 << 20).await.unwrap().to_vec(),
    )
    .unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 7, "a header and one line per row: {text}");
    assert!(lines[1].contains(",done,"), "{text}");
    assert!(lines[3].contains(",skipped,"), "{text}");
}

#[tokio::test]
async fn an_upload_that_is_not_csv_is_sent_back_with_its_line_and_nothing_is_filed() {
    let Some((app, _state)) = super::console().await else { return };
    let agent = sign_in(&app, HELPDESK).await;

    let target = upload(&app, &agent, "username,email\nann,\"ann@acme.example\nbo,bo@x\n").await;

    assert!(target.starts_with("/t/acme/requests/import?error="), "{target}");
    let said = url::form_urlencoded::parse(target.split_once('?').unwrap().1.as_bytes())
        .find(|(k, _)| k == "error")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert!(said.contains("Line 2"), "{said}");
    let (_, list) = call_encoded(&app, &agent, "requests/list", form(&[("tenant", ACME)])).await;
    assert_eq!(list["total"], 0, "{list}");
}

#[tokio::test]
async fn an_upload_over_the_size_limit_is_sent_back_saying_so_and_nothing_is_filed() {
    let Some((app, _state)) = super::console().await else { return };
    let agent = sign_in(&app, HELPDESK).await;
    let junk = "x".repeat(21 * 1024 * 1024);

    let target = upload(&app, &agent, &junk).await;

    assert!(target.starts_with("/t/acme/requests/import?error="), "{target}");
    assert!(target.contains("larger"), "{target}");
    let (_, list) = call_encoded(&app, &agent, "requests/list", form(&[("tenant", ACME)])).await;
    assert_eq!(list["total"], 0, "{list}");
}
