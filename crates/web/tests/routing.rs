//! Routing inside a government through the API and the back office (转办, 签收, 退回, 协办), and
//! other requests like one (same applicant, near-identical, linked), on SQLite and PostgreSQL:
//! `handling_agency` follows the steps while `due` never moves; a return without a reason is a
//! 422 naming the field; a sub-task due after the statutory date is a 409 naming that date;
//! callers without the role get 403, callers who do not see the request 404; the 工作台 lists
//! the unsigned dispatch and the overdue sub-task.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, B, GOV, Server, Who};
use serde_json::{Value, json};

on_both!(
    a_request_is_routed_through_the_api_and_its_due_date_stays,
    the_back_office_routes_links_and_names_the_responsible_agency,
);

/// A unit below A (不动产登记中心).
const UNIT: &str = "测试县不动产登记中心";

/// A call of the API with a token: the status and the JSON answer.
async fn call(server: &Server, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let client = server.api();
    let url = server.url(path);
    let r = match method {
        "GET" => client.get(url),
        _ => client.post(url).json(&body),
    }
    .bearer_auth(token)
    .send()
    .await
    .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// A request of A registered by A's officer, received on 5 March 2024: its id and answer.
async fn request_of_a(server: &Server, reference: &str, description: &str) -> (i64, Value) {
    let (status, v) = call(
        server,
        server.token(Who::OfficerA).unwrap(),
        "POST",
        "/api/v1/requests",
        json!({
            "agency": A, "reference": reference, "applicant": "张三", "kind": "自然人",
            "channel": "网上", "received": "2024-03-05", "description": description,
            "id_kind": "居民身份证", "id_number": "11010519491231002X",
        }),
    )
    .await;
    assert_eq!(status, 201, "{v}");
    (v["id"].as_i64().unwrap(), v)
}

async fn a_request_is_routed_through_the_api_and_its_due_date_stays(server: Server) -> Server {
    let unit = server.unit_of_a(UNIT, "officer-unit").await;
    let officer_a = server.token(Who::OfficerA).unwrap().to_owned();
    let (id, v) = request_of_a(&server, "ZB-API-1", "某路段改造工程的立项批复").await;
    let due = v["due"].as_str().unwrap().to_owned();
    assert_eq!(v["handling_agency"], A);
    let path = |op: &str| format!("/api/v1/requests/{id}/{op}");
    let get = format!("/api/v1/requests/{id}");
    // The unit sees nothing before the dispatch; B never does.
    assert_eq!(call(&server, &unit, "GET", &get, Value::Null).await.0, 404);
    // Callers without the role: the supervising office sees and may not (403); B does not
    // see (404).
    let to_unit = json!({ "to_agency": UNIT });
    for (who, want) in [
        (Who::Supervisor, 403),
        (Who::OfficerB, 404),
        (Who::Admin, 403),
    ] {
        let token = server.token(who).unwrap();
        let (status, v) = call(&server, token, "POST", &path("dispatch"), to_unit.clone()).await;
        assert_eq!(status, want, "{who:?}: {v}");
    }
    // Not below A: a sibling is refused by the rule.
    let (status, v) = call(
        &server,
        &officer_a,
        "POST",
        &path("dispatch"),
        json!({ "to_agency": B }),
    )
    .await;
    assert_eq!(status, 409, "{v}");
    let (status, v) = call(
        &server,
        &officer_a,
        "POST",
        &path("dispatch"),
        to_unit.clone(),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["awaiting_agency"].as_str(), v["due"].as_str()),
        (Some(UNIT), Some(due.as_str()))
    );
    // Now the unit sees it, and its 工作台 lists the dispatch to sign.
    let (status, v) = call(&server, &unit, "GET", &get, Value::Null).await;
    assert_eq!((status, v["handling_agency"].as_str()), (200, Some(A)));
    let desk = server
        .browser_of(Some("officer-unit"))
        .await
        .get_text("/office")
        .await;
    assert!(
        desk.contains("待签收的转办") && desk.contains("ZB-API-1"),
        "{desk}"
    );
    // A return needs its reason: 422 naming the field.
    let (status, v) = call(&server, &unit, "POST", &path("return"), json!({})).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["details"][0]["field"], "reason");
    let (status, v) = call(
        &server,
        &unit,
        "POST",
        &path("return"),
        json!({ "reason": "应由其他单位办理" }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["handling_agency"].as_str(), v["due"].as_str()),
        (Some(A), Some(due.as_str()))
    );
    // Dispatched again and signed: the unit handles it; the due date stays.
    call(&server, &officer_a, "POST", &path("dispatch"), to_unit).await;
    let (status, v) = call(&server, &unit, "POST", &path("sign"), Value::Null).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["handling_agency"].as_str(), v["due"].as_str()),
        (Some(UNIT), Some(due.as_str()))
    );
    let (status, _) = call(&server, &unit, "POST", &path("sign"), Value::Null).await;
    assert_eq!(status, 409, "nothing left to sign");
    // A sub-task for B due after the statutory date: 409 with the date; on time: accepted.
    let late = chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d")
        .unwrap()
        .succ_opt()
        .unwrap();
    let (status, v) = call(
        &server,
        &unit,
        "POST",
        &path("subtasks"),
        json!({ "to_agency": B, "due": late.to_string(), "ask": "请提供道路资料" }),
    )
    .await;
    assert_eq!(status, 409, "{v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains(&due),
        "{v}"
    );
    let (status, v) = call(
        &server,
        &unit,
        "POST",
        &path("subtasks"),
        json!({ "to_agency": B, "due": "2024-03-20", "ask": "请提供道路资料" }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let task = v["routing"].as_array().unwrap().last().unwrap()["seq"]
        .as_i64()
        .unwrap();
    // B sees the request now and lists the sub-task, past its date, as overdue.
    let officer_b = server.token(Who::OfficerB).unwrap();
    assert_eq!(
        call(&server, officer_b, "GET", &get, Value::Null).await.0,
        200
    );
    let desk = server
        .browser(Who::OfficerB)
        .await
        .get_text("/office")
        .await;
    assert!(
        desk.contains("逾期的协办") && desk.contains("ZB-API-1"),
        "{desk}"
    );
    let (status, v) = call(
        &server,
        officer_b,
        "POST",
        &path("answer"),
        json!({ "task": task, "answer": "资料已提供" }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    let steps: Vec<&str> = v["routing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "dispatch", "return", "dispatch", "sign", "subtask", "answer"
        ]
    );
    assert_eq!(v["routing"][1]["text"], "应由其他单位办理");
    assert_eq!(v["routing"][0]["actor"], "officer-a");
    assert_eq!(v["due"].as_str(), Some(due.as_str()));
    // The unit that signed decides it.
    let (status, v) = call(
        &server,
        &unit,
        "POST",
        &format!("/api/v1/requests/{id}/events"),
        json!({ "event": "decided", "date": "2024-03-25", "outcome": "予以公开" }),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "closed");
    server
}

async fn the_back_office_routes_links_and_names_the_responsible_agency(server: Server) -> Server {
    server.unit_of_a(UNIT, "officer-unit").await;
    let (id, _) = request_of_a(
        &server,
        "ZB-PAGE-1",
        "申请公开某镇2023年土地征收补偿安置方案",
    )
    .await;
    let (near, _) = request_of_a(&server, "ZB-PAGE-2", "某镇2023年土地征收补偿安置方案全文").await;
    let (other, _) = request_of_a(&server, "ZB-PAGE-3", "2024年度部门预算执行情况").await;
    let officer = server.browser(Who::OfficerA).await;
    let page = officer.get_text(&format!("/office/requests/{id}")).await;
    // The dispatch form offers the units below A in a <select>; the similar requests are
    // listed: the near-identical one, not the different one.
    assert!(
        page.contains("name=\"to_agency\"") && page.contains(&format!("<option value=\"{UNIT}\">")),
        "{page}"
    );
    // All three are 张三's (the same identity number): each is the same applicant's; only the
    // near one is near-identical.
    let (same, near_part) = page.split_once("内容相近的申请").unwrap();
    for r in [near, other] {
        assert!(same.contains(&format!("/office/requests/{r}\"")), "{page}");
    }
    assert!(
        near_part.contains(&format!("/office/requests/{near}\"")),
        "{page}"
    );
    assert!(
        !near_part.contains(&format!("/office/requests/{other}\"")),
        "{page}"
    );
    let r = officer
        .post(
            &format!("/office/requests/{id}/dispatch"),
            &[("to_agency", UNIT)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let unit = server.browser_of(Some("officer-unit")).await;
    let page = unit.get_text(&format!("/office/requests/{id}")).await;
    assert!(
        page.contains("已转办至测试县不动产登记中心") && page.contains("签收"),
        "{page}"
    );
    let r = unit
        .post(&format!("/office/requests/{id}/return"), &[("reason", "")])
        .await;
    assert_eq!(r.status(), 422);
    let r = unit.post(&format!("/office/requests/{id}/sign"), &[]).await;
    assert_eq!(r.status(), 303);
    let page = unit
        .get_text(&format!("/office/requests/{id}?signed=1"))
        .await;
    assert!(
        page.contains("已签收，本单位为承办单位") && page.contains("officer-unit"),
        "{page}"
    );
    // Linked as the same request, shown on both; the responsible agency named for the reply.
    let near_text = near.to_string();
    let r = officer
        .post(
            &format!("/office/requests/{id}/links"),
            &[("other", near_text.as_str()), ("action", "link")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = officer.get_text(&format!("/office/requests/{near}")).await;
    assert!(
        page.contains("已关联为同一申请") && page.contains("ZB-PAGE-1"),
        "{page}"
    );
    let r = officer
        .post(
            &format!("/office/requests/{id}/referral"),
            &[
                ("agency", "测试市自然资源局"),
                ("contact", "电话 0517-1234567"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let similar = server
        .get_json(&format!("/api/v1/requests/{id}/similar"), Who::OfficerA)
        .await;
    assert_eq!(similar["linked"], json!([near]));
    assert!(
        similar["near"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == near)
    );
    assert!(
        !similar["near"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == other)
    );
    assert!(
        similar["same_applicant"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == other)
    );
    // The supervising office sees the page and none of the routing forms.
    let page = server
        .browser(Who::Supervisor)
        .await
        .get_text(&format!("/office/requests/{id}"))
        .await;
    assert!(
        page.contains("转办与协办") && !page.contains("/dispatch\""),
        "{page}"
    );
    let _ = GOV;
    server
}
