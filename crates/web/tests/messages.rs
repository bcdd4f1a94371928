//! 互动交流 (issue 15), on SQLite and PostgreSQL: a citizen leaves a message on the portal, gets a
//! tracking code and follows it to the reply; the officer sees the phone in full, the
//! supervising office masked, the sibling's officer nothing; the reply published on the portal
//! is listed and searched per agency and taken back; the API submits (idempotently), lists in
//! pages and replies; triage assigns within the subtree, merges a duplicate and marks abuse;
//! a message turned into a request and a 信访举报投诉 request turned into a message keep both
//! records and their dates, linked both ways; overdue messages are listed; hostile text in every
//! field comes back escaped on the portal and in the back office.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, B, GOV, Server, Who, escaped};
use gongkai_web::auth::form_urlencoded_component as enc;

on_both!(
    a_citizen_leaves_a_message_and_reads_the_published_reply,
    the_api_submits_lists_and_replies,
    triage_assigns_merges_and_marks_abuse,
    conversions_keep_both_records_and_their_dates,
    hostile_text_in_every_field_comes_back_escaped,
);

const PHONE: &str = "13912345678";

/// The value of the form's hidden `token`.
fn token_of(page: &str) -> String {
    let at = page.find("name=\"token\" value=\"").unwrap() + "name=\"token\" value=\"".len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// The tracking code on a receipt page.
fn code_of(receipt: &str) -> String {
    let at = receipt.find("class=\"tracking-code\"><strong>").unwrap()
        + "class=\"tracking-code\"><strong>".len();
    receipt[at..].split('<').next().unwrap().to_owned()
}

/// The id of agency `name` in the portal's message form.
async fn agency_id(server: &Server, name: &str) -> String {
    server.agency_id(name).await.to_string()
}

/// Leaves a message through the portal's form; the submission's response.
async fn leave(
    server: &Server,
    agency: &str,
    (kind, title, body, name, phone): (&str, &str, &str, &str, &str),
) -> reqwest::Response {
    let citizen = server.browser(Who::Anonymous).await;
    let form = citizen.get_text("/messages").await;
    assert!(form.contains("<h1>互动交流</h1>"), "{form}");
    let token = token_of(&form);
    citizen
        .client
        .post(server.url("/messages"))
        .form(&[
            ("agency", agency),
            ("kind", kind),
            ("title", title),
            ("body", body),
            ("name", name),
            ("phone", phone),
            ("token", token.as_str()),
            ("website", ""),
        ])
        .send()
        .await
        .unwrap()
}

/// Tracks a message on the portal.
async fn track(server: &Server, code: &str, last4: &str) -> reqwest::Response {
    server
        .browser(Who::Anonymous)
        .await
        .client
        .post(server.url("/messages/track"))
        .form(&[("code", code), ("last4", last4)])
        .send()
        .await
        .unwrap()
}

/// The messages of A through the API, as A's officer.
async fn messages_of_a(server: &Server) -> Vec<serde_json::Value> {
    let list = server
        .get_json(
            &format!("/api/v1/messages?agency={}", enc(A)),
            Who::OfficerA,
        )
        .await;
    list["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .clone()
}

/// The id of the message of A titled `title`.
async fn message_id(server: &Server, title: &str) -> i64 {
    messages_of_a(server)
        .await
        .iter()
        .find(|m| m["title"] == title)
        .unwrap_or_else(|| panic!("no message {title}"))["id"]
        .as_i64()
        .unwrap()
}

async fn a_citizen_leaves_a_message_and_reads_the_published_reply(server: Server) -> Server {
    let a = agency_id(&server, A).await;
    let r = leave(
        &server,
        &a,
        (
            "consultation",
            "路灯维修",
            "人民路的路灯坏了多久能修？",
            "张三",
            PHONE,
        ),
    )
    .await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let receipt = r.text().await.unwrap();
    let code = code_of(&receipt);
    assert_eq!(code.len(), 19, "{code}");
    assert!(receipt.contains("139****5678") && !receipt.contains(PHONE));
    let today = gongkai_web::china_today();
    assert!(receipt.contains(&today.to_string()), "{receipt}");

    // Tracking: the right pair; a wrong second factor is not found, like an unknown code.
    let page = track(&server, &code.to_lowercase(), "5678").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(
        page.contains("尚未答复") && page.contains("办理中"),
        "{page}"
    );
    assert_eq!(track(&server, &code, "0000").await.status(), 404);
    assert_eq!(
        track(&server, "2345-6789-ABCD-EFGH", "5678").await.status(),
        404
    );

    // The back office: the officer of A sees it with the phone in full, due in ten working
    // days; the supervising office masked; the sibling's officer not at all.
    let items = messages_of_a(&server).await;
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item["state"], "open");
    assert_eq!(item["kind"], "consultation");
    assert_eq!(item["received"], today.to_string());
    assert_eq!(item["overdue"], false);
    let due = chrono::NaiveDate::parse_from_str(item["due"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let cal = gongkai_calendar::Calendar::official().unwrap();
    assert_eq!(cal.working_days_between(today, due), 10, "{item}");
    let id = item["id"].as_i64().unwrap();
    let officer = server.browser(Who::OfficerA).await;
    let list = officer
        .get_text(&format!("/office/messages?agency={}", enc(A)))
        .await;
    assert!(
        list.contains("路灯维修") && list.contains("办理中"),
        "{list}"
    );
    let detail = officer.get_text(&format!("/office/messages/{id}")).await;
    assert!(
        detail.contains(PHONE) && detail.contains("张三"),
        "{detail}"
    );
    let supervisor = server.browser(Who::Supervisor).await;
    let masked = supervisor.get_text(&format!("/office/messages/{id}")).await;
    assert!(masked.contains("139****5678") && !masked.contains(PHONE));
    assert!(!masked.contains("保存答复"), "the supervisor reads only");
    let sibling = server.browser(Who::OfficerB).await;
    assert_eq!(
        sibling
            .get(&format!("/office/messages/{id}"))
            .await
            .status(),
        404
    );
    let r = supervisor
        .post(
            &format!("/office/messages/{id}/reply"),
            &[("body", "越权答复"), ("public", "1")],
        )
        .await;
    assert_eq!(r.status(), 403);

    // The officer replies and publishes: the tracking page, the agency's replies and the API
    // show it; the sender's name and phone are never on the public list.
    let r = officer
        .post(
            &format!("/office/messages/{id}/reply"),
            &[("body", "已安排维修，预计本周内修复。"), ("public", "1")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let tracked = track(&server, &code, "5678").await.text().await.unwrap();
    assert!(
        tracked.contains("已安排维修") && tracked.contains("已在本网站公开"),
        "{tracked}"
    );
    let replies = format!("/agencies/{a}/replies");
    let public = server.browser(Who::Anonymous).await;
    let page = public.get_text(&replies).await;
    assert!(
        page.contains("路灯维修") && page.contains("已安排维修"),
        "{page}"
    );
    assert!(!page.contains("张三") && !page.contains("5678"), "{page}");
    // Searched like the catalogue: every word must occur.
    let hit = public
        .get_text(&format!("{replies}?q={}", enc("路灯 维修")))
        .await;
    assert!(hit.contains("已安排维修"), "{hit}");
    let miss = public
        .get_text(&format!("{replies}?q={}", enc("路灯 供水")))
        .await;
    assert!(
        !miss.contains("已安排维修") && miss.contains("没有找到"),
        "{miss}"
    );
    let api: serde_json::Value = server
        .api()
        .get(server.url(&format!("/api/v1/replies?agency={a}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        api["items"][0]["reply"], "已安排维修，预计本周内修复。",
        "{api}"
    );
    assert!(!api.to_string().contains("张三") && !api.to_string().contains(PHONE));
    // A sibling's list is its own.
    let b = agency_id(&server, B).await;
    let none: serde_json::Value = server
        .api()
        .get(server.url(&format!("/api/v1/replies?agency={b}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(none["items"].as_array().unwrap().len(), 0, "{none}");

    // Withdrawn, it leaves the portal; the sender still reads it.
    let r = officer
        .post(
            &format!("/office/messages/{id}/publish"),
            &[("public", "0")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = public.get_text(&replies).await;
    assert!(!page.contains("已安排维修"), "{page}");
    let tracked = track(&server, &code, "5678").await.text().await.unwrap();
    assert!(tracked.contains("已安排维修") && !tracked.contains("已在本网站公开"));
    // Every write of the officer is in the audit log, the phone never in clear.
    let audit = supervisor
        .get_text(&format!("/office/audit?agency={}", enc(A)))
        .await;
    assert!(
        audit.contains("message.reply") && audit.contains("message.publish"),
        "{audit}"
    );
    assert!(!audit.contains(PHONE));
    server
}

async fn the_api_submits_lists_and_replies(server: Server) -> Server {
    let a = server.agency_id(A).await;
    let submit = |key: &'static str, title: &'static str| {
        let server = &server;
        async move {
            server
                .api()
                .post(server.url("/api/v1/messages"))
                .header("Idempotency-Key", key)
                .json(&serde_json::json!({
                    "agency": a, "kind": "建议", "title": title,
                    "body": "建议增设公交站点。", "name": "李四", "phone": "0591-87654321",
                }))
                .send()
                .await
                .unwrap()
        }
    };
    let first = submit("k-1", "公交站点").await;
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    assert_eq!(first["kind"], "suggestion", "{first}");
    assert!(first["due"].is_string(), "{first}");
    // The same key and body: the first receipt again, nothing stored twice.
    let again: serde_json::Value = submit("k-1", "公交站点").await.json().await.unwrap();
    assert_eq!(again["tracking_code"], first["tracking_code"]);
    assert_eq!(again["number"], first["number"]);
    // The same key for another message: refused.
    assert_eq!(submit("k-1", "另一条").await.status(), 422);
    assert_eq!(submit("k-2", "第二条").await.status(), 201);
    assert_eq!(submit("k-3", "第三条").await.status(), 201);
    // Missing fields: 422 with details.
    let bad = server
        .api()
        .post(server.url("/api/v1/messages"))
        .json(&serde_json::json!({
            "agency": a, "kind": "举报", "title": "", "body": "x", "name": "x", "phone": "12",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let bad: serde_json::Value = bad.json().await.unwrap();
    let fields: Vec<&str> = bad["error"]["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["kind", "title", "phone"], "{bad}");

    // Paged by id like listRequests: no item skipped or repeated.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = server
            .get_json(
                &format!("/api/v1/messages?agency={}&limit=2&cursor={cursor}", enc(A)),
                Who::OfficerA,
            )
            .await;
        for item in page["items"].as_array().unwrap() {
            seen.push(item["title"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, vec!["公交站点", "第二条", "第三条"]);
    let bad = server
        .get_json(
            &format!("/api/v1/messages?agency={}&cursor=x", enc(A)),
            Who::OfficerA,
        )
        .await;
    assert_eq!(bad["error"]["code"], "invalid", "{bad}");
    let hidden = server
        .get_json(
            &format!("/api/v1/messages?agency={}", enc(A)),
            Who::OfficerB,
        )
        .await;
    assert!(hidden["error"].is_object(), "{hidden}");

    // Replies: the officer of A; the sibling does not see the message; an empty reply is a 422.
    let id = message_id(&server, "第二条").await;
    let path = format!("/api/v1/messages/{id}/reply");
    let (status, _) = server
        .post_json(&path, Who::OfficerB, &serde_json::json!({"body": "x"}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = server
        .post_json(&path, Who::Supervisor, &serde_json::json!({"body": "x"}))
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .post_json(&path, Who::OfficerA, &serde_json::json!({"body": " "}))
        .await;
    assert_eq!(status, 422);
    let (status, answer) = server
        .post_json(
            &path,
            Who::OfficerA,
            &serde_json::json!({"body": "已转交交通部门研究。", "public": true}),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["state"], "replied");
    assert_eq!(answer["public"], true);
    assert_eq!(answer["replied"], gongkai_web::china_today().to_string());
    let third = message_id(&server, "第三条").await;
    let (status, _) = server
        .post_json(
            &format!("/api/v1/messages/{third}/reply"),
            Who::OfficerA,
            &serde_json::json!({"body": "感谢建议。", "public": true}),
        )
        .await;
    assert_eq!(status, 200);
    // The public list pages newest first.
    let page: serde_json::Value = server
        .api()
        .get(server.url(&format!("/api/v1/replies?agency={a}&limit=1")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["title"], "第三条", "{page}");
    let next = page["next_cursor"].as_str().unwrap();
    let page: serde_json::Value = server
        .api()
        .get(server.url(&format!("/api/v1/replies?agency={a}&limit=1&cursor={next}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["title"], "第二条", "{page}");
    assert!(page["next_cursor"].is_null(), "{page}");
    let found: serde_json::Value = server
        .api()
        .get(server.url(&format!("/api/v1/replies?agency={a}&q={}", enc("交通部门"))))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let titles: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, vec!["第二条"], "{found}");
    server
}

/// An officer of the government (above A and B), made by the admin.
async fn officer_of_gov(server: &Server) -> common::Browser {
    let admin = server.browser(Who::Admin).await;
    let r = admin
        .post(
            "/office/users",
            &[
                ("name", "officer-gov"),
                ("password", common::PASSWORD),
                ("agency", GOV),
                ("role", "officer"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("origin", server.base.parse().unwrap());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client
        .post(server.url("/office/login"))
        .form(&[
            ("name", "officer-gov"),
            ("password", common::PASSWORD),
            ("next", "/office"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = client
        .get(server.url("/office"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    common::Browser {
        client,
        base: server.base.clone(),
        csrf: common::csrf_of(&page).unwrap(),
    }
}

async fn triage_assigns_merges_and_marks_abuse(server: Server) -> Server {
    let gov = agency_id(&server, GOV).await;
    for title in ["道路积水", "道路积水（重复）", "广告"] {
        let r = leave(
            &server,
            &gov,
            ("complaint", title, "某路口积水严重。", "王五", PHONE),
        )
        .await;
        assert_eq!(r.status(), 201);
    }
    let first = leave(
        &server,
        &gov,
        ("complaint", "跟踪用", "某路口积水严重。", "王五", PHONE),
    )
    .await;
    let code = code_of(&first.text().await.unwrap());
    let list = server
        .get_json(
            &format!("/api/v1/messages?agency={}", enc(GOV)),
            Who::Supervisor,
        )
        .await;
    let id_of = |title: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["title"] == title)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (puddle, duplicate, advert, tracked) = (
        id_of("道路积水"),
        id_of("道路积水（重复）"),
        id_of("广告"),
        id_of("跟踪用"),
    );
    // The government's own officer hands the first to A; A's officer cannot hand it to B
    // (outside A's subtree), nor act on the government's messages.
    let gov_officer = officer_of_gov(&server).await;
    let r = gov_officer
        .post(
            &format!("/office/messages/{puddle}/assign"),
            &[("agency", A)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let officer_a = server.browser(Who::OfficerA).await;
    let page = officer_a
        .get_text(&format!("/office/messages/{puddle}"))
        .await;
    assert!(page.contains(&format!("留言时选择：{GOV}")), "{page}");
    let r = officer_a
        .post(
            &format!("/office/messages/{puddle}/assign"),
            &[("agency", B)],
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        officer_a
            .get(&format!("/office/messages/{duplicate}"))
            .await
            .status(),
        404
    );
    // The duplicate (of the government) merged into the tracked one; the sender of the
    // duplicate reads the reply given there.
    let r = gov_officer
        .post(
            &format!("/office/messages/{tracked}/merge"),
            &[("into", &format!("LY{duplicate:06}"))],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = gov_officer
        .post(
            &format!("/office/messages/{tracked}/reply"),
            &[("body", "合并后不能答复")],
        )
        .await;
    assert_eq!(r.status(), 409);
    let r = gov_officer
        .post(
            &format!("/office/messages/{duplicate}/reply"),
            &[("body", "已组织排水。")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = track(&server, &code, "5678").await.text().await.unwrap();
    assert!(
        page.contains("已合并") && page.contains("已组织排水"),
        "{page}"
    );
    let page = gov_officer
        .get_text(&format!("/office/messages/{duplicate}"))
        .await;
    assert!(page.contains(&format!("LY{tracked:06}")), "{page}");
    // Abuse: marked with a reason, closed, not replied to; the mark taken back.
    let r = gov_officer
        .post(
            &format!("/office/messages/{advert}/abusive"),
            &[("abusive", "1"), ("reason", "商业广告")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = gov_officer
        .post(
            &format!("/office/messages/{advert}/reply"),
            &[("body", "x")],
        )
        .await;
    assert_eq!(r.status(), 409);
    let states = server
        .get_json(
            &format!("/api/v1/messages?agency={}&subtree=true", enc(GOV)),
            Who::Supervisor,
        )
        .await;
    let state_of = |id: i64| {
        states["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == id)
            .unwrap()["state"]
            .clone()
    };
    assert_eq!(state_of(advert), "abusive");
    assert_eq!(state_of(tracked), "merged");
    assert_eq!(state_of(duplicate), "replied");
    assert_eq!(state_of(puddle), "open");
    let r = gov_officer
        .post(
            &format!("/office/messages/{advert}/abusive"),
            &[("abusive", "0")],
        )
        .await;
    assert_eq!(r.status(), 303);
    // Only the open ones: the assigned message of A and the advert again.
    let open = gov_officer
        .get_text(&format!(
            "/office/messages?agency={}&subtree=1&state=open",
            enc(GOV)
        ))
        .await;
    assert!(open.contains("道路积水") && open.contains("广告"), "{open}");
    assert!(
        !open.contains("跟踪用") && !open.contains("（重复）"),
        "{open}"
    );
    server
}

async fn conversions_keep_both_records_and_their_dates(server: Server) -> Server {
    let a = agency_id(&server, A).await;
    let today = gongkai_web::china_today().to_string();
    let r = leave(
        &server,
        &a,
        (
            "consultation",
            "申请公开规划文件",
            "请提供2024年某地块控制性详细规划。",
            "赵六",
            PHONE,
        ),
    )
    .await;
    assert_eq!(r.status(), 201);
    let id = message_id(&server, "申请公开规划文件").await;
    // Into a request: registered online, received on the message's day (the agency confirms
    // online receipt automatically, the default), the message kept and linked.
    let officer = server.browser(Who::OfficerA).await;
    let r = officer
        .post(
            &format!("/office/messages/{id}/request"),
            &[("reference", ""), ("kind", "natural_person")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let request: i64 = location
        .trim_start_matches("/office/requests/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let got = server
        .get_json(&format!("/api/v1/requests/{request}"), Who::OfficerA)
        .await;
    assert_eq!(got["channel"], "网上", "{got}");
    assert_eq!(got["received"], today);
    assert_eq!(got["reference"], format!("LY{id:06}"));
    assert_eq!(got["applicant"], "赵六");
    assert!(
        got["description"]
            .as_str()
            .unwrap()
            .contains("控制性详细规划")
    );
    let page = officer
        .get_text(&format!("/office/requests/{request}"))
        .await;
    assert!(
        page.contains(&format!("/office/messages/{id}")) && page.contains("由留言转来"),
        "{page}"
    );
    let page = officer.get_text(&format!("/office/messages/{id}")).await;
    assert!(
        page.contains(&format!("/office/requests/{request}")),
        "{page}"
    );
    assert!(page.contains("已转为申请"), "{page}");
    let items = messages_of_a(&server).await;
    let item = items.iter().find(|m| m["id"] == id).unwrap();
    assert_eq!(item["state"], "to_request");
    assert_eq!(item["received"], today);
    // Not twice.
    let again = officer
        .post(&format!("/office/messages/{id}/request"), &[])
        .await;
    assert_eq!(again.status(), 409);

    // A request answered as 信访举报投诉 (第三十九条) into a message: the request keeps its dates
    // and outcome; the message is received on the day of the answer, long overdue by now.
    let (status, created) = server
        .post_json(
            "/api/v1/requests",
            Who::OfficerA,
            &serde_json::json!({
                "agency": A, "reference": "XF-1", "applicant": "孙七", "kind": "自然人",
                "channel": "当面", "received": "2024-03-05",
                "description": "举报某企业违法排污", "phone": "13700001111",
            }),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let rid = created["id"].as_i64().unwrap();
    // Not before it is answered as a petition.
    let early = officer
        .post(
            &format!("/office/requests/{rid}/message"),
            &[("kind", "投诉")],
        )
        .await;
    assert_eq!(early.status(), 409);
    let (status, _) = server
        .post_json(
            &format!("/api/v1/requests/{rid}/events"),
            Who::OfficerA,
            &serde_json::json!({
                "event": "decided", "date": "2024-03-11", "outcome": "信访举报投诉类申请",
            }),
        )
        .await;
    assert_eq!(status, 200);
    let page = officer.get_text(&format!("/office/requests/{rid}")).await;
    assert!(page.contains("转为留言"), "{page}");
    let r = officer
        .post(
            &format!("/office/requests/{rid}/message"),
            &[("kind", "投诉")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let mid: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/office/messages/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let items = messages_of_a(&server).await;
    let item = items.iter().find(|m| m["id"] == mid).unwrap();
    assert_eq!(item["received"], "2024-03-11", "{item}");
    assert_eq!(item["kind"], "complaint");
    assert_eq!(item["state"], "open");
    assert_eq!(item["overdue"], true, "{item}");
    // 2024-03-11 (Mon) + 10 working days.
    assert_eq!(item["due"], "2024-03-25", "{item}");
    let got = server
        .get_json(&format!("/api/v1/requests/{rid}"), Who::OfficerA)
        .await;
    assert_eq!(got["received"], "2024-03-05");
    assert_eq!(got["state"], "closed");
    assert_eq!(got["events"][1]["date"], "2024-03-11");
    let page = officer.get_text(&format!("/office/requests/{rid}")).await;
    assert!(page.contains(&format!("/office/messages/{mid}")) && page.contains("本申请已转为留言"));
    let page = officer.get_text(&format!("/office/messages/{mid}")).await;
    assert!(
        page.contains("由申请转来") && page.contains("XF-1"),
        "{page}"
    );
    assert!(page.contains("13700001111"), "{page}");
    // The overdue list holds it, and only it.
    let overdue = officer
        .get_text(&format!("/office/messages?agency={}&state=overdue", enc(A)))
        .await;
    assert!(
        overdue.contains("举报某企业违法排污") && overdue.contains("超期"),
        "{overdue}"
    );
    assert!(!overdue.contains("申请公开规划文件"), "{overdue}");
    // Once more is refused.
    let r = officer
        .post(
            &format!("/office/requests/{rid}/message"),
            &[("kind", "投诉")],
        )
        .await;
    assert_eq!(r.status(), 409);
    server
}

async fn hostile_text_in_every_field_comes_back_escaped(server: Server) -> Server {
    let a = agency_id(&server, A).await;
    let title = "<script>alert('t')</script>";
    let body = "<img src=x onerror=alert(\"b\")>&amp;";
    let name = "<b onmouseover=alert(1)>n</b>";
    // A phone that is no phone: refused, and the form shows it back escaped.
    let phone = "<svg onload=alert(2)>";
    let refused = leave(&server, &a, ("complaint", title, body, name, phone)).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    for raw in [title, body, name, phone] {
        assert!(!page.contains(raw), "{raw} raw in\n{page}");
        assert!(page.contains(&escaped(raw)), "{raw} escaped in\n{page}");
    }
    // With a real phone it is stored; every page that shows it escapes it.
    let r = leave(&server, &a, ("complaint", title, body, name, PHONE)).await;
    assert_eq!(r.status(), 201);
    let receipt = r.text().await.unwrap();
    assert!(!receipt.contains(title) && receipt.contains(&escaped(title)));
    let code = code_of(&receipt);
    let id = message_id(&server, title).await;
    let reply = "<iframe src=javascript:alert(3)></iframe>";
    let officer = server.browser(Who::OfficerA).await;
    let r = officer
        .post(
            &format!("/office/messages/{id}/reply"),
            &[("body", reply), ("public", "1")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let pages = [
        officer
            .get_text(&format!("/office/messages?agency={}", enc(A)))
            .await,
        officer.get_text(&format!("/office/messages/{id}")).await,
        track(&server, &code, "5678").await.text().await.unwrap(),
        server
            .browser(Who::Anonymous)
            .await
            .get_text(&format!("/agencies/{a}/replies"))
            .await,
    ];
    for (i, page) in pages.iter().enumerate() {
        for raw in [title, body, name, reply] {
            assert!(!page.contains(raw), "page {i}: {raw} raw in\n{page}");
        }
        assert!(page.contains(&escaped(title)), "page {i}:\n{page}");
    }
    // The office's message page shows every field, escaped.
    for raw in [body, name, reply] {
        assert!(pages[1].contains(&escaped(raw)), "{raw}\n{}", pages[1]);
    }
    // The portal's replies: the message and the reply, never the name.
    assert!(pages[3].contains(&escaped(body)) && pages[3].contains(&escaped(reply)));
    assert!(!pages[3].contains(&escaped(name)));
    server
}
