//! The annual reports' filing workflow (第四十九条) over HTTP, on SQLite and PostgreSQL: A's
//! officer submits A's report through the back office (refused until every warning is
//! explained), the figures and text lock while it is under review, the supervising office
//! returns it with a comment on a cell, A fixes and resubmits, the office clears and publishes it
//! and the portal shows it; the government's own report is published by its office directly,
//! a second publication only as a correction; the overview says who is late.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use chrono::{Datelike, NaiveDate};
use common::{A, B, GOV, Server, Who};
use gongkai_web::auth::form_urlencoded_component as enc;

on_both!(
    a_department_files_and_the_office_publishes,
    the_government_publishes_its_own_report,
    the_overview_says_who_is_late,
);

/// The year filed: the year before today's, over by now.
fn year() -> i32 {
    gongkai_web::china_today().year() - 1
}

async fn request(server: &Server, reference: &str) {
    let (status, answer) = server
        .post_json(
            "/api/v1/requests",
            Who::OfficerA,
            &serde_json::json!({
                "agency": A, "reference": reference, "applicant": "张三", "kind": "自然人",
                "channel": "网上", "received": format!("{}-03-05", year()),
                "description": "某文件",
            }),
        )
        .await;
    assert_eq!(status, 201, "{answer}");
}

fn page_of(agency: &str) -> String {
    format!("/office/filing?agency={}&year={}", enc(agency), year())
}

/// The rules the page asks explanations of (`name="explain_R10"` …).
fn asked(page: &str) -> Vec<String> {
    page.split("name=\"explain_")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|r| format!("explain_{r}"))
        .collect()
}

async fn a_department_files_and_the_office_publishes(server: Server) -> Server {
    request(&server, "FW-1").await;
    let officer = server.browser(Who::OfficerA).await;
    let year = year().to_string();
    let page = officer.get_text(&page_of(A)).await;
    assert!(page.contains("id=\"filing-state\">草稿"), "{page}");
    assert!(page.contains("action=\"/office/filing/submit\""), "{page}");
    assert!(
        !page.contains("action=\"/office/filing/clear\""),
        "an officer clears nothing"
    );
    // The report has no text: R10 warns, and the warning must be explained.
    let rules = asked(&page);
    assert!(rules.contains(&"explain_R10".to_owned()), "{page}");
    let r = officer
        .post("/office/filing/submit", &[("agency", A), ("year", &year)])
        .await;
    assert_eq!(r.status(), 409);
    let refused = r.text().await.unwrap();
    assert!(
        refused.contains("没有说明") && refused.contains("R10"),
        "{refused}"
    );
    let mut fields = vec![("agency", A), ("year", year.as_str())];
    fields.extend(rules.iter().map(|r| (r.as_str(), "本年度正文另行印发")));
    let r = officer.post("/office/filing/submit", &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let page = officer.get_text(&location).await;
    assert!(page.contains("年度报告已报送"), "{page}");
    assert!(page.contains("id=\"filing-state\">已报送待审核"), "{page}");
    assert!(
        page.contains("本年度正文另行印发"),
        "the explanation travels: {page}"
    );
    assert!(
        !page.contains("action=\"/office/filing/submit\""),
        "locked: {page}"
    );

    // Locked: neither the text nor a second submission while it is under review.
    let r = officer
        .post(
            "/office/reports/prose",
            &[
                ("agency", A),
                ("year", &year),
                ("prose", "## 一、总体情况\n\n补写。\n"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("退回前不能修改"));
    let r = officer.post("/office/filing/submit", &fields).await;
    assert_eq!(r.status(), 409);

    // The office returns it, with a remark on a cell; an unknown cell is refused.
    let office = server.browser(Who::Supervisor).await;
    let page = office.get_text(&page_of(A)).await;
    assert!(page.contains("action=\"/office/filing/clear\""), "{page}");
    assert!(page.contains("action=\"/office/filing/return\""), "{page}");
    let r = office
        .post(
            "/office/filing/return",
            &[
                ("agency", A),
                ("year", &year),
                ("comment", "请补写正文"),
                ("remarks", "t9.nothing：错"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let r = office
        .post(
            "/office/filing/return",
            &[
                ("agency", A),
                ("year", &year),
                ("comment", "请补写正文"),
                ("remarks", "s1_overview：不能为空"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let page = officer.get_text(&page_of(A)).await;
    assert!(page.contains("id=\"filing-state\">已退回修改"), "{page}");
    assert!(
        page.contains("请补写正文") && page.contains("不能为空"),
        "{page}"
    );

    // A writes the text and submits again: nothing left to explain.
    let r = officer
        .post(
            "/office/reports/prose",
            &[
                ("agency", A),
                ("year", &year),
                (
                    "prose",
                    "## 一、总体情况\n\n依法公开。\n\n## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n无。\n",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let page = officer.get_text(&page_of(A)).await;
    let rules = asked(&page);
    let mut fields = vec![("agency", A), ("year", year.as_str())];
    fields.extend(rules.iter().map(|r| (r.as_str(), "已核对")));
    let r = officer.post("/office/filing/submit", &fields).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());

    // Not before clearing; the officer may not clear; the office clears and publishes.
    let r = office
        .post("/office/filing/publish", &[("agency", A), ("year", &year)])
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("审核通过后发布"));
    let r = officer
        .post("/office/filing/clear", &[("agency", A), ("year", &year)])
        .await;
    assert_eq!(r.status(), 403);
    for step in ["clear", "publish"] {
        let r = office
            .post(
                &format!("/office/filing/{step}"),
                &[("agency", A), ("year", &year)],
            )
            .await;
        assert_eq!(r.status(), 303, "{step}: {}", r.text().await.unwrap());
    }
    let id = server.agency_id(A).await;
    let portal = reqwest::get(server.url(&format!("/agencies/{id}/reports/{year}")))
        .await
        .unwrap();
    assert_eq!(portal.status(), 200);
    assert!(portal.text().await.unwrap().contains("依法公开。"));

    // The API tells the same story: two submissions and a publication kept, five steps.
    let filing = server
        .get_json(
            &format!("/api/v1/filings/{}/{year}", enc(A)),
            Who::Supervisor,
        )
        .await;
    assert_eq!(filing["state"], "published", "{filing}");
    assert_eq!(filing["path"], "filed");
    let kinds: Vec<&str> = filing["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["submitted", "submitted", "published"], "{filing}");
    assert_eq!(filing["versions"][2]["version"], 1);
    assert_eq!(filing["steps"].as_array().unwrap().len(), 5);
    assert_eq!(filing["steps"][1]["remarks"]["s1_overview"], "不能为空");
    assert_eq!(
        filing["versions"][0]["explanations"]["R10"],
        "本年度正文另行印发"
    );
    // B's officer does not see A's filing.
    let r = server
        .api()
        .get(server.url(&format!("/api/v1/filings/{}/{year}", enc(A))))
        .bearer_auth(server.token(Who::OfficerB).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    server
}

async fn the_government_publishes_its_own_report(server: Server) -> Server {
    let base = format!("/api/v1/filings/{}/{}", enc(GOV), year());
    // Nobody submits the government's own report: its office publishes it.
    let (status, answer) = server
        .post_json(
            &format!("{base}/clear"),
            Who::Supervisor,
            &serde_json::json!(null),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(answer["error"]["code"], "not_applicable", "{answer}");
    let (status, answer) = server
        .post_json(
            &format!("{base}/publish"),
            Who::Supervisor,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(answer["error"]["code"], "explanations_missing", "{answer}");
    let explanations: serde_json::Map<String, serde_json::Value> = answer["error"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_owned(), "已知".into()))
        .collect();
    let body = serde_json::json!({ "explanations": explanations });
    let (status, answer) = server
        .post_json(&format!("{base}/publish"), Who::Supervisor, &body)
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["version"], 1);
    assert_eq!(answer["filing"]["path"], "own");
    // Publishing again is a correction: without its 更正说明 it is refused.
    let (status, answer) = server
        .post_json(&format!("{base}/publish"), Who::Supervisor, &body)
        .await;
    assert_eq!(status, 409);
    assert_eq!(answer["error"]["code"], "correction_note", "{answer}");
    let mut corrected = body.clone();
    corrected["note"] = "更正表二数字".into();
    let (status, answer) = server
        .post_json(&format!("{base}/publish"), Who::Supervisor, &corrected)
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["version"], 2);
    // An officer of a department below may not publish the government's report.
    let (status, _) = server
        .post_json(&format!("{base}/publish"), Who::OfficerA, &corrected)
        .await;
    assert_eq!(status, 404, "A's officer does not see the government");
    server
}

async fn the_overview_says_who_is_late(server: Server) -> Server {
    let today = gongkai_web::china_today();
    let due = NaiveDate::from_ymd_opt(year() + 1, 1, 31).unwrap();
    let overdue = (today - due).num_days();
    assert!(overdue > 0, "the year before today's is due by now");
    server.file_and_publish(A, year(), None).await;
    let list = server
        .get_json(&format!("/api/v1/filings?year={}", year()), Who::Supervisor)
        .await;
    let row = |name: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["agency"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} in {list}"))
    };
    // A was filed today, late by as many days; B has not filed; the government's own report
    // is due by 31 March.
    let a = row(A);
    assert_eq!(
        (a["state"].as_str(), a["days_late"].as_i64()),
        (Some("published"), Some(overdue))
    );
    assert_eq!(a["done"], today.to_string());
    let b = row(B);
    assert_eq!(
        (b["state"].as_str(), b["days_late"].as_i64()),
        (Some("draft"), Some(overdue))
    );
    let gov = row(GOV);
    assert_eq!(gov["path"], "own");
    assert_eq!(gov["due"], format!("{}-03-31", year() + 1));
    // B's officer sees B only.
    let mine = server
        .get_json(&format!("/api/v1/filings?year={}", year()), Who::OfficerB)
        .await;
    let names: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["agency"].as_str().unwrap())
        .collect();
    assert_eq!(names, [B]);
    // The page lists the late ones on request.
    let office = server.browser(Who::Supervisor).await;
    let page = office
        .get_text(&format!("/office/filings?year={}&late=1", year()))
        .await;
    assert!(
        page.contains(&format!("未报送（已逾期 {overdue} 天）")),
        "{page}"
    );
    assert!(page.contains(&format!("逾期 {overdue} 天报送")), "{page}");
    server
}
