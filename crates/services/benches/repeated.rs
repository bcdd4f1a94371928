//! Information asked for by several applicants (第四十四条): grouping a year of a county's
//! requests (`GONGKAI_BENCH_REQUESTS`, default 10,000; one in ten asks again for information
//! another applicant asked for, reworded) by 文号, title and near-identical jieba words.
//! Pure: no store; what `Ctx::repeated_requests` does after reading the requests.
//!
//! Run: `cargo bench -p gongkai-services --bench repeated`.
#![allow(clippy::unwrap_used)]

use gongkai_services::repeated::{Described, group};
use std::sync::LazyLock;

fn main() {
    divan::main();
}

/// Descriptions made of the words requests use: a place, a year, a subject, a kind of document.
static DESCRIPTIONS: LazyLock<Vec<(String, String)>> = LazyLock::new(|| {
    let n: usize = std::env::var("GONGKAI_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let places = [
        "城关镇",
        "河口镇",
        "新集乡",
        "王营镇",
        "马坝镇",
        "高良涧街道",
        "黄集街道",
    ];
    let subjects = [
        "土地征收补偿安置方案",
        "农村危房改造补助名单",
        "财政预算执行情况",
        "拆迁评估报告",
        "建设工程规划许可证",
        "环境影响评价批复",
        "道路改造工程立项批复",
        "低保户名单及发放标准",
        "招商引资合同",
        "河道整治工程验收报告",
    ];
    (0..n)
        .map(|i| {
            let place = places[i % places.len()];
            let subject = subjects[(i / 7) % subjects.len()];
            let year = 2015 + (i / 70) % 10;
            let text = if i % 10 == 9 {
                // A second applicant asking for the same information in other words.
                let j = i - 1;
                let (p, s, y) = (
                    places[j % places.len()],
                    subjects[(j / 7) % subjects.len()],
                    2015 + (j / 70) % 10,
                );
                format!("请提供{p}{y}年{s}全文")
            } else {
                format!("申请公开{place}{year}年{subject}（第{i}号）")
            };
            (format!("申请人{i}"), text)
        })
        .collect()
});

#[divan::bench]
fn group_a_year(bencher: divan::Bencher) {
    let described: Vec<Described<'_>> = DESCRIPTIONS
        .iter()
        .map(|(a, d)| Described {
            applicant: a,
            description: d,
        })
        .collect();
    bencher.bench_local(|| group(&described, &[]));
}
