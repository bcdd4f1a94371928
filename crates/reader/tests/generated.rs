//! Reports rendered by `gongkai-render` and degraded like real pages are read back cell for
//! cell; and no input makes the reader panic.
#![allow(clippy::unwrap_used)]

use gongkai_render::{Target, render};
use gongkai_report::template::{self, CellKind, Format};
use gongkai_report::{CellKey, Report, Section, Value};
use proptest::prelude::*;
use rust_decimal::Decimal;

const AGENCIES: &[&str] = &[
    "盐湖区人民政府办公室",
    "沭阳县发展和改革局",
    "平潭综合实验区",
    "上海市人民政府办公厅",
    "某某市生态环境局",
];

#[derive(Debug, Clone)]
struct Spec {
    format: Format,
    year: i32,
    agency: usize,
    seeds: Vec<u32>,
    nulls: Vec<bool>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (any::<bool>(), 0..5usize, 0..3i32).prop_flat_map(|(new, agency, dy)| {
        let format = if new { Format::F2021 } else { Format::F2019 };
        let year = if new { 2021 + dy * 2 } else { 2019 + dy.min(1) };
        let n = template::cells(format).len();
        (
            prop::collection::vec(any::<u32>(), n),
            prop::collection::vec(prop::bool::weighted(0.1), n),
        )
            .prop_map(move |(seeds, nulls)| Spec {
                format,
                year,
                agency,
                seeds,
                nulls,
            })
    })
}

/// A full report (every cell a figure) and the zero cells that a degraded page prints as `/`.
fn build(spec: &Spec) -> (Report, Vec<CellKey>) {
    let mut r = Report::blank(spec.format, spec.year, AGENCIES[spec.agency]);
    r.preamble = "根据《中华人民共和国政府信息公开条例》要求，现公布本年度报告。".into();
    for (i, s) in Section::ALL.iter().enumerate() {
        r.set_section(*s, format!("第{}部分的内容。", i + 1));
    }
    let mut slashed = Vec::new();
    for (i, key) in template::cells(spec.format).into_iter().enumerate() {
        let seed = spec.seeds[i];
        let v = match key.kind() {
            CellKind::Count if seed.is_multiple_of(3) => Value::Int(0),
            CellKind::Count => Value::Int(i64::from(seed % 20_000)),
            CellKind::SignedCount => Value::Int(i64::from(seed % 41) - 20),
            CellKind::Money(_) => {
                Value::Money(Decimal::new(i64::from(seed % 100_000_000), 2).normalize())
            }
        };
        r.set(key, Some(v)).unwrap();
        if spec.nulls[i] && v == Value::Int(0) && key.kind() == CellKind::Count {
            slashed.push(key);
        }
    }
    (r, slashed)
}

fn check(got: &Report, want: &Report, what: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.format, want.format, "{}", what);
    prop_assert_eq!(got.year, want.year, "{}", what);
    prop_assert_eq!(&got.agency, &want.agency, "{}", what);
    for key in want.cell_keys() {
        prop_assert_eq!(got.get(key), want.get(key), "{} {}", what, key);
    }
    prop_assert_eq!(got.cell_keys(), want.cell_keys(), "{}", what);
    Ok(())
}

fn render_str(r: &Report, t: Target) -> String {
    String::from_utf8(render(r, &[], t).unwrap()).unwrap()
}

/// Half-width brackets and stray spaces inside labels.
fn drift(s: &str) -> String {
    s.replace('（', "(")
        .replace('）', ")")
        .replace("商业企业", "商业 企业")
        .replace("不予公开", "不予 公开")
        .replace("国家秘密", "国家 秘密")
        .replace("结果维持", "结果\n维持")
}

/// Removes every `rowspan`/`colspan`: merged cells flattened.
fn flatten(s: &str) -> String {
    let mut out = s.to_owned();
    for attr in ["rowspan", "colspan"] {
        for n in (2..=40).rev() {
            out = out.replace(&format!(" {attr}=\"{n}\""), "");
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn rendered_and_degraded_reports_are_read_back(spec in spec(), flat in any::<bool>(), gbk in any::<bool>()) {
        let (full, slashed) = build(&spec);
        let mut with_nulls = full.clone();
        for &k in &slashed {
            with_nulls.set(k, None).unwrap();
        }

        // HTML: `/` for the null cells, drifting labels, maybe flattened spans, maybe GBK.
        let mut html = render_str(&with_nulls, Target::Html);
        for &k in &slashed {
            html = html.replace(&format!("data-cell=\"{k}\"></td>"), &format!("data-cell=\"{k}\">/</td>"));
        }
        let mut html = drift(&html);
        if flat {
            html = flatten(&html);
        }
        let bytes = if gbk {
            let html = html.replace("<meta charset=\"utf-8\">", "<meta charset=\"gbk\">");
            encoding_rs::GBK.encode(&html).0.into_owned()
        } else {
            html.into_bytes()
        };
        let got = gongkai_reader::read(&bytes).unwrap();
        check(&got.report, &with_nulls, "html")?;
        prop_assert_eq!(got.completeness().found, got.completeness().total);

        // Markdown: blank cells for nulls, half-width brackets.
        let md = drift(&render_str(&with_nulls, Target::Markdown));
        let got = gongkai_reader::read(md.as_bytes()).unwrap();
        prop_assert_eq!(got.kind, gongkai_reader::InputKind::Markdown);
        check(&got.report, &with_nulls, "md")?;

        // Aligned text, blank cells for nulls, half-width brackets retyped after alignment.
        let txt = render_str(&with_nulls, Target::Text).replace('（', "(").replace('）', ")");
        let got = gongkai_reader::read(txt.as_bytes()).unwrap();
        check(&got.report, &with_nulls, "txt")?;
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        let _ = gongkai_reader::read(&bytes);
        let _ = gongkai_reader::sniff(&bytes);
    }

    #[test]
    fn mutated_seed_never_panics(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..40)) {
        let mut bytes = include_bytes!("../../../fixtures/reports/yanhu-2020.txt").to_vec();
        for (at, b, op) in edits {
            if bytes.is_empty() { break; }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = b,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, b),
            }
        }
        let _ = gongkai_reader::read(&bytes);
    }

    #[test]
    fn mutated_html_never_panics(edits in prop::collection::vec((any::<prop::sample::Index>(), "[<>/\"=a-z0-9 \\t\\n一二三（）|]{0,6}"), 1..20)) {
        let mut s = include_str!("../../../fixtures/reports/shuyang-fgj-2023.html").to_owned();
        for (at, ins) in edits {
            let mut i = at.index(s.len());
            while !s.is_char_boundary(i) { i -= 1; }
            s.insert_str(i, &ins);
        }
        let _ = gongkai_reader::read(s.as_bytes());
        let md = format!("{}\n| 1 | 2 |\n|---|\n{}", s, "\t\n\t/\n");
        let _ = gongkai_reader::read(md.as_bytes());
    }
}
