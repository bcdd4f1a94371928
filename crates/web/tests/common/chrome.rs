//! Headless Chromium driven by ChromeDriver, for the browser tests: the driver on a free port,
//! a session, screenshots under `target/screenshots/`, form helpers, and axe-core's
//! accessibility check. Included with `#[path]` by the tests that drive a browser.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Chromium and ChromeDriver, when both are installed.
pub fn installed() -> Option<(PathBuf, PathBuf)> {
    Some((which("chromedriver")?, which("chromium")?))
}

/// ChromeDriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn start_driver(chromedriver: &PathBuf) -> Driver {
    let port = free_port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "ChromeDriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver { child, port }
}

pub async fn browser(driver: &Driver, chromium: &PathBuf) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=zh-CN"],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .unwrap()
}

/// Where screenshots go: `target/screenshots/`.
pub fn screenshots() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name}: a PNG");
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
}

/// The whole page at `width` CSS pixels (the window as tall as the page and the browser's own
/// frame, at most 6000 px).
pub async fn full_shot(c: &Client, name: &str, width: u32) {
    c.set_window_size(width, 900).await.unwrap();
    let sizes = c
        .execute(
            "return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight];",
            vec![],
        )
        .await
        .unwrap();
    let height = sizes[0].as_u64().unwrap_or(900) + sizes[1].as_u64().unwrap_or(0);
    c.set_window_size(width, height.clamp(600, 6000) as u32)
        .await
        .unwrap();
    shot(c, name).await;
}

/// The page at a desktop's width (1280 px) and a phone's (390 px): `{name}-desktop.png` and
/// `{name}-mobile.png`; the window is left at 1280 × 1000.
pub async fn shots(c: &Client, name: &str) {
    full_shot(c, &format!("{name}-desktop"), 1280).await;
    full_shot(c, &format!("{name}-mobile"), 390).await;
    c.set_window_size(1280, 1000).await.unwrap();
}

pub async fn fill(c: &Client, id: &str, text: &str) {
    let field = c.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

pub async fn select(c: &Client, id: &str, label: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .select_by_label(label)
        .await
        .unwrap();
}

/// Clicks the element `css` where the click stays on the page (a `<summary>` opening its
/// details).
pub async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Clicks the element `css` (a submit button: submits its form) and returns once the browser
/// has left the page: the click returns before the next page loads, and a text the next page
/// shows may already be on this one (the tracking form names 答复文件 too).
pub async fn submit(c: &Client, css: &str) {
    c.execute("window.__gongkai_before_submit = true", vec![])
        .await
        .unwrap();
    click(c, css).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        // An error while the next document loads counts as not yet left.
        let left = c
            .execute("return window.__gongkai_before_submit !== true", vec![])
            .await
            .ok()
            .and_then(|v| v.as_bool());
        if left == Some(true) {
            return;
        }
        if Instant::now() > deadline {
            shot(c, "failed").await;
            panic!("clicking {css} never left the page:\n{}", page(c).await);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn page(c: &Client) -> String {
    c.source().await.unwrap()
}

/// The page once it holds `text`: a click that submits a form returns before the next page
/// has loaded.
pub async fn page_with(c: &Client, text: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let source = page(c).await;
        if source.contains(text) {
            return source;
        }
        if Instant::now() > deadline {
            shot(c, "failed").await;
            panic!("the page never showed “{text}”:\n{source}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// axe-core's script, fetched by `.ci/run` (or by hand, README) into `target/axe/axe.min.js`;
/// never committed. `None`, with a loud message, when it is not there.
pub fn axe_source() -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/axe/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) if source.contains("axe") => Some(source),
        _ => {
            eprintln!(
                "NOTE: {} is missing: the accessibility checks (axe-core) are SKIPPED. Fetch it with \
                 `curl -fsSL https://registry.npmjs.org/axe-core/-/axe-core-4.10.2.tgz | tar -xzO \
                 package/axe.min.js > target/axe/axe.min.js` (as .ci/run does)",
                path.display()
            );
            None
        }
    }
}

/// axe-core's violations of impact `serious` or `critical` on the current page, one line each
/// (rule, impact, help, and the elements' selectors and HTML). The script is injected through
/// WebDriver, which the page's Content-Security-Policy does not govern.
pub async fn axe_violations(c: &Client, source: &str) -> Vec<String> {
    c.execute(
        &format!("{source}\n;window.__axe = axe; return true;"),
        vec![],
    )
    .await
    .unwrap();
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__axe.run(document, {resultTypes: ['violations']})
               .then(r => done(JSON.stringify(r.violations)))
               .catch(e => done(JSON.stringify([{id: 'axe-failed', impact: 'critical',
                                                 help: String(e), nodes: []}])));",
            vec![],
        )
        .await
        .unwrap();
    let violations: Vec<serde_json::Value> = serde_json::from_str(found.as_str().unwrap()).unwrap();
    let all: Vec<String> = violations
        .iter()
        .map(|v| format!("{} ({})", v["id"], v["impact"]))
        .collect();
    eprintln!("axe-core on {}: {all:?}", c.current_url().await.unwrap());
    violations
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .map(|v| {
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| format!("    {} {}", n["target"], n["html"]))
                .collect();
            format!(
                "{} ({}): {}\n{}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                nodes.join("\n")
            )
        })
        .collect()
}
