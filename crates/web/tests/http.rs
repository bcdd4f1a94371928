//! The server as browsers and API clients use it, on SQLite and PostgreSQL: a request from
//! registration to decision through the pages and through the API; hostile text in every field
//! comes back escaped; forms without the CSRF token or from another origin are refused;
//! repeated failed logins lock the account; sessions live in the database; errors never show a
//! stack trace or SQL; the committed OpenAPI document is the one served.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, B, Server, Who, escaped};

on_both!(
    a_request_goes_from_registration_to_decision_in_the_pages,
    the_api_registers_lists_and_follows_requests,
    a_retry_with_the_same_idempotency_key_creates_nothing,
    corrections_withdrawals_and_cases_in_the_pages,
    a_report_is_checked_against_the_previous_year,
    a_busy_desk_shows_the_most_urgent_and_pages_the_rest,
    hostile_text_comes_back_escaped,
    forms_need_the_token_and_our_origin,
    failed_logins_lock_the_account_and_sessions_live_in_the_database,
    errors_say_what_in_chinese_and_nothing_more,
);

/// docs/web.md §2: the same `Idempotency-Key` with the same body answers the first response
/// again and creates nothing (without a key the same request is a 409: see the_api_registers_lists_and_follows_requests);
/// with another body it is refused; keys are per account; a retry of
/// an event does not record it twice; a malformed key is a 400.
async fn a_retry_with_the_same_idempotency_key_creates_nothing(server: Server) -> Server {
    let client = server.api();
    let token = server.token(Who::OfficerA).unwrap();
    let create = |key: &'static str, token: &str, reference: &str| {
        client
            .post(server.url("/api/v1/requests"))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(&serde_json::json!({
                "agency": A, "reference": reference, "applicant": "张三",
                "kind": "自然人", "channel": "网上", "received": "2024-03-05",
                "description": "某文件",
            }))
            .send()
    };
    let first = create("retry-1", token, "IDEM-1").await.unwrap();
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: serde_json::Value = first.json().await.unwrap();
    for _ in 0..2 {
        let again = create("retry-1", token, "IDEM-1").await.unwrap();
        assert_eq!(again.status(), 201, "the first answer again, not 409");
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.headers()["content-type"], "application/json");
        let again: serde_json::Value = again.json().await.unwrap();
        assert_eq!(again, first);
    }
    let stored = server.requests_of_a().await;
    let idem: Vec<_> = stored["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["reference"] == "IDEM-1")
        .collect();
    assert_eq!(idem.len(), 1, "one request stored");
    // The same key for another request.
    let other = create("retry-1", token, "IDEM-2").await.unwrap();
    assert_eq!(other.status(), 422);
    let v: serde_json::Value = other.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key")
    );
    // Another account's key of the same name is its own: B's officer does not see agency A
    // (404, not A's answer), and that refusal is what B's retries get.
    let b = server.token(Who::OfficerB).unwrap();
    let refused = create("retry-1", b, "IDEM-1").await.unwrap();
    assert_eq!(refused.status(), 404);
    let refused_again = create("retry-1", b, "IDEM-1").await.unwrap();
    assert_eq!(refused_again.status(), 404);
    assert_eq!(refused_again.headers()["idempotent-replayed"], "true");

    // An event retried is recorded once.
    let id = first["id"].as_i64().unwrap();
    let consult = || {
        client
            .post(server.url(&format!("/api/v1/requests/{id}/events")))
            .bearer_auth(token)
            .header("idempotency-key", "consult-1")
            .json(&serde_json::json!({"event": "consultation-started", "date": "2024-03-06"}))
            .send()
    };
    let once = consult().await.unwrap();
    assert_eq!(once.status(), 200);
    let once: serde_json::Value = once.json().await.unwrap();
    let twice: serde_json::Value = consult().await.unwrap().json().await.unwrap();
    assert_eq!(twice, once);
    let events = twice["events"].as_array().unwrap();
    assert_eq!(events.len(), 2, "received and one consultation: {events:?}");

    // A key must be visible ASCII of at most 255 characters.
    let bad = client
        .post(server.url("/api/v1/requests"))
        .bearer_auth(token)
        .header("idempotency-key", "x".repeat(256))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    server
}

/// What the command line's `request amend`, `request withdraw-event` and `remedy add|close` do,
/// on 申请详情: each changes the record, says so, and leaves its reason in the audit log.
async fn corrections_withdrawals_and_cases_in_the_pages(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let r = officer
        .post(
            "/office/requests",
            &[
                ("agency", A),
                ("reference", "FIX-1"),
                ("applicant", "赵六"),
                ("kind", "自然人"),
                ("channel", "网上"),
                ("received", "2024-03-05"),
                ("description", "某文件"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let id = id_of(r.headers()["location"].to_str().unwrap());
    let page_of = format!("/office/requests/{id}");
    let at = |what: &str| format!("/office/requests/{id}/{what}");
    let decided = officer
        .post(
            &at("events"),
            &[
                ("event", "decided"),
                ("date", "2024-03-20"),
                ("outcome", "予以公开"),
            ],
        )
        .await;
    assert_eq!(decided.status(), 303);

    // A correction of the outcome, with its reason.
    let r = officer
        .post(
            &at("amend"),
            &[
                ("reason", "误选办理结果"),
                ("outcome", "部分公开"),
                ("applicant", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = officer.get_text(&format!("{page_of}?amended=1")).await;
    assert!(page.contains("已更正"), "{page}");
    assert!(
        page.contains("作出答复：部分公开"),
        "the timeline shows the new outcome"
    );
    // Nothing to correct is refused, with the reason required too.
    let r = officer.post(&at("amend"), &[("reason", "无")]).await;
    assert!(r.status().is_client_error(), "{}", r.status());

    // The decision withdrawn: the request is open again, and may not lose its receipt.
    let r = officer
        .post(&at("withdraw"), &[("reason", "答复尚未送达")])
        .await;
    assert_eq!(r.status(), 303);
    let page = officer.get_text(&page_of).await;
    assert!(!page.contains("作出答复："), "the decision is gone");
    assert!(page.contains("办理中"), "open again");
    assert!(
        !page.contains("撤回最后一个事件"),
        "the receipt alone cannot be withdrawn"
    );
    let r = officer.post(&at("withdraw"), &[("reason", "再撤")]).await;
    assert!(r.status().is_client_error(), "{}", r.status());

    // A reconsideration case, then its result.
    let r = officer
        .post(
            &at("remedies"),
            &[
                ("case", "复议〔2024〕1号"),
                ("kind", "行政复议"),
                ("received", "2024-04-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = officer.get_text(&page_of).await;
    assert!(
        page.contains("复议〔2024〕1号") && page.contains("尚未审结"),
        "{page}"
    );
    let r = officer
        .post(
            &at("remedies/close"),
            &[
                ("case", "复议〔2024〕1号"),
                ("result", "结果纠正"),
                ("date", "2024-05-06"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = officer.get_text(&page_of).await;
    assert!(page.contains("结果纠正（2024-05-06）"), "{page}");
    let r = officer
        .post(
            &at("remedies/close"),
            &[
                ("case", "复议〔2024〕1号"),
                ("result", "尚未审结"),
                ("date", "2024-05-06"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422, "a close needs a result");
    // The agency's list of cases links the case to its request.
    let list = officer
        .get_text(&format!(
            "/office/remedies?agency={}",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    assert!(
        list.contains("复议〔2024〕1号") && list.contains("结果纠正（2024-05-06）"),
        "{list}"
    );
    assert!(
        list.contains(&format!("href=\"/office/requests/{id}#h-remedies\">FIX-1")),
        "{list}"
    );
    // Table 四 of 2023 counts no case received in 2024.
    let earlier = officer
        .get_text(&format!(
            "/office/remedies?agency={}&year=2023",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    assert!(!earlier.contains("复议〔2024〕1号"), "{earlier}");

    // The reasons are in the audit log, with the officer as the actor.
    let admin = server.browser(Who::Admin).await;
    let audit = admin
        .get_text(&format!(
            "/office/audit?agency={}",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    for reason in ["误选办理结果", "答复尚未送达"] {
        assert!(audit.contains(reason), "{reason} in the audit log");
    }
    assert!(audit.contains("officer-a"));
    server
}

/// 检查报告 with the previous year's report beside it: what `gongkai report diff` says, in the
/// page: the cross-year rules when the two are consecutive years of one agency, and the cells
/// whose figures changed.
async fn a_report_is_checked_against_the_previous_year(server: Server) -> Server {
    const SEED: &str = include_str!("../../../fixtures/reports/yanhu-2020.json");
    let officer = server.browser(Who::OfficerA).await;
    let check = |previous: String| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", officer.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(SEED.as_bytes().to_vec()).file_name("2020.json"),
            )
            .part(
                "previous",
                reqwest::multipart::Part::bytes(previous.into_bytes()).file_name("2019.json"),
            );
        officer
            .client
            .post(format!("{}/office/check", officer.base))
            .multipart(form)
            .send()
    };
    // The same agency a year earlier, with one figure of table 二 different.
    let mut before: serde_json::Value = serde_json::from_str(SEED).unwrap();
    let seed_agency = before["agency"].clone();
    before["year"] = 2019.into();
    before["tables"]["t2"]["normative_docs"]["made_new"] = 7.into();
    let r = check(before.to_string()).await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("与上一年度报告比较"), "{page}");
    assert!(page.contains("数字不同的单元格（1 个）"), "{page}");
    assert!(
        !page.contains("R5、R6 未检查"),
        "consecutive years of one agency"
    );
    // Another agency's report: the cross-year rules do not apply, and the page says so.
    before["agency"] = "某县另一个局".into();
    let page = page_of(check(before.to_string())).await;
    assert!(page.contains("R5、R6 未检查"), "{page}");
    // A previous report whose year the reader could not determine: said so, never "0 年度", and
    // not taken for the year before.
    before["agency"] = seed_agency;
    before["year"] = serde_json::Value::Null;
    let page = page_of(check(before.to_string())).await;
    assert!(page.contains("2019.json（年度未能确定）"), "{page}");
    assert!(!page.contains("（0 年度）"), "{page}");
    assert!(page.contains("R5、R6 未检查"), "{page}");
    // A previous report that cannot be read is named.
    let r = check("这不是报告".to_owned()).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("2019.json"));
    server
}

/// The request id a redirect to a request's page names.
fn id_of(location: &str) -> i64 {
    location
        .trim_start_matches("/office/requests/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn a_request_goes_from_registration_to_decision_in_the_pages(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let form = officer.get_text("/office/requests/new").await;
    assert!(
        form.contains("以签收之日为收到申请之日"),
        "the receipt rules beside the date"
    );
    let r = officer
        .post(
            "/office/requests",
            &[
                ("agency", A),
                ("reference", "YS-001"),
                ("applicant", "张三"),
                ("kind", "自然人"),
                ("channel", "挂号信"),
                ("received", "2024-09-27"),
                ("description", "某路段拆迁补偿方案"),
                ("form", "纸质"),
                ("id_kind", "居民身份证"),
                ("id_number", "11010519491231002X"),
                ("phone", "13800001234"),
                ("address", "某县某路1号"),
                ("email", "zhang@example.cn"),
                ("delivery", "邮寄"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let id = id_of(&location);
    let page = officer.get_text(&location).await;
    assert!(page.contains("申请已登记"), "{page}");
    // The fields of 第二十九条: in full for the officer who handles it…
    for shown in [
        "11010519491231002X",
        "13800001234",
        "某县某路1号",
        "zhang@example.cn",
        "邮寄",
    ] {
        assert!(page.contains(shown), "{shown} on the officer's page");
    }
    // …masked for the supervising office, which sees the request but does not handle it.
    let supervisor = server.browser(Who::Supervisor).await;
    let seen = supervisor.get_text(&format!("/office/requests/{id}")).await;
    assert!(
        seen.contains("110***********002X") && seen.contains("138****1234"),
        "{seen}"
    );
    for hidden in [
        "11010519491231002X",
        "13800001234",
        "某县某路1号",
        "zhang@example.cn",
    ] {
        assert!(!seen.contains(hidden), "{hidden} shown to the supervisor");
    }
    // The API says the same to each.
    let contact_for = |who: Who| {
        let path = format!("/api/v1/requests/{id}");
        let server = &server;
        async move { server.get_json(&path, who).await["contact"].clone() }
    };
    let full = contact_for(Who::OfficerA).await;
    assert_eq!(full["id_number"], "11010519491231002X");
    assert_eq!(full["email"], "zhang@example.cn");
    let masked = contact_for(Who::Supervisor).await;
    assert_eq!(masked["id_number"], "110***********002X");
    assert_eq!(masked["phone"], "138****1234");
    assert_eq!(masked["delivery"], "邮寄");
    // A resident ID number with a wrong check digit is refused.
    let r = officer
        .post(
            "/office/requests",
            &[
                ("agency", A),
                ("reference", "YS-002"),
                ("applicant", "李四"),
                ("kind", "自然人"),
                ("channel", "当面"),
                ("received", "2024-09-27"),
                ("description", "某文件"),
                ("id_kind", "居民身份证"),
                ("id_number", "11010519491231012X"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("校验码"));
    // Received Friday 27 September 2024; the National Day week (1–7 October) is not counted
    // and Sunday 29 September and Saturday 12 October are make-up working days: the 20th
    // working day is Wednesday 30 October.
    assert!(
        page.contains("<strong>2024-10-30</strong>"),
        "the deadline\n{page}"
    );
    assert!(
        page.contains("国庆节放假，不计入"),
        "explained step by step"
    );
    assert!(page.contains("2024-10-12（星期六）调休上班，计入"));
    // A correction, then the corrected request: the period starts again (第三十条).
    let path = format!("/office/requests/{id}/events");
    let (officer_ref, path_ref) = (&officer, &path);
    let record = move |event: &'static str, date: &'static str, outcome: &'static str| async move {
        officer_ref
            .post(
                path_ref,
                &[("event", event), ("date", date), ("outcome", outcome)],
            )
            .await
    };
    assert_eq!(
        record("correction-requested", "2024-09-30", "")
            .await
            .status(),
        303
    );
    // A second correction request is refused with the article it breaks.
    let r = record("correction-requested", "2024-10-08", "").await;
    assert_eq!(r.status(), 409);
    let refusal = r.text().await.unwrap();
    assert!(refusal.contains("第三十条"), "{refusal}");
    assert_eq!(
        record("corrected-received", "2024-10-09", "")
            .await
            .status(),
        303
    );
    // Only the head of the agency approves an extension (第三十三条第二款).
    assert_eq!(
        record("extension-approved", "2024-10-10", "")
            .await
            .status(),
        403
    );
    assert_eq!(
        record("decided", "2024-10-20", "予以公开").await.status(),
        303
    );
    let page = officer.get_text(&format!("/office/requests/{id}")).await;
    assert!(page.contains("作出答复：予以公开"), "{page}");
    assert!(page.contains("已办结"), "{page}");
    // The report of the year counts it, and its figure leads back to it.
    let report = officer
        .get_text(&format!(
            "/office/reports?agency={}&year=2024",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    assert!(
        report.contains("cell=t3.r_disclosed.natural_person"),
        "links to explain"
    );
    // Table 二's 规章 and 规范性文件 figures lead to the catalogue documents behind them; one
    // typed by hand needs its reason (the agency keeps no catalogue here, so the report prints
    // no note: nothing computed was overridden).
    let figures = |reason: &'static str| {
        let officer = &officer;
        async move {
            officer
                .post(
                    "/office/reports/figures",
                    &[
                        ("agency", A),
                        ("year", "2024"),
                        ("t2.normative_docs.issued", "4"),
                        ("reason", reason),
                    ],
                )
                .await
        }
    };
    assert_eq!(figures("").await.status(), 422);
    assert_eq!(figures("目录尚未录入").await.status(), 303);
    let report = officer
        .get_text(&format!(
            "/office/reports?agency={}&year=2024",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    assert!(
        report.contains("cell=t2.normative_docs.issued"),
        "links to the catalogue"
    );
    let explain = officer
        .get_text(&format!(
            "/office/reports/explain?agency={}&year=2024&cell=t3.r_disclosed.natural_person",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    assert!(explain.contains("YS-001"), "{explain}");
    let docx = officer
        .get(&format!(
            "/office/reports/download?agency={}&year=2024&format=docx",
            gongkai_web::auth::form_urlencoded_component(A)
        ))
        .await;
    assert_eq!(docx.status(), 200);
    assert!(docx.bytes().await.unwrap().starts_with(b"PK"));
    server
}

async fn the_api_registers_lists_and_follows_requests(server: Server) -> Server {
    let client = server.api();
    let token = server.token(Who::OfficerA).unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let r = client
            .post(server.url("/api/v1/requests"))
            .bearer_auth(token)
            .json(&serde_json::json!({
                "agency": A, "reference": format!("API-{i}"), "applicant": "某公司",
                "kind": "商业企业", "channel": "网上", "received": "2024-03-05",
                "description": "某许可证",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["kind"], "商业企业");
        assert_eq!(v["state"], "open");
        assert_eq!(
            v["due"], "2024-04-02",
            "20 working days after 5 March 2024 (Qingming on 4 April is later)"
        );
        ids.push(v["id"].as_i64().unwrap());
    }
    // The same reference again is a conflict.
    let r = client
        .post(server.url("/api/v1/requests"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "agency": A, "reference": "API-0", "applicant": "某公司", "kind": "商业企业",
            "channel": "网上", "received": "2024-03-05", "description": "x",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    // Bad fields are named.
    let r = client
        .post(server.url("/api/v1/requests"))
        .bearer_auth(token)
        .json(&serde_json::json!({
            "agency": A, "reference": "API-X", "applicant": "某公司", "kind": "外星人",
            "channel": "飞鸽", "received": "昨天", "description": "x",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: serde_json::Value = r.json().await.unwrap();
    let fields: Vec<&str> = v["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["kind", "channel", "received"]);
    // Pages of two: every request exactly once, in order, and inserting between pages
    // neither skips nor repeats one.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!(
            "/api/v1/requests?agency={}&limit=2",
            gongkai_web::auth::form_urlencoded_component(A)
        );
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let v: serde_json::Value = client
            .get(server.url(&url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in v["items"].as_array().unwrap() {
            seen.push(item["id"].as_i64().unwrap());
        }
        if seen.len() == 2 {
            let r = client
                .post(server.url("/api/v1/requests"))
                .bearer_auth(token)
                .json(&serde_json::json!({
                    "agency": A, "reference": "API-LATE", "applicant": "某公司",
                    "kind": "商业企业", "channel": "网上", "received": "2024-03-06",
                    "description": "x",
                }))
                .send()
                .await
                .unwrap();
            ids.push(
                r.json::<serde_json::Value>().await.unwrap()["id"]
                    .as_i64()
                    .unwrap(),
            );
        }
        match v["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ids);
    // Events by id; an impossible one is a 409 citing the article.
    let id = ids[0];
    let event = |body: serde_json::Value| {
        client
            .post(server.url(&format!("/api/v1/requests/{id}/events")))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let r =
        event(serde_json::json!({"event": "decided", "date": "2024-03-10", "outcome": "部分公开"}))
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["state"], "closed");
    assert_eq!(v["events"][1]["outcome"], "部分公开");
    let r = event(serde_json::json!({"event": "fee-paid", "date": "2024-03-11"}))
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    // B's officer sees none of A's requests, not even that they exist.
    let other = server.token(Who::OfficerB).unwrap();
    let r = client
        .get(server.url(&format!("/api/v1/requests/{id}")))
        .bearer_auth(other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body = r.text().await.unwrap();
    assert!(!body.contains("API-0"), "{body}");
    // The generated report counts the decided request.
    let v: serde_json::Value = client
        .post(server.url("/api/v1/reports/generate"))
        .bearer_auth(token)
        .json(&serde_json::json!({"agency": A, "year": 2024}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v["report"]["tables"]["t3"]["r_partial"]["org_commercial"],
        1
    );
    assert_eq!(v["errors"], 0);
    server
}

/// Payloads that break out of HTML text, attributes and scripts.
const PAYLOADS: [&str; 3] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "';alert(3);//",
];

/// 130 open requests: the 工作台 lists the 100 most urgent and links to the whole list, which
/// pages through all of them, most urgent first; a request registered meanwhile is on the
/// very next look.
async fn a_busy_desk_shows_the_most_urgent_and_pages_the_rest(server: Server) -> Server {
    let client = server.api();
    let token = server.token(Who::OfficerA).unwrap();
    let register = |reference: String, received: String| {
        let request = client
            .post(server.url("/api/v1/requests"))
            .bearer_auth(token)
            .json(&serde_json::json!({
                "agency": A, "reference": reference, "applicant": "张三",
                "kind": "自然人", "channel": "网上", "received": received,
                "description": "某文件",
            }));
        async move { assert_eq!(request.send().await.unwrap().status(), 201) }
    };
    // Received over the three weeks before the day of the test, the oldest first.
    let today = gongkai_web::china_today();
    for i in 0..130u64 {
        let received = today - chrono::Days::new(21 - i / 7);
        register(format!("BUSY-{i:03}"), received.to_string()).await;
    }
    let officer = server.browser(Who::OfficerA).await;
    let desk = officer.get_text("/office").await;
    assert!(desk.contains("<strong>130</strong>未办结"), "{desk}");
    assert!(desk.contains("最紧急的 100 件如下"), "{desk}");
    assert_eq!(
        desk.matches(">BUSY-").count(),
        100,
        "only the most urgent lines"
    );
    assert!(desk.contains(">BUSY-000<"), "the oldest is the most urgent");
    assert!(
        !desk.contains(">BUSY-129<"),
        "the newest is on the next page"
    );
    let list = format!(
        "/office/requests?agency={}",
        gongkai_web::auth::form_urlencoded_component(A)
    );
    assert!(
        desk.contains(&list.replace('&', "&amp;")),
        "a link to the whole list"
    );
    let second = officer.get_text(&format!("{list}&page=2")).await;
    assert!(second.contains("第 2/2 页"), "{second}");
    assert_eq!(second.matches(">BUSY-").count(), 30);
    assert!(second.contains(">BUSY-129<"));
    register("BUSY-NEW".into(), today.to_string()).await;
    let again = officer.get_text(&format!("{list}&page=2")).await;
    assert!(again.contains("共 131 件"), "{again}");
    assert!(again.contains(">BUSY-NEW<"), "registered a moment ago");
    server
}

async fn hostile_text_comes_back_escaped(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    for (i, p) in PAYLOADS.iter().enumerate() {
        let reference = format!("X{i}{p}");
        let r = officer
            .post(
                "/office/requests",
                &[
                    ("agency", A),
                    ("reference", &reference),
                    ("applicant", p),
                    ("kind", "自然人"),
                    ("channel", "网上"),
                    ("received", "2024-03-05"),
                    ("description", p),
                    ("form", p),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "{p}");
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let page = officer.get_text(&location).await;
        assert!(!page.contains(p), "{p} came back raw:\n{page}");
        assert!(page.contains(&escaped(p)), "shown escaped:\n{page}");
        let r = officer
            .post(
                &format!("/office/requests/{}/events", id_of(&location)),
                &[
                    ("event", "decided"),
                    ("date", "2024-03-06"),
                    ("outcome", "予以公开"),
                    ("note", p),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
        let page = officer.get_text(&location).await;
        assert!(!page.contains(p), "note {p} came back raw");
        // The correction's text fields and a case number.
        let id = id_of(&location);
        let amended = officer
            .post(
                &format!("/office/requests/{id}/amend"),
                &[("reason", p), ("applicant", &format!("{p}!"))],
            )
            .await;
        assert_eq!(amended.status(), 303, "{p}");
        let case = format!("C{i}{p}");
        let filed = officer
            .post(
                &format!("/office/requests/{id}/remedies"),
                &[
                    ("case", &case),
                    ("kind", "行政复议"),
                    ("received", "2024-04-01"),
                ],
            )
            .await;
        assert_eq!(filed.status(), 303, "{p}");
        let page = officer.get_text(&location).await;
        assert!(
            !page.contains(p),
            "{p} of a correction or case came back raw"
        );
        assert!(page.contains(&escaped(&case)), "the case shown escaped");
        // A field that fails validation is shown again, escaped.
        let r = officer
            .post(
                "/office/requests",
                &[("agency", A), ("reference", p), ("applicant", p)],
            )
            .await;
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(!page.contains(p), "{p} echoed raw in the form");
    }
    // Agency and user names typed by an admin.
    let admin = server.browser(Who::Admin).await;
    let r = admin
        .post(
            "/office/agencies",
            &[("name", PAYLOADS[0]), ("parent", common::GOV)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = admin.get_text("/office/agencies").await;
    assert!(!page.contains(PAYLOADS[0]));
    assert!(page.contains(&escaped(PAYLOADS[0])), "{page}");
    // A notice in the query string is escaped too.
    let page = admin
        .get_text("/office/users?notice=%3Cscript%3Ealert(9)%3C/script%3E")
        .await;
    assert!(!page.contains("<script>alert(9)"));
    // The API answers JSON, never HTML, and keeps the text as given.
    let v: serde_json::Value = server.requests_of_a().await;
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["reference"].as_str().unwrap().contains("<script>"))
    );
    // Every page carries the policy that forbids inline script.
    let r = admin.get("/office").await;
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    server
}

async fn forms_need_the_token_and_our_origin(server: Server) -> Server {
    let officer = server.browser(Who::OfficerA).await;
    let fields = [
        ("agency", A),
        ("reference", "CSRF-1"),
        ("applicant", "张三"),
        ("kind", "自然人"),
        ("channel", "网上"),
        ("received", "2024-03-05"),
        ("description", "某文件"),
    ];
    // No token.
    let r = officer
        .client
        .post(server.url("/office/requests"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // Another session's token.
    let other = server.browser(Who::OfficerB).await;
    let mut with_other: Vec<(&str, &str)> = vec![("csrf", other.csrf.as_str())];
    with_other.extend_from_slice(&fields);
    let r = officer
        .client
        .post(server.url("/office/requests"))
        .form(&with_other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The right token, but posted from another site.
    let mut with_own: Vec<(&str, &str)> = vec![("csrf", officer.csrf.as_str())];
    with_own.extend_from_slice(&fields);
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let r = officer
            .client
            .post(server.url("/office/requests"))
            .header(header, value)
            .form(&with_own)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{header}: {value}");
    }
    // Nothing was registered by any of these.
    let list: serde_json::Value = server.requests_of_a().await;
    assert!(list["items"].as_array().unwrap().is_empty());
    // With both, it is registered.
    let r = officer.post("/office/requests", &fields).await;
    assert_eq!(r.status(), 303);
    // A login form from another site is refused as well.
    let r = server
        .api()
        .post(server.url("/office/login"))
        .header("origin", "https://evil.example")
        .form(&[("name", "officer-a"), ("password", common::PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let _ = B;
    server
}

async fn failed_logins_lock_the_account_and_sessions_live_in_the_database(
    server: Server,
) -> Server {
    let client = server.api();
    let login = |password: &'static str| {
        client
            .post(server.url("/office/login"))
            .form(&[("name", "officer-b"), ("password", password)])
            .send()
    };
    for _ in 0..4 {
        assert_eq!(login("wrong-password").await.unwrap().status(), 401);
    }
    // The fifth failure locks the account; then even the right password waits.
    assert_eq!(login("wrong-password").await.unwrap().status(), 429);
    let r = login(common::PASSWORD).await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.text().await.unwrap().contains("暂时锁定"));
    // A session is a row of the database: logging out ends it for every copy of the cookie.
    let officer = server.browser(Who::OfficerA).await;
    assert_eq!(officer.get("/office").await.status(), 200);
    let cookie_copy = officer.client.clone();
    let r = officer.post("/office/logout", &[]).await;
    assert_eq!(r.status(), 303);
    let r = cookie_copy.get(server.url("/office")).send().await.unwrap();
    assert_eq!(r.status(), 303, "the session ended");
    server
}

async fn errors_say_what_in_chinese_and_nothing_more(server: Server) -> Server {
    let client = server.api();
    let token = server.token(Who::OfficerA).unwrap();
    // Malformed JSON, a wrong content type, a path that is not a number, no token.
    let r = client
        .post(server.url("/api/v1/requests"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "bad_request");
    let r = client
        .post(server.url("/api/v1/requests"))
        .bearer_auth(token)
        .body("agency=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = client
        .get(server.url("/api/v1/requests/abc"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: serde_json::Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("路径参数"));
    let r = client
        .get(server.url("/api/v1/agencies"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unauthorized");
    // An upload past the limit (2 MB in these tests).
    let big = vec![b'a'; 3 << 20];
    let r = client
        .post(server.url("/api/v1/reports/check"))
        .bearer_auth(token)
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    // A page that does not exist (a fresh connection: the server closed the last one after
    // refusing the oversized body unread).
    let r = server
        .api()
        .get(server.url("/office/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body = r.text().await.unwrap();
    assert!(body.contains("没有这个页面"));
    for leak in ["sqlx", "SELECT", "panicked", ".rs:", "stack backtrace"] {
        assert!(!body.contains(leak), "{leak}");
    }
    server
}

/// The committed OpenAPI document is the one the server serves; regenerate with
/// `GONGKAI_UPDATE_OPENAPI=1 cargo test -p gongkai-web --test http`.
#[test]
fn the_committed_openapi_document_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../schema/openapi.json");
    let current = gongkai_web::api::openapi_text();
    if std::env::var_os("GONGKAI_UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == current,
        "schema/openapi.json is stale: GONGKAI_UPDATE_OPENAPI=1 cargo test -p gongkai-web --test http"
    );
    let doc: serde_json::Value = serde_json::from_str(&current).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    // Every operation declares its security, its errors with the error schema, and the
    // operationIds the clients rely on exist.
    let mut ids = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ids.push(op["operationId"].as_str().unwrap().to_owned());
            assert!(op["security"].is_array(), "{method} {path}: security");
            let responses = op["responses"].as_object().unwrap();
            // A public operation (`security: [{}]`, such as searchCatalogue) has no 401.
            let public = op["security"] == serde_json::json!([{}]);
            let statuses: &[&str] = if public { &["500"] } else { &["401", "500"] };
            assert_eq!(
                responses.contains_key("401"),
                !public,
                "{method} {path}: 401"
            );
            for status in statuses.iter().copied() {
                let schema = &responses[status]["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(
                    schema, "#/components/schemas/ErrorBody",
                    "{method} {path} {status}"
                );
            }
        }
    }
    for id in [
        "createRequest",
        "listRequests",
        "getRequest",
        "addRequestEvent",
        "importLedger",
        "generateReport",
        "checkReport",
        "searchCatalogue",
        "submitApplication",
        "trackApplication",
    ] {
        assert!(ids.iter().any(|i| i == id), "{id}");
    }
}

/// The body of a page the server answered.
async fn page_of(sent: impl Future<Output = reqwest::Result<reqwest::Response>>) -> String {
    sent.await.unwrap().text().await.unwrap()
}
