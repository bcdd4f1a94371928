//! Issue 16's whole path, on SQLite and PostgreSQL, as its users take it over HTTP: an
//! application arrives on the portal; the registering agency confirms its receipt and dispatches it to a unit below it,
//! which signs for it; the unit's officer uploads the document to provide, marks it (the pattern
//! pass included) and decides; the approver releases the redacted copy; the applicant is told by
//! SMS (a gateway on a local port receives exactly one message per milestone, none with the
//! identity number) and downloads the copy from the tracking page; the officer publishes the
//! answer to the public log, where anyone finds it and gets the same copy, never the original.
//! The statutory due date never moves.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Server, TestStore, Who};
use gongkai_redact::fixtures;
use gongkai_services::notify::NotifyRules;
use gongkai_services::notify::send::{SmsGateway, Transports, Worker};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

on_both!(an_application_goes_from_the_portal_to_the_public_log);

/// The unit below A that holds the information.
const UNIT: &str = "测试县自然资源局不动产登记中心";

/// An SMS gateway on a local port: answers 200 and keeps each JSON body.
async fn sms_gateway() -> (String, Arc<Mutex<Vec<Value>>>) {
    let kept: Arc<Mutex<Vec<Value>>> = Arc::default();
    let bodies = kept.clone();
    let app = axum::Router::new().route(
        "/sms",
        axum::routing::post(move |axum::Json(body): axum::Json<Value>| {
            let bodies = bodies.clone();
            async move { bodies.lock().unwrap().push(body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, kept)
}

/// Sends every queued message as a worker of `gongkai serve` would, a day from now (past any
/// quiet hours), through the gateway at `url`.
async fn send_all<S: gongkai_store::Store>(store: &S, url: &str, outbox: &std::path::Path) {
    let worker = Worker::new(
        Transports {
            sms: Some(SmsGateway {
                url: url.to_owned(),
                sign_header: None,
                sign_key: None,
                timeout: std::time::Duration::from_secs(10),
            }),
            smtp: None,
            from: "gk@example.gov.cn".into(),
            outbox: outbox.to_owned(),
        },
        NotifyRules::default(),
    )
    .unwrap();
    let later = chrono::Utc::now() + chrono::Duration::days(1);
    let round = worker.drain(store, later).await.unwrap();
    assert_eq!(round.failed + round.retried, 0, "{round:?}");
}

async fn call(server: &Server, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let request = match method {
        "GET" => server.api().get(server.url(path)),
        _ => server.api().post(server.url(path)).json(&body),
    };
    let r = request.bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn an_application_goes_from_the_portal_to_the_public_log(server: Server) -> Server {
    let tools = gongkai_redact::Tools::default();
    if !tools.available(gongkai_redact::Kind::Pdf.programs()) {
        eprintln!("SKIPPED: poppler is not installed");
        return server;
    }
    let unit = server.unit_of_a(UNIT, "officer-unit").await;
    let store = match server.store.as_ref().unwrap() {
        TestStore::Sqlite(s) => TestStore::Sqlite(s.clone()),
        TestStore::Postgres(s) => TestStore::Postgres(s.clone()),
    };
    let (gateway, sms) = sms_gateway().await;
    let outbox = tempfile::tempdir().unwrap();
    let send = || async {
        match &store {
            TestStore::Sqlite(s) => send_all(s, &gateway, outbox.path()).await,
            TestStore::Postgres(s) => send_all(s, &gateway, outbox.path()).await,
        }
    };
    let officer = server.token(Who::OfficerA).unwrap().to_owned();
    let approver = server.approver_of_a().await;

    // 1. The application arrives on the portal; the applicant is told its tracking code.
    let r = server
        .api()
        .post(server.url("/api/v1/applications"))
        .json(&json!({
            "agency": server.agency_id(A).await, "applicant": "孙八", "kind": "自然人",
            "id_type": "居民身份证", "id_number": "11010519491231002X", "phone": "13912340077",
            "description": "某地块的不动产登记簿", "form": "网上获取",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let receipt: Value = r.json().await.unwrap();
    let code = receipt["tracking_code"].as_str().unwrap().to_owned();
    let id = server.requests_of_a().await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reference"] == receipt["reference"])
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    // The registering office confirms the receipt (the day the statutory period runs from).
    let r = server
        .browser(Who::OfficerA)
        .await
        .post(&format!("/office/requests/{id}/confirm"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let path = format!("/api/v1/requests/{id}");
    let (_, before) = call(&server, &officer, "GET", &path, Value::Null).await;
    let due = before["due"].clone();
    assert!(due.is_string(), "{before}");
    send_all_checked(&send, &sms, 1).await;
    let received = sms.lock().unwrap()[0].clone();
    assert_eq!(received["phone"], "13912340077");
    assert!(
        received["text"].as_str().unwrap().contains(&code),
        "{received}"
    );

    // 2. Dispatched to the unit (转办), which signs for it (签收): the clock does not move.
    let (status, v) = call(
        &server,
        &officer,
        "POST",
        &format!("{path}/dispatch"),
        json!({"to_agency": UNIT}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = call(&server, &unit, "POST", &format!("{path}/sign"), json!({})).await;
    assert_eq!(status, 200, "{v}");
    let (_, after) = call(&server, &unit, "GET", &path, Value::Null).await;
    assert_eq!(after["handling_agency"], UNIT, "{after}");
    assert_eq!(after["due"], due);

    // 3. The unit's officer uploads the document and marks it; the approver releases the copy.
    let original = fixtures::text_pdf(2);
    let r = server
        .api()
        .post(server.url(&format!("{path}/documents")))
        .bearer_auth(&unit)
        .multipart(common::file_form(original.clone(), "登记簿.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let document = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (status, v) = call(
        &server,
        &unit,
        "POST",
        &format!("/api/v1/documents/{document}/redaction"),
        json!({"boxes": [{"page": 1, "x": 0.1, "y": 0.1, "w": 0.3, "h": 0.05,
                          "reason": "第十五条"}], "patterns": true}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let release = format!("/api/v1/documents/{document}/release");
    let (status, _) = call(&server, &unit, "POST", &release, json!({})).await;
    assert_eq!(status, 403, "an officer does not release");
    let (status, released) = call(&server, &approver, "POST", &release, json!({})).await;
    assert_eq!(status, 200, "{released}");

    // 4. Decided (部分公开, 第三十七条): the applicant is told by SMS, once.
    let today = gongkai_web::china_today().to_string();
    let (status, v) = call(
        &server,
        &unit,
        "POST",
        &format!("{path}/events"),
        json!({"event": "decided", "date": today, "outcome": "部分公开"}),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    send_all_checked(&send, &sms, 2).await;
    // A second round sends nothing again.
    send_all_checked(&send, &sms, 2).await;
    for message in sms.lock().unwrap().iter() {
        let text = message["text"].as_str().unwrap();
        assert!(!text.contains("11010519491231002X"), "{text}");
    }
    let (_, decided) = call(&server, &unit, "GET", &path, Value::Null).await;
    assert_eq!(decided["due"], due, "no step moved the statutory date");

    // 5. The applicant downloads the released copy from the tracking page.
    let citizen = server.browser(Who::Anonymous).await;
    let copy_url = released["url"].as_str().unwrap().to_owned();
    let r = citizen
        .post(&copy_url, &[("code", &code), ("last4", "0077")])
        .await;
    assert_eq!(r.status(), 200);
    let copy = r.bytes().await.unwrap().to_vec();
    assert_ne!(copy, original);
    for number in fixtures::planted() {
        assert!(
            !copy.windows(number.len()).any(|w| w == number.as_bytes()),
            "{number}"
        );
    }

    // 6. The unit's officer publishes the answer to the public log: anyone finds it and gets
    //    the same copy, never the original nor the applicant.
    let desk = server.browser_of(Some("officer-unit")).await;
    let document_s = document.to_string();
    let r = desk
        .post(
            &format!("/office/requests/{id}/disclosure"),
            &[
                ("title", "某地块不动产登记簿的公开答复"),
                ("documents", &document_s),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let log = citizen
        .get_text("/disclosures?q=%E7%99%BB%E8%AE%B0%E7%B0%BF")
        .await;
    assert!(log.contains("某地块不动产登记簿的公开答复"), "{log}");
    assert!(!log.contains("孙八"));
    let entry = log
        .split("href=\"/disclosures/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let r = citizen
        .get(&format!("/disclosures/{entry}/documents/{document}"))
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), copy);
    server
}

/// Runs the worker and checks the gateway holds `expected` messages in all.
async fn send_all_checked<F, Fut>(send: &F, sms: &Arc<Mutex<Vec<Value>>>, expected: usize)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    send().await;
    let got = sms.lock().unwrap().clone();
    assert_eq!(got.len(), expected, "{got:#?}");
}
