//! The real server in-process on port 0, on SQLite and (when `GONGKAI_TEST_POSTGRES_URL` names
//! a server) on PostgreSQL in a fresh schema, with a small agency tree and one account of each
//! kind the authorization rules tell apart.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use gongkai_search::AnySearch;
use gongkai_services::{Actor, Ctx, Role, Scope, Settings};
use gongkai_store_postgres::PgStore;
use gongkai_store_sqlite::SqliteStore;
use gongkai_web::{AttachmentPlace, Options, WebStore};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};

/// The agencies: a county government with two departments (siblings).
pub const GOV: &str = "测试县人民政府";
pub const A: &str = "测试县自然资源局";
pub const B: &str = "测试县交通运输局";

/// Every account's password.
pub const PASSWORD: &str = "correct-horse-battery";

/// The kinds of caller of the authorization matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    Anonymous,
    /// An officer of A.
    OfficerA,
    /// An officer of B, A's sibling.
    OfficerB,
    /// The supervising office of the government, A's parent.
    Supervisor,
    /// An admin of the government.
    Admin,
}

impl Who {
    pub const ALL: [Who; 5] = [
        Who::Anonymous,
        Who::OfficerA,
        Who::OfficerB,
        Who::Supervisor,
        Who::Admin,
    ];

    pub fn user(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::OfficerA => Some("officer-a"),
            Who::OfficerB => Some("officer-b"),
            Who::Supervisor => Some("supervisor"),
            Who::Admin => Some("admin"),
        }
    }
}

/// A multipart form with one file in the field `file`, as uploads take it.
pub fn file_form(bytes: Vec<u8>, name: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    )
}

/// The store a test server runs on, for tests that write through the services beside it.
#[derive(Clone)]
pub enum TestStore {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// A running server and what the tests need of it.
pub struct Server {
    pub base: String,
    /// An API token per account.
    pub tokens: Vec<(Who, String)>,
    /// Its store (set by [`on_sqlite`] and [`on_postgres`]).
    pub store: Option<TestStore>,
    /// Where it keeps the catalogue's attachments.
    pub attachments: AttachmentPlace,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, t)| t.as_str())
    }

    /// A client without cookies, for the API.
    pub fn api(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A browser-like client logged in as `who` (anonymous: not logged in), with the session's
    /// CSRF token. Requests carry our own origin, as a browser's forms do.
    pub async fn browser(&self, who: Who) -> Browser {
        self.browser_of(who.user()).await
    }

    /// [`Server::browser`] for an account by name (`None`: not logged in).
    pub async fn browser_of(&self, user: Option<&str>) -> Browser {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("origin", self.base.parse().unwrap());
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut b = Browser {
            client,
            base: self.base.clone(),
            csrf: String::new(),
        };
        if let Some(user) = user {
            let r = b
                .client
                .post(self.url("/office/login"))
                .form(&[("name", user), ("password", PASSWORD), ("next", "/office")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 303, "login of {user}");
            let page = b.get_text("/office").await;
            b.csrf = csrf_of(&page).unwrap_or_default();
        }
        b
    }

    /// A JSON API answer to GET `path` with `who`'s token.
    pub async fn get_json(&self, path: &str, who: Who) -> serde_json::Value {
        self.api()
            .get(self.url(path))
            .bearer_auth(self.token(who).unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// A POST of the API as `who`: the status and the JSON answer.
    pub async fn post_json(
        &self,
        path: &str,
        who: Who,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let r = self
            .api()
            .post(self.url(path))
            .bearer_auth(self.token(who).unwrap())
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Files the report of `agency` (below the government) for `year` as its officer would
    /// (`submitReport`, explaining each warning the checks answer with) and publishes it as the
    /// supervising office (`clearReport`, `publishReport`); `note` is the 更正说明 of a
    /// correction. Returns the version published.
    pub async fn file_and_publish(&self, agency: &str, year: i32, note: Option<&str>) -> i64 {
        let base = format!(
            "/api/v1/filings/{}/{year}",
            gongkai_web::auth::form_urlencoded_component(agency).replace('+', "%20")
        );
        let mut body = serde_json::json!({ "note": note });
        let (mut status, mut answer) = self
            .post_json(&format!("{base}/submit"), Who::OfficerA, &body)
            .await;
        if status == 409 && answer["error"]["code"] == "explanations_missing" {
            let mut explanations = serde_json::Map::new();
            for f in answer["error"]["findings"].as_array().unwrap() {
                explanations.insert(
                    f["rule"].as_str().unwrap().to_owned(),
                    "测试中的说明".into(),
                );
            }
            body["explanations"] = explanations.into();
            (status, answer) = self
                .post_json(&format!("{base}/submit"), Who::OfficerA, &body)
                .await;
        }
        assert_eq!(status, 200, "submit: {answer}");
        let (status, answer) = self
            .post_json(
                &format!("{base}/clear"),
                Who::Supervisor,
                &serde_json::json!(null),
            )
            .await;
        assert_eq!(status, 200, "clear: {answer}");
        let (status, answer) = self
            .post_json(
                &format!("{base}/publish"),
                Who::Supervisor,
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(status, 200, "publish: {answer}");
        answer["version"].as_i64().unwrap()
    }

    /// The id of an agency, by the API's list (as the admin sees it).
    pub async fn agency_id(&self, name: &str) -> i64 {
        let v = self.get_json("/api/v1/agencies", Who::Admin).await;
        v.as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .and_then(|a| a["id"].as_i64())
            .unwrap_or_else(|| panic!("{name} in {v}"))
    }

    /// `listRequests` of agency A as A's officer: the first page.
    pub async fn requests_of_a(&self) -> serde_json::Value {
        let agency = gongkai_web::auth::form_urlencoded_component(A);
        self.get_json(&format!("/api/v1/requests?agency={agency}"), Who::OfficerA)
            .await
    }

    /// An approver of A (`approver-a`, the tests' password) with an API token; returns the
    /// token. Approvers release redacted documents (web.md §1), which no account of [`Who`]
    /// may.
    pub async fn approver_of_a(&self) -> String {
        async fn add<S: WebStore>(store: &S) -> String {
            let scope = Scope::operator(Actor::new("测试").unwrap());
            let settings = Settings::new(gongkai_web::china_today());
            let ctx = Ctx::new(store, &scope, &settings);
            ctx.add_user("approver-a", PASSWORD, A, Role::Approver)
                .await
                .unwrap();
            ctx.create_token("approver-a", Some(30), chrono::Utc::now())
                .await
                .unwrap()
                .0
        }
        match self.store.as_ref().unwrap() {
            TestStore::Sqlite(s) => add(s).await,
            TestStore::Postgres(s) => add(s).await,
        }
    }

    /// Adds `unit` below A with its officer `user` (the tests' password); returns the officer's
    /// API token. Routing dispatches requests of A to such a unit.
    pub async fn unit_of_a(&self, unit: &str, user: &str) -> String {
        async fn add<S: WebStore>(store: &S, unit: &str, user: &str) -> String {
            let scope = Scope::operator(Actor::new("测试").unwrap());
            let settings = Settings::new(gongkai_web::china_today());
            let ctx = Ctx::new(store, &scope, &settings);
            ctx.add_agency(unit, Some(A)).await.unwrap();
            ctx.add_user(user, PASSWORD, unit, Role::Officer)
                .await
                .unwrap();
            ctx.create_token(user, Some(30), chrono::Utc::now())
                .await
                .unwrap()
                .0
        }
        match self.store.as_ref().unwrap() {
            TestStore::Sqlite(s) => add(s, unit, user).await,
            TestStore::Postgres(s) => add(s, unit, user).await,
        }
    }

    pub async fn stop(mut self) {
        self.halt().await;
    }

    /// Stops the server gracefully and waits until it has finished (its store stays open).
    pub async fn halt(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap();
        }
    }
}

/// The CSRF token in a page's first form.
pub fn csrf_of(page: &str) -> Option<String> {
    let at = page.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(page[at..].split('"').next()?.to_owned())
}

/// A client with a session.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_text(&self, path: &str) -> String {
        self.get(path).await.text().await.unwrap()
    }

    /// Posts a form with the session's CSRF token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.client
            .post(format!("{}{path}", self.base))
            .form(&all)
            .send()
            .await
            .unwrap()
    }
}

fn pg_url() -> Option<String> {
    std::env::var("GONGKAI_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

fn schema_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "gk_web_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The options of the test server: today's settings, short lockouts.
pub fn options() -> Options {
    let settings = Settings::new(gongkai_web::china_today());
    let server = gongkai_config::ServerConfig {
        upload_max_mb: 2,
        // As behind a reverse proxy on the same machine: a request that names no client in
        // `X-Forwarded-For` is the proxy's own (the tests' one address).
        trusted_proxies: vec![std::net::Ipv4Addr::LOCALHOST.into()],
        ..Default::default()
    };
    let mut options = Options::new(settings, &server);
    // Enough for every test's applications and look-ups; the rate-limit test goes past it.
    options.rate_limit_per_minute = RATE_LIMIT;
    options
}

/// Applications and tracking look-ups per client address and minute on the test servers.
pub const RATE_LIMIT: u32 = 60;

/// The agencies and accounts every test starts from; returns the tokens.
pub async fn seed<S: WebStore>(store: &S) -> Vec<(Who, String)> {
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency(GOV, None).await.unwrap();
    ctx.add_agency(A, Some(GOV)).await.unwrap();
    ctx.add_agency(B, Some(GOV)).await.unwrap();
    let accounts = [
        (Who::OfficerA, A, Role::Officer),
        (Who::OfficerB, B, Role::Officer),
        (Who::Supervisor, GOV, Role::Supervisor),
        (Who::Admin, GOV, Role::Admin),
    ];
    let mut tokens = Vec::new();
    for (who, agency, role) in accounts {
        let name = who.user().unwrap();
        ctx.add_user(name, PASSWORD, agency, role).await.unwrap();
        let (secret, _) = ctx
            .create_token(name, Some(30), chrono::Utc::now())
            .await
            .unwrap();
        tokens.push((who, secret));
    }
    tokens
}

/// The catalogue of a test server: its search index and attachments.
pub struct Catalogue {
    pub search: AnySearch,
    pub attachments: AttachmentPlace,
}

impl Catalogue {
    /// A tantivy index and an attachment directory in `dir` (SQLite's).
    pub fn in_dir(dir: &std::path::Path) -> Catalogue {
        Catalogue {
            search: AnySearch::tantivy(&dir.join("search")).unwrap(),
            attachments: AttachmentPlace::directory(&dir.join("attachments")).unwrap(),
        }
    }
}

/// Starts the server on a free port of the loopback interface.
pub async fn start<S: WebStore + Clone>(
    store: S,
    catalogue: Catalogue,
    tokens: Vec<(Who, String)>,
) -> Server {
    let listener = gongkai_web::server::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let attachments = catalogue.attachments.clone();
    let task = tokio::spawn(async move {
        gongkai_web::server::serve(
            listener,
            store,
            catalogue.search,
            catalogue.attachments,
            options(),
            async {
                let _ = rx.await;
            },
        )
        .await
        .unwrap();
    });
    Server {
        base,
        tokens,
        store: None,
        attachments,
        stop: Some(stop),
        task: Some(task),
    }
}

/// Runs `test` against a seeded server on SQLite.
pub async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Server) -> Fut,
    Fut: Future<Output = Server>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("web.db").display());
    let store = SqliteStore::open(&url).await.unwrap();
    let tokens = seed(&store).await;
    let mut server = start(store.clone(), Catalogue::in_dir(dir.path()), tokens).await;
    server.store = Some(TestStore::Sqlite(store.clone()));
    test(server).await.stop().await;
    store.close().await;
}

/// Runs `test` against a seeded server on PostgreSQL in a fresh schema (skipped without a
/// server).
pub async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Server) -> Fut,
    Fut: Future<Output = Server>,
{
    let Some(url) = pg_url() else {
        eprintln!("skipped: GONGKAI_TEST_POSTGRES_URL not set");
        return;
    };
    let schema = schema_name();
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .unwrap();
    let store = PgStore::connect_schema(&url, &schema).await.unwrap();
    let tokens = seed(&store).await;
    // The index in the same schema; attachments in the database, as several processes keep them.
    let catalogue = Catalogue {
        search: AnySearch::Postgres(
            gongkai_search::PgSearch::connect(&url, Some(&schema))
                .await
                .unwrap(),
        ),
        attachments: AttachmentPlace::Database,
    };
    let mut server = start(store.clone(), catalogue, tokens).await;
    server.store = Some(TestStore::Postgres(store.clone()));
    test(server).await.stop().await;
    store.close().await;
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
}

/// One `#[tokio::test]` per backend for each test function `fn(Server) -> Server`.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::common::on_sqlite(super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::common::on_postgres(super::$name).await;
                }
            )*
        }
    };
}

/// A text as the templates escape it (askama: numeric character references).
pub fn escaped(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

/// A catalogue document of `agency` with its required fields only: in force, on the
/// government's website for the public, no item, body or attachment.
pub fn document(
    agency: &str,
    index: &str,
    title: &str,
    published: chrono::NaiveDate,
) -> gongkai_services::catalogue::DocumentInput {
    gongkai_services::catalogue::DocumentInput {
        agency: agency.into(),
        index_number: index.into(),
        title: title.into(),
        doc_number: None,
        written: None,
        published,
        category: None,
        item: None,
        topic: String::new(),
        genre: String::new(),
        method: "政府网站".into(),
        scope: "面向社会".into(),
        validity: gongkai_catalogue::Validity::InForce,
        interprets: None,
        body: gongkai_services::catalogue::BodyInput::Text(String::new()),
        attachments: vec![],
    }
}

/// Files and publishes a report through the use cases, as the installation's operator: submitted
/// with every warning explained, cleared and published (the agency has a parent), or published
/// directly (it has none); `note` the 更正说明 of a correction. Returns the version.
pub async fn publish_as_operator<S: gongkai_store::Store>(
    store: &S,
    agency: &str,
    year: i32,
    note: Option<&str>,
) -> i32 {
    let scope = Scope::operator(Actor::new("测试").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let ctx = Ctx::new(store, &scope, &settings);
    let found = ctx.agency(agency).await.unwrap();
    let report = ctx
        .generate_report(agency, year, false)
        .await
        .unwrap()
        .report;
    let explanations: std::collections::BTreeMap<_, _> = ctx
        .findings(&found, year, &report)
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.rule, "测试中的说明".to_owned()))
        .collect();
    if found.parent.is_some() {
        ctx.submit_report(agency, year, None, &explanations, note)
            .await
            .unwrap();
        ctx.clear_report(agency, year).await.unwrap();
        ctx.publish_report(agency, year, None, &std::collections::BTreeMap::new(), None)
            .await
            .unwrap()
            .1
    } else {
        ctx.publish_report(agency, year, None, &explanations, note)
            .await
            .unwrap()
            .1
    }
}

/// The id of the first reply document listed on a request's back-office page.
pub fn first_reply(page: &str) -> i64 {
    page.split("/office/replies/")
        .nth(1)
        .and_then(|s| s.split(['"', '/']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no reply document on the page: {page}"))
}
