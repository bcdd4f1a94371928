//! A load run against the server on loopback, for the figures of the README:
//!
//! 1. the 工作台 of an agency with `--open` open requests (default 10,000), as its officer;
//! 2. `createRequest` through the API, every request a new one;
//! 3. the 工作台 again while one more client keeps creating requests, so that every look may
//!    find its list changed (the cache of a quiet desk does not help);
//! 4. the portal's catalogue of the agency (its first page of `--docs` documents, default 1,000)
//!    and its document pages, as anyone reads them;
//! 5. the portal's search page `/search` on the benchmark corpus of the catalogue
//!    (`--corpus N` documents of `gongkai_search::corpus`, 20 agencies, imported as an officer
//!    imports a CSV), with one- to three-word queries and their filters, each page rendered
//!    afresh unless the same query came within the page cache's two seconds; once with one
//!    client (the latency a visitor sees) and once with `--clients`;
//! 6. the pages of the corpus's agencies (法定主动公开内容 by item: every item counted), each
//!    rendered afresh, one client;
//! 7. a static asset served by the same server, as the baseline the others are set against;
//! 8. (`views`) the catalogue page from a second server on the same store that does not count
//!    page views, alternating with the first, for the cost of counting them.
//!
//! `cargo run --release -p gongkai-web --example load -- [--db postgres://…] [--open 10000]
//! [--docs 1000] [--corpus 0] [--seconds 10] [--clients 8]
//! [--only desk,create,busy,catalogue,views,document,search,agency,static]`. Without `--db` a fresh SQLite
//! file in a temporary directory.
//! The server runs in this process on its own runtime (the same router and store as
//! `gongkai serve`), the clients on another; both share the machine's cores, as they would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use gongkai_services::ledger::LedgerFile;
use gongkai_services::{Actor, Ctx, Role, Scope, Settings};
use gongkai_web::{Options, WebStore};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const AGENCY: &str = "某县自然资源局";
/// Where the `create` phase writes: another agency, so that the desk measured afterwards still
/// holds `--open` requests. The `busy` phase writes into [`AGENCY`] itself.
const OTHER: &str = "某县市场监督管理局";
const PASSWORD: &str = "correct-horse-battery";

struct Args {
    db: Option<String>,
    /// Which phases run, by name: `desk`, `create`, `busy`, `static` (default all).
    only: Option<String>,
    open: usize,
    docs: usize,
    corpus: usize,
    seconds: u64,
    clients: usize,
}

fn args() -> Args {
    let mut a = Args {
        db: None,
        only: None,
        open: 10_000,
        docs: 1_000,
        corpus: 0,
        seconds: 10,
        clients: 8,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let v = it.next().expect("a value after each option");
        match k.as_str() {
            "--db" => a.db = Some(v),
            "--only" => a.only = Some(v),
            "--open" => a.open = v.parse().unwrap(),
            "--docs" => a.docs = v.parse().unwrap(),
            "--corpus" => a.corpus = v.parse().unwrap(),
            "--seconds" => a.seconds = v.parse().unwrap(),
            "--clients" => a.clients = v.parse().unwrap(),
            other => panic!("unknown option {other}"),
        }
    }
    a
}

/// A ledger of `n` open requests received in the last weeks.
fn ledger(n: usize) -> Vec<u8> {
    let mut csv = String::from(
        "受理编号,申请人姓名或名称,申请人类型,申请方式,收到日期,申请内容,办理结果,答复日期\n",
    );
    let today = gongkai_web::china_today();
    for i in 0..n {
        let received = today - chrono::Days::new((i % 40) as u64);
        csv.push_str(&format!(
            "OPEN-{i:06},申请人{i},自然人,网上,{received},某文件（第{i}项）,,\n"
        ));
    }
    csv.into_bytes()
}

/// `n` catalogue documents of [`AGENCY`], through the use case an officer's form calls, into
/// the server's index at `dir`.
async fn documents<S: WebStore>(store: &S, dir: &std::path::Path, n: usize) {
    use gongkai_services::catalogue::{BodyInput, DocumentInput};
    let scope = Scope::operator(Actor::new("load").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let ctx = Ctx::new(store, &scope, &settings);
    let index = gongkai_search::AnySearch::tantivy(dir).unwrap();
    let blobs = gongkai_blobs::LocalBlobs::open(dir.join("blobs")).unwrap();
    let started = Instant::now();
    for i in 0..n {
        let published = gongkai_web::china_today() - chrono::Days::new((i % 700) as u64);
        let body = format!(
            "为进一步做好第{i}项工作，现将有关事项通知如下：一、总体要求。二、主要任务。三、保障措施。"
        )
        .repeat(8);
        ctx.add_document(
            &index,
            &blobs,
            1 << 20,
            DocumentInput {
                agency: AGENCY.into(),
                index_number: format!("LOAD/{}-{:05}", published.format("%Y"), i + 1),
                title: format!("关于做好第{i}项工作的通知"),
                doc_number: Some(format!("某政办发〔{}〕{}号", published.format("%Y"), i + 1)),
                written: Some(published),
                published,
                category: None,
                item: Some(gongkai_catalogue::Item::Article20(1 + (i % 15) as u8)),
                topic: "综合政务".into(),
                genre: "通知".into(),
                method: "政府网站".into(),
                scope: "面向社会".into(),
                validity: gongkai_catalogue::Validity::InForce,
                interprets: None,
                body: BodyInput::Text(body),
                attachments: Vec::new(),
            },
        )
        .await
        .unwrap();
    }
    println!(
        "seeded {n} catalogue documents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

/// `n` documents of the catalogue benchmarks' corpus (its 20 agencies, created here), imported
/// as an officer imports the template's CSV, 10,000 to a file, into the server's index at
/// `dir`. Answers the store ids of the corpus's agencies, in the corpus's order.
async fn corpus<S: WebStore>(store: &S, dir: &std::path::Path, n: usize) -> Vec<i64> {
    use gongkai_search::corpus::{AGENCIES, Corpus};
    use gongkai_services::catalogue::CatalogueSource;
    let scope = Scope::operator(Actor::new("load").unwrap());
    // The corpus repeals documents up to three years after 2025: imported as of a day when
    // every date of it has passed (an import refuses a date after today).
    let settings = Settings::new(chrono::NaiveDate::from_ymd_opt(2029, 12, 31).unwrap());
    let ctx = Ctx::new(store, &scope, &settings);
    let mut ids = Vec::new();
    for (name, _) in AGENCIES {
        ids.push(ctx.add_agency(name, None).await.unwrap().id.0);
    }
    if n == 0 {
        return ids;
    }
    let index = gongkai_search::AnySearch::tantivy(dir).unwrap();
    let mut generator = Corpus::new(1);
    let started = Instant::now();
    let mut done = 0;
    while done < n {
        let batch: Vec<_> = (0..(n - done).min(10_000))
            .map(|_| generator.document())
            .collect();
        let rows: Vec<_> = batch
            .iter()
            .map(|d| gongkai_catalogue_import::ExportRow {
                agency: AGENCIES[(d.data.agency.0 - 1) as usize].0,
                document: &d.data,
                interprets_index: None,
            })
            .collect();
        let bytes = gongkai_catalogue_import::write_table_csv(&rows).unwrap();
        let source = CatalogueSource::Table {
            bytes,
            kind: gongkai_catalogue_import::TableKind::Csv,
            mapping: None,
        };
        ctx.import_catalogue(&index, AGENCIES[0].0, source)
            .await
            .unwrap();
        done += batch.len();
        eprint!(
            "\rcorpus: {done} of {n} documents, {:.0}/s",
            done as f64 / started.elapsed().as_secs_f64()
        );
    }
    eprintln!();
    println!(
        "seeded {n} corpus documents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    ids
}

/// The search page's query strings: one to three words with, for four in five, one filter
/// (agencies, a year, validity) and for one in four the newest first (deterministic).
fn search_queries(agencies: &[i64], n: usize) -> Vec<String> {
    use gongkai_search::corpus::QUERY_WORDS as WORDS;
    let mut state: u64 = 0x5eed;
    let mut below = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    (0..n)
        .map(|_| {
            let words: Vec<&str> = (0..1 + below(3))
                .map(|_| WORDS[below(WORDS.len())])
                .collect();
            let mut params = vec![("q", words.join(" "))];
            match below(5) {
                0 | 4 => {}
                1 => params.push(("agency", agencies[below(agencies.len())].to_string())),
                2 => params.push(("year", (2015 + below(11)).to_string())),
                _ => params.push(("validity", "in_force".to_owned())),
            }
            if below(4) == 0 {
                params.push(("sort", "newest".to_owned()));
            }
            form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish()
        })
        .collect()
}

/// Agency, officer, token, and the open requests.
async fn seed<S: WebStore>(store: &S, open: usize) -> String {
    let scope = Scope::operator(Actor::new("load").unwrap());
    let settings = Settings::new(gongkai_web::china_today());
    let ctx = Ctx::new(store, &scope, &settings);
    ctx.add_agency(AGENCY, None).await.unwrap();
    ctx.add_agency(OTHER, None).await.unwrap();
    ctx.add_user("officer", PASSWORD, AGENCY, Role::Officer)
        .await
        .unwrap();
    ctx.grant_role("officer", OTHER, Role::Officer)
        .await
        .unwrap();
    let bytes = ledger(open);
    let started = Instant::now();
    ctx.import_ledger(AGENCY, LedgerFile::bytes("open.csv", &bytes), false)
        .await
        .unwrap();
    println!(
        "seeded {open} open requests in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    ctx.create_token("officer", None, chrono::Utc::now())
        .await
        .unwrap()
        .0
}

/// Latencies of one phase.
struct Phase {
    name: &'static str,
    done: u64,
    failed: u64,
    seconds: f64,
    latencies: Vec<Duration>,
}

impl Phase {
    fn print(&self) {
        let mut l = self.latencies.clone();
        l.sort();
        let at = |q: f64| {
            l.get(((l.len() as f64 * q) as usize).min(l.len().saturating_sub(1)))
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        println!(
            "{:<34} {:>9.0}/s  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  ({} done, {} failed)",
            self.name,
            self.done as f64 / self.seconds,
            at(0.50),
            at(0.99),
            l.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
            self.done,
            self.failed
        );
    }
}

/// The page at `url`.
async fn text(client: &reqwest::Client, url: &str) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// A request of a phase: GET `path(n)` of the server, answered 200.
fn gets<P>(
    client: &reqwest::Client,
    base: &str,
    path: P,
) -> impl Fn(u64) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>
+ Send
+ Sync
+ Clone
+ 'static
where
    P: Fn(u64) -> String + Send + Sync + Clone + 'static,
{
    let (c, b) = (client.clone(), base.to_owned());
    move |n| {
        let (c, url) = (c.clone(), format!("{b}{}", path(n)));
        Box::pin(async move { c.get(url).send().await.is_ok_and(|r| r.status() == 200) })
    }
}

/// Runs `clients` loops of `request` for `seconds`.
async fn phase<F, Fut>(name: &'static str, clients: usize, seconds: u64, request: F) -> Phase
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let request = Arc::new(request);
    let counter = Arc::new(AtomicU64::new(0));
    let end = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (request, counter) = (Arc::clone(&request), Arc::clone(&counter));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failed = 0;
                while Instant::now() < end {
                    let n = counter.fetch_add(1, Ordering::Relaxed);
                    let t = Instant::now();
                    if request(n).await {
                        latencies.push(t.elapsed());
                    } else {
                        failed += 1;
                    }
                }
                (latencies, failed)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut failed = 0;
    for t in tasks {
        let (l, f) = t.await.unwrap();
        all.extend(l);
        failed += f;
    }
    Phase {
        name,
        done: all.len() as u64,
        failed,
        seconds: started.elapsed().as_secs_f64(),
        latencies: all,
    }
}

/// Copies the files under `from` into `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if !entry.file_name().to_string_lossy().ends_with(".lock") {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A server on a runtime of its own, counting page views or not; its address.
fn spawn_server<S: WebStore + Clone>(
    store: S,
    catalogue_dir: std::path::PathBuf,
    count_views: bool,
) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = gongkai_web::server::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let settings = Settings::new(gongkai_web::china_today());
            let mut options = Options::new(settings, &gongkai_config::ServerConfig::default());
            options.count_views = count_views;
            let search = gongkai_search::AnySearch::tantivy(&catalogue_dir).unwrap();
            let attachments =
                gongkai_web::AttachmentPlace::directory(&catalogue_dir.join("attachments"))
                    .unwrap();
            gongkai_web::server::serve(
                listener,
                store,
                search,
                attachments,
                options,
                std::future::pending(),
            )
            .await
            .unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

async fn run<S: WebStore + Clone>(store: S, a: &Args) {
    let token = seed(&store, a.open).await;
    // The server's catalogue: its index and attachments, filled before it opens them.
    let catalogue = tempfile::tempdir().unwrap();
    let catalogue_dir = catalogue.path().to_owned();
    documents(&store, &catalogue_dir, a.docs).await;
    let corpus_agencies = corpus(&store, &catalogue_dir, a.corpus).await;
    // A copy of the catalogue's index and attachments for the server of the `views` phase
    // that does not count page views (an index is opened by one server at a time).
    let uncounted = tempfile::tempdir().unwrap();
    copy_dir(&catalogue_dir, uncounted.path());
    let base = spawn_server(store.clone(), catalogue_dir.clone(), true);

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(64)
        .build()
        .unwrap();
    let login = client
        .post(format!("{base}/office/login"))
        .header("origin", &base)
        .form(&[("name", "officer"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success() || login.status().is_redirection());
    let dashboard = client.get(format!("{base}/office")).send().await.unwrap();
    let page = dashboard.text().await.unwrap();
    assert!(page.contains("未办结"), "logged in");
    let css = page
        .split("/static/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    println!(
        "工作台 page: {} KB for {} open requests",
        page.len() / 1024,
        a.open
    );

    let runs = |name: &str| {
        a.only
            .as_deref()
            .is_none_or(|o| o.split(',').any(|p| p == name))
    };
    let desk = gets(&client, &base, |_| "/office".to_owned());
    let prefix = Arc::new(AtomicU64::new(0));
    let create = |agency: &'static str| {
        let (c, b, t) = (client.clone(), base.clone(), token.clone());
        let prefix = Arc::clone(&prefix);
        move |_| {
            let (c, b, t) = (c.clone(), b.clone(), t.clone());
            let n = prefix.fetch_add(1, Ordering::Relaxed);
            async move {
                c.post(format!("{b}/api/v1/requests"))
                    .bearer_auth(&t)
                    .json(&serde_json::json!({
                        "agency": agency, "reference": format!("LOAD-{n}"), "applicant": "张三",
                        "kind": "自然人", "channel": "网上",
                        "received": gongkai_web::china_today().to_string(),
                        "description": "负载测试",
                    }))
                    .send()
                    .await
                    .is_ok_and(|r| r.status() == 201)
            }
        }
    };
    let mut phases = Vec::new();
    if runs("desk") {
        phases.push(phase("GET /office (工作台)", a.clients, a.seconds, desk.clone()).await);
    }
    if runs("create") {
        let name = "POST /api/v1/requests (createRequest)";
        phases.push(phase(name, a.clients, a.seconds, create(OTHER)).await);
    }
    if runs("busy") {
        // One writer beside the readers: the desk's list changes under them all the time.
        let writer = tokio::spawn(phase(
            "  (its writer: createRequest)",
            1,
            a.seconds,
            create(AGENCY),
        ));
        let name = "GET /office while requests arrive";
        phases.push(phase(name, a.clients, a.seconds, desk).await);
        phases.push(writer.await.unwrap());
    }
    // The portal, as anyone reads it: the agency's catalogue and its documents, one after another.
    let agency_id = 1;
    for (path, what) in [
        (format!("/agencies/{agency_id}/catalogue"), "catalogue page"),
        ("/documents/1".to_owned(), "document page"),
    ] {
        let page = text(&client, &format!("{base}{path}")).await;
        println!("{what} {path}: {} KB", page.len() / 1024);
    }
    if runs("catalogue") {
        let list = gets(&client, &base, move |_| {
            format!("/agencies/{agency_id}/catalogue")
        });
        let name = "GET /agencies/{id}/catalogue";
        phases.push(phase(name, a.clients, a.seconds, list).await);
    }
    if runs("views") {
        // The cost of counting page views: the same page from a server that counts them and
        // from one that does not (same process, same store), alternately, twice each.
        let off = spawn_server(store.clone(), uncounted.path().to_owned(), false);
        for round in 0..2 {
            for (server, name) in [
                (
                    base.clone(),
                    [
                        "GET catalogue, views counted (1)",
                        "GET catalogue, views counted (2)",
                    ],
                ),
                (
                    off.clone(),
                    [
                        "GET catalogue, not counted (1)",
                        "GET catalogue, not counted (2)",
                    ],
                ),
            ] {
                let list = gets(&client, &server, move |_| {
                    format!("/agencies/{agency_id}/catalogue")
                });
                phases.push(phase(name[round], a.clients, a.seconds, list).await);
            }
        }
    }
    if runs("document") && a.docs > 0 {
        let docs = a.docs as u64;
        let doc = gets(&client, &base, move |n| {
            format!("/documents/{}", 1 + n % docs)
        });
        phases.push(
            phase(
                "GET /documents/{id}, all in turn",
                a.clients,
                a.seconds,
                doc,
            )
            .await,
        );
        let one = gets(&client, &base, |_| "/documents/1".to_owned());
        phases.push(phase("GET /documents/1", a.clients, a.seconds, one).await);
    }
    if runs("agency") && a.corpus > 0 {
        // The corpus's agencies' pages in turn, each rendered afresh: a query string the page
        // ignores makes every one a page the cache has not kept.
        let ids = Arc::new(corpus_agencies.clone());
        let page = gets(&client, &base, move |n| {
            format!("/agencies/{}?n={n}", ids[(n % ids.len() as u64) as usize])
        });
        let name = "GET /agencies/{id}, one client";
        phases.push(phase(name, 1, a.seconds, page).await);
    }
    if runs("search") && a.corpus > 0 {
        let queries = Arc::new(search_queries(&corpus_agencies, 100_000));
        let first = text(&client, &format!("{base}/search?{}", queries[0])).await;
        assert!(first.contains("<mark>"), "the search page finds the corpus");
        println!(
            "search page /search?{}: {} KB",
            queries[0],
            first.len() / 1024
        );
        let search = |offset: u64| {
            let q = Arc::clone(&queries);
            gets(&client, &base, move |n| {
                format!("/search?{}", q[((offset + n) % q.len() as u64) as usize])
            })
        };
        let one = "GET /search, one client";
        phases.push(phase(one, 1, a.seconds, search(0)).await);
        // Queries the one client has not asked, so that none is served from the cache.
        let name = "GET /search, all clients";
        phases.push(phase(name, a.clients, a.seconds, search(50_000)).await);
    }
    if runs("static") {
        let css = gets(&client, &base, move |_| format!("/static/{css}"));
        phases.push(phase("GET /static/app.css (baseline)", a.clients, a.seconds, css).await);
    }
    println!();
    for p in &phases {
        p.print();
    }
    if let Some(baseline) = phases.iter().find(|p| p.name.starts_with("GET /static")) {
        let rate = |p: &Phase| p.done as f64 / p.seconds;
        println!("\nratio to the static asset:");
        for p in phases.iter().filter(|p| !p.name.starts_with("GET /static")) {
            println!("  {:<40} {:.4}", p.name, rate(p) / rate(baseline));
        }
    }
}

fn main() {
    let a = args();
    // `RUST_LOG=sqlx::query=debug` shows every statement a call costs.
    if std::env::var_os("RUST_LOG").is_some() {
        gongkai_web::security::init_logging(false);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        match &a.db {
            Some(url) => {
                let schema = format!("gk_load_{}", std::process::id());
                let admin = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin)
                    .await
                    .unwrap();
                let store = gongkai_store_postgres::PgStore::connect_schema(url, &schema)
                    .await
                    .unwrap();
                println!("PostgreSQL, schema {schema}");
                run(store, &a).await;
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&admin)
                    .await
                    .unwrap();
            }
            None => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite:{}", dir.path().join("load.db").display());
                let store = gongkai_store_sqlite::SqliteStore::open(&url).await.unwrap();
                println!("SQLite, {url}");
                run(store, &a).await;
            }
        }
    });
}
