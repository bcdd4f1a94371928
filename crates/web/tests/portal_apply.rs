//! 依申请公开 on the portal, on SQLite and PostgreSQL: a citizen applies through the pages,
//! gets a tracking code, and follows the request while the officer confirms, decides and
//! releases the reply; the same through the API; a wrong code and a wrong second factor are
//! answered alike; identity and phone numbers are masked wherever the public or a supervisor
//! sees them; hostile text comes back escaped; the honeypot, the form token, duplicate
//! submissions and the rate limit.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{A, Server, Who, escaped};

on_both!(
    a_citizen_applies_and_follows_the_request_to_its_reply,
    the_api_applies_and_tracks,
    hostile_text_in_an_application_comes_back_escaped,
    robots_and_repeats_are_refused,
    tracking_is_rate_limited,
);

/// A valid 居民身份证 number (the example of GB 11643) and a phone number.
const ID: &str = "11010519491231002X";
const PHONE: &str = "13912345678";

/// The value of the form's hidden `token`.
fn token_of(page: &str) -> String {
    let at = page.find("name=\"token\" value=\"").unwrap() + "name=\"token\" value=\"".len();
    page[at..].split('"').next().unwrap().to_owned()
}

/// The id of agency A in the portal's form.
async fn agency_a(server: &Server) -> String {
    let page = server
        .browser(Who::Anonymous)
        .await
        .get_text("/apply")
        .await;
    let at = page.find(A).unwrap();
    let before = &page[..at];
    let value = before.rsplit("value=\"").next().unwrap();
    value.split('"').next().unwrap().to_owned()
}

/// The application form's fields, for A, with `applicant` and `description`.
fn fields(agency: &str, applicant: &str, description: &str) -> Vec<(String, String)> {
    [
        ("agency", agency),
        ("applicant", applicant),
        ("kind", "natural_person"),
        ("id_type", "居民身份证"),
        ("id_number", ID),
        ("phone", PHONE),
        ("email", "z@example.cn"),
        ("address", "某市某路1号"),
        ("description", description),
        ("form", "电子邮件"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// A multipart form of text fields.
fn multipart_of(fields: &[(String, String)]) -> reqwest::multipart::Form {
    fields
        .iter()
        .fold(reqwest::multipart::Form::new(), |form, (k, v)| {
            form.text(k.clone(), v.clone())
        })
}

/// Applies through the pages (form, preview, submission with one attachment); answers the
/// submission's response.
async fn apply_in_pages(
    server: &Server,
    applicant: &str,
    description: &str,
    honeypot: &str,
) -> reqwest::Response {
    let citizen = server.browser(Who::Anonymous).await;
    let agency = agency_a(server).await;
    let form = citizen.get_text("/apply").await;
    let token = token_of(&form);
    let mut posted = fields(&agency, applicant, description);
    posted.push(("token".into(), token.clone()));
    let preview = citizen
        .client
        .post(server.url("/apply"))
        .form(&posted)
        .send()
        .await
        .unwrap();
    assert_eq!(preview.status(), 200);
    let preview = preview.text().await.unwrap();
    assert!(preview.contains("确认申请内容"), "{preview}");
    assert!(preview.contains("action=\"/apply/submit\""));
    let multipart = multipart_of(&posted)
        .text("website", honeypot.to_owned())
        .part(
            "files",
            reqwest::multipart::Part::bytes("身份证明复印件".as_bytes().to_vec())
                .file_name("证明.txt"),
        );
    citizen
        .client
        .post(server.url("/apply/submit"))
        .multipart(multipart)
        .send()
        .await
        .unwrap()
}

/// The tracking code on a receipt page.
fn code_of(receipt: &str) -> String {
    let at = receipt.find("class=\"tracking-code\"><strong>").unwrap()
        + "class=\"tracking-code\"><strong>".len();
    receipt[at..].split('<').next().unwrap().to_owned()
}

async fn track_api(server: &Server, code: &str, last4: &str) -> reqwest::Response {
    server
        .api()
        .post(server.url("/api/v1/applications/track"))
        .json(&serde_json::json!({"tracking_code": code, "phone_last4": last4}))
        .send()
        .await
        .unwrap()
}

/// The citizen applies, gets a code; a wrong pair is refused like an unknown code; the officer
/// sees the application awaiting confirmation on the work list, confirms it, decides, uploads
/// and releases the reply; the citizen sees each step and downloads the reply.
async fn a_citizen_applies_and_follows_the_request_to_its_reply(server: Server) -> Server {
    let r = apply_in_pages(&server, "张三", "2024年某项目的环评批复", "").await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let receipt = r.text().await.unwrap();
    let code = code_of(&receipt);
    assert_eq!(code.len(), 19, "{code}");
    let today = gongkai_web::china_today().to_string();
    // The receipt: the date of receipt (automatic confirmation, the default) and its
    // deadline; the identity and phone numbers masked, as on anything printable.
    assert!(
        receipt.contains(&format!("{today}（网上提交的申请以双方确认之日")),
        "{receipt}"
    );
    assert!(receipt.contains("110***********002X"), "{receipt}");
    assert!(receipt.contains("139****5678"), "{receipt}");
    assert!(!receipt.contains(ID) && !receipt.contains(PHONE));
    assert!(receipt.contains("证明.txt"));

    // Tracking: the right pair; a wrong second factor and an unknown code answer alike.
    let wrong_factor = track_api(&server, &code, "0000").await;
    let unknown = track_api(&server, "2345-6789-ABCD-EFGH", "5678").await;
    assert_eq!(wrong_factor.status(), 404);
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        wrong_factor.text().await.unwrap(),
        unknown.text().await.unwrap()
    );
    let status: serde_json::Value = track_api(&server, &code.to_lowercase(), "5678")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["state"], "awaiting_confirmation", "{status}");
    assert_eq!(status["received"], today);
    assert!(status["due"].is_string(), "{status}");
    let reference = status["reference"].as_str().unwrap().to_owned();

    // The officer's work list holds it, awaiting confirmation.
    let list = server.requests_of_a().await;
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["reference"] == reference.as_str())
        .unwrap()
        .clone();
    assert_eq!(item["state"], "awaiting_confirmation", "{item}");
    let id = item["id"].as_i64().unwrap();
    // The officer sees the numbers in full; the supervising office masked.
    let officer = server.browser(Who::OfficerA).await;
    let page = officer.get_text(&format!("/office/requests/{id}")).await;
    assert!(page.contains(ID) && page.contains(PHONE), "{page}");
    assert!(page.contains("确认收到申请"));
    assert!(page.contains("待确认收到"));
    let supervisor = server.browser(Who::Supervisor).await;
    let masked = supervisor.get_text(&format!("/office/requests/{id}")).await;
    assert!(!masked.contains(ID) && !masked.contains(PHONE), "{masked}");
    assert!(masked.contains("110***********002X"));
    // Nothing can be recorded before the confirmation.
    let token = server.token(Who::OfficerA).unwrap();
    let early = server
        .api()
        .post(server.url(&format!("/api/v1/requests/{id}/events")))
        .bearer_auth(token)
        .json(&serde_json::json!({"event": "decided", "date": today, "outcome": "予以公开"}))
        .send()
        .await
        .unwrap();
    assert_eq!(early.status(), 409);
    assert!(early.text().await.unwrap().contains("第三十一条"));
    let r = officer
        .post(&format!("/office/requests/{id}/confirm"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let status: serde_json::Value = track_api(&server, &code, "5678")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["state"], "open", "{status}");
    assert_eq!(status["received"], today);
    let again = officer
        .post(&format!("/office/requests/{id}/confirm"), &[])
        .await;
    assert_eq!(again.status(), 409);

    // Decided, a reply uploaded: not yet visible to the citizen until released.
    let decided = server
        .api()
        .post(server.url(&format!("/api/v1/requests/{id}/events")))
        .bearer_auth(token)
        .json(&serde_json::json!({"event": "decided", "date": today, "outcome": "予以公开"}))
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), 200, "{}", decided.text().await.unwrap());
    let upload = reqwest::multipart::Form::new()
        .text("csrf", officer.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"%PDF-1.4\n%reply\n".to_vec()).file_name("答复书.pdf"),
        );
    let r = officer
        .client
        .post(server.url(&format!("/office/requests/{id}/replies")))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let status: serde_json::Value = track_api(&server, &code, "5678")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(status["state"], "closed");
    assert_eq!(status["outcome"], "予以公开");
    assert_eq!(status["documents"].as_array().unwrap().len(), 0);
    let reply = common::first_reply(&officer.get_text(&format!("/office/requests/{id}")).await);
    // Only those who handle A release it.
    let r = supervisor
        .post(&format!("/office/replies/{reply}/release"), &[])
        .await;
    assert_eq!(r.status(), 403);
    let r = officer
        .post(&format!("/office/replies/{reply}/release"), &[])
        .await;
    assert_eq!(r.status(), 303);

    // The citizen's tracking page: the decision and the reply, downloadable with the pair.
    let citizen = server.browser(Who::Anonymous).await;
    let r = citizen
        .post("/track", &[("code", &code), ("last4", "5678")])
        .await;
    assert_eq!(r.status(), 200);
    let tracked = r.text().await.unwrap();
    assert!(
        tracked.contains("已办结") && tracked.contains("予以公开"),
        "{tracked}"
    );
    assert!(tracked.contains("下载 答复书.pdf"));
    assert!(!tracked.contains(ID) && !tracked.contains(PHONE));
    let r = citizen
        .post(
            &format!("/track/documents/{reply}"),
            &[("code", &code), ("last4", "5678")],
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"%PDF-1.4\n%reply\n");
    let r = citizen
        .post(
            &format!("/track/documents/{reply}"),
            &[("code", &code), ("last4", "1234")],
        )
        .await;
    assert_eq!(r.status(), 404);
    let r = citizen
        .post("/track", &[("code", &code), ("last4", "1234")])
        .await;
    assert_eq!(r.status(), 404);
    assert!(!r.text().await.unwrap().contains(&reference));
    server
}

/// `submitApplication` and `trackApplication`: 201 with a code; a wrong check digit is a 422
/// naming the field; an unknown agency too.
async fn the_api_applies_and_tracks(server: Server) -> Server {
    let agency: i64 = agency_a(&server).await.parse().unwrap();
    let body = |id_number: &str, agency: i64| {
        serde_json::json!({
            "agency": agency, "applicant": "某律师事务所", "kind": "org_legal_service",
            "id_type": "统一社会信用代码", "id_number": id_number, "phone": "0591-87654321",
            "description": "某文件", "form": "网上获取",
        })
    };
    let post = |b: serde_json::Value| {
        server
            .api()
            .post(server.url("/api/v1/applications"))
            .json(&b)
            .send()
    };
    let bad = post(body("91350100M000100Y44", agency)).await.unwrap();
    assert_eq!(bad.status(), 422);
    let v: serde_json::Value = bad.json().await.unwrap();
    assert_eq!(v["error"]["details"][0]["field"], "id_number", "{v}");
    let unknown = post(body("91350100M000100Y43", 999_999)).await.unwrap();
    assert_eq!(unknown.status(), 422);
    let r = post(body("91350100M000100Y43", agency)).await.unwrap();
    assert_eq!(r.status(), 201);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["state"], "awaiting_confirmation");
    assert_eq!(v["received"], gongkai_web::china_today().to_string());
    let code = v["tracking_code"].as_str().unwrap();
    let status: serde_json::Value = track_api(&server, code, "4321").await.json().await.unwrap();
    assert_eq!(status["reference"], v["reference"]);
    assert_eq!(status["state_label"], "待确认收到");
    // The reference shows nothing of the code.
    let code_chars: String = code.chars().filter(|c| *c != '-').take(8).collect();
    assert!(!v["reference"].as_str().unwrap().contains(&code_chars));

    // An applicant on a bad connection retries with an Idempotency-Key: the first receipt
    // again, one request; the same key for another application is a 422.
    let count = || async {
        server.requests_of_a().await["items"]
            .as_array()
            .unwrap()
            .len()
    };
    let keyed = |key: &'static str, b: serde_json::Value| {
        server
            .api()
            .post(server.url("/api/v1/applications"))
            .header("idempotency-key", key)
            .json(&b)
            .send()
    };
    let before = count().await;
    let first = keyed("retry-7f3c", body("91350100M000100Y43", agency))
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    assert_ne!(first["tracking_code"], v["tracking_code"]);
    let again = keyed("retry-7f3c", body("91350100M000100Y43", agency))
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again, first);
    assert_eq!(count().await, before + 1);
    // The replayed code opens the tracking page.
    let tracked = track_api(&server, again["tracking_code"].as_str().unwrap(), "4321").await;
    assert_eq!(tracked.status(), 200);
    let mut other = body("91350100M000100Y43", agency);
    other["description"] = "另一份文件".into();
    let reused = keyed("retry-7f3c", other).await.unwrap();
    assert_eq!(reused.status(), 422);
    assert_eq!(count().await, before + 1);
    // Another key is another application, with another code.
    let second = keyed("retry-9d21", body("91350100M000100Y43", agency))
        .await
        .unwrap();
    let second: serde_json::Value = second.json().await.unwrap();
    assert_ne!(second["tracking_code"], first["tracking_code"]);
    assert_eq!(count().await, before + 2);
    server
}

/// Markup in every public field is shown as text on the receipt and in the back office.
async fn hostile_text_in_an_application_comes_back_escaped(server: Server) -> Server {
    let name = "<script>alert(1)</script>";
    let text = "<img src=x onerror=alert(2)>";
    let r = apply_in_pages(&server, name, text, "").await;
    assert_eq!(r.status(), 201);
    let receipt = r.text().await.unwrap();
    assert!(
        !receipt.contains(name) && !receipt.contains(text),
        "{receipt}"
    );
    assert!(receipt.contains(&escaped(name)), "{receipt}");
    let list = server.requests_of_a().await;
    let id = list["items"].as_array().unwrap().last().unwrap()["id"]
        .as_i64()
        .unwrap();
    let officer = server.browser(Who::OfficerA).await;
    let page = officer.get_text(&format!("/office/requests/{id}")).await;
    assert!(!page.contains(name) && !page.contains(text));
    assert!(page.contains(&escaped(text)), "{page}");
    server
}

/// The honeypot, a form that did not come from our form page, and the same form twice.
async fn robots_and_repeats_are_refused(server: Server) -> Server {
    let before = server.requests_of_a().await["items"]
        .as_array()
        .unwrap()
        .len();
    let r = apply_in_pages(&server, "机器人", "某文件", "https://spam.example").await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        server.requests_of_a().await["items"]
            .as_array()
            .unwrap()
            .len(),
        before
    );
    // A forged token.
    let citizen = server.browser(Who::Anonymous).await;
    let agency = agency_a(&server).await;
    let mut posted = fields(&agency, "张三", "某文件");
    posted.push(("token".into(), "00.1.ff".into()));
    let r = citizen
        .client
        .post(server.url("/apply"))
        .form(&posted)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The same form sent twice (a double click, a retry) is stored once and shows the same
    // receipt, tracking code included.
    let form = citizen.get_text("/apply").await;
    let mut posted = fields(&agency, "张三", "某文件");
    posted.push(("token".into(), token_of(&form)));
    let send = || {
        citizen
            .client
            .post(server.url("/apply/submit"))
            .multipart(multipart_of(&posted))
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first = code_of(&first.text().await.unwrap());
    let again = send().await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(code_of(&again.text().await.unwrap()), first);
    assert_eq!(
        server.requests_of_a().await["items"]
            .as_array()
            .unwrap()
            .len(),
        before + 1
    );
    // From another site: refused.
    let r = server
        .api()
        .post(server.url("/apply"))
        .header("origin", "https://evil.example")
        .form(&posted)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    server
}

/// Past `portal.rate_limit_per_minute` look-ups a minute, a 429 with `Retry-After`. Twice the
/// limit and one more: if a minute turns during the loop, one of the two minutes still saw more
/// than the limit.
async fn tracking_is_rate_limited(server: Server) -> Server {
    let citizen = server.browser(Who::Anonymous).await;
    let (mut refused, mut not_found) = (0, 0);
    for _ in 0..=2 * common::RATE_LIMIT {
        let r = citizen
            .post(
                "/track",
                &[("code", "2345-6789-ABCD-EFGH"), ("last4", "0000")],
            )
            .await;
        match r.status().as_u16() {
            429 => {
                assert!(r.headers().get("retry-after").is_some());
                refused += 1;
            }
            404 => not_found += 1,
            other => panic!("{other}"),
        }
    }
    assert!(refused >= 1, "{refused} refused, {not_found} not found");
    assert!(
        not_found >= common::RATE_LIMIT,
        "{refused} refused, {not_found} not found"
    );
    // Another client behind the trusted proxy has its own count; a header naming only the
    // proxy leaves the proxy's own, spent.
    let look = |forwarded: &'static str| {
        citizen
            .client
            .post(server.url("/track"))
            .header("x-forwarded-for", forwarded)
            .form(&[("code", "2345-6789-ABCD-EFGH"), ("last4", "0000")])
            .send()
    };
    assert_eq!(look("203.0.113.9").await.unwrap().status(), 404);
    assert_eq!(look("127.0.0.1").await.unwrap().status(), 429);
    server
}
