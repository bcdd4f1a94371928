#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Saved article pages of government portals (fixtures modelled on the 国务院 policy library,
//! a TRS WCM county portal saved in GBK, a Hanweb 大汉 table with comment-wrapped values, and a
//! `<dl>` layout without 索引号).

use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use gongkai_catalogue::{DocNumber, Validity};
use gongkai_catalogue_import::{PageReport, ReadOptions, read_page, read_pages};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn options() -> ReadOptions {
    ReadOptions::new(d(2024, 6, 30))
}

fn resolve(name: &str) -> Option<AgencyId> {
    match name {
        "国务院办公厅" => Some(AgencyId(1)),
        "盐湖区人民政府办公室" => Some(AgencyId(2)),
        "无锡市锡山区人民政府" => Some(AgencyId(3)),
        _ => None,
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/pages/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The TRS fixture is kept as UTF-8 text for review and encoded as the portal serves it.
fn gbk_fixture() -> Vec<u8> {
    let text = String::from_utf8(fixture("trs-list-gbk.html")).unwrap();
    let (bytes, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be valid UTF-8"
    );
    bytes.into_owned()
}

fn field<'a>(r: &'a PageReport, column: &str) -> Option<(&'a str, &'a str)> {
    r.found
        .iter()
        .find(|f| f.column == column)
        .map(|f| (f.source.as_str(), f.value.as_str()))
}

#[test]
fn the_state_council_policy_library_layout() {
    let r = read_page(
        "govcn.html",
        &fixture("govcn-policy.html"),
        &options(),
        &resolve,
    );
    assert!(r.problems.is_empty(), "{r}");
    assert_eq!(r.encoding, "UTF-8");
    let doc = &r.document.as_ref().unwrap().document;
    assert_eq!(doc.index_number.raw, "000014349/2020-00036");
    assert_eq!(
        doc.title,
        "国务院办公厅关于进一步加强政务公开标准化规范化建设的意见"
    );
    assert_eq!(doc.agency, AgencyId(1));
    assert_eq!(doc.doc_number, DocNumber::parse("国办发〔2020〕7号"));
    assert_eq!(doc.written, Some(d(2020, 3, 5)));
    assert_eq!(doc.published, d(2020, 3, 10));
    assert_eq!(doc.topic, "综合政务\\政务公开");
    assert_eq!(doc.validity, Validity::InForce);
    // The labels were `索　引　号：` in a `<b>` inside the cell.
    assert_eq!(field(&r, "索引号").unwrap().0, "索引号");
    assert_eq!(field(&r, "正文").unwrap().0, "#UCAP-CONTENT");
    assert!(doc.body_text.starts_with("国务院办公厅关于进一步加强政务公开标准化规范化建设的意见\n国办发〔2020〕7号\n各省、自治区"), "{}", doc.body_text);
    assert!(
        doc.body_text.ends_with("国务院办公厅\n2020年3月5日"),
        "{}",
        doc.body_text
    );
    assert!(!doc.body_html.contains("script"), "{}", doc.body_html);
    assert!(!doc.body_html.contains("style="), "{}", doc.body_html);
    assert_eq!(r.missing, ["体裁", "有效性", "公开方式", "公开范围"]);
}

#[test]
fn a_trs_list_layout_saved_in_gbk() {
    let r = read_page("trs.html", &gbk_fixture(), &options(), &resolve);
    assert!(r.problems.is_empty(), "{r}");
    assert_eq!(r.encoding, "GBK");
    let doc = &r.document.as_ref().unwrap().document;
    assert_eq!(doc.index_number.raw, "11140802MB1962461X/2021-00217");
    assert_eq!(
        doc.title,
        "运城市盐湖区人民政府办公室关于印发盐湖区政府信息公开申请办理工作规程的通知"
    );
    // `名称：` in the list is the title; 生成日期 stands for 成文日期 when nothing better is there.
    assert_eq!(field(&r, "信息名称").unwrap().0, "名称");
    assert_eq!(field(&r, "成文日期").unwrap(), ("生成日期", "2021-06-11"));
    assert_eq!(doc.written, Some(d(2021, 6, 11)));
    // No 发布日期 label in the block: `发布时间：2021-06-18　来源：…` above the article gives it,
    // cut before 来源.
    assert_eq!(field(&r, "发布日期").unwrap(), ("发布时间", "2021-06-18"));
    assert_eq!(doc.published, d(2021, 6, 18));
    assert_eq!(doc.doc_number, DocNumber::parse("盐政办发〔2021〕18号"));
    assert_eq!(doc.agency, AgencyId(2));
    assert_eq!(doc.topic, "政务公开");
    assert_eq!(doc.genre, "通知");
    assert_eq!(doc.method, "主动公开");
    assert_eq!(doc.scope, "面向社会");
    assert!(
        doc.body_text
            .starts_with("各乡（镇）人民政府、街道办事处，区直各有关单位：\n"),
        "{}",
        doc.body_text
    );
    assert!(
        doc.body_text
            .contains("第二条 本规程自2021年7月1日起施行。"),
        "{}",
        doc.body_text
    );
    assert!(
        !doc.body_text.contains("TRS_Editor P"),
        "the style element leaked: {}",
        doc.body_text
    );
    assert!(
        doc.body_html.contains(r#"<p align="right">"#),
        "{}",
        doc.body_html
    );
    assert!(r.missing.is_empty(), "{:?}", r.missing);
}

#[test]
fn a_hanweb_table_with_comment_wrapped_values_and_a_repeal() {
    let r = read_page(
        "hanweb.html",
        &fixture("hanweb-table.html"),
        &options(),
        &resolve,
    );
    assert!(r.problems.is_empty(), "{r}");
    let doc = &r.document.as_ref().unwrap().document;
    assert_eq!(doc.index_number.raw, "014034703/2023-01127");
    assert_eq!(field(&r, "索引号").unwrap().0, "信息索引号");
    assert_eq!(doc.written, Some(d(2023, 12, 15)));
    assert_eq!(doc.published, d(2023, 12, 20));
    assert_eq!(doc.doc_number, DocNumber::parse("锡府规〔2023〕5号"));
    assert_eq!(
        doc.validity,
        Validity::Repealed {
            on: d(2023, 12, 31),
            by: None
        }
    );
    // The title comes from `<meta name="ArticleTitle">` (the block has none); the table of
    // repealed documents inside the article is not read as metadata.
    assert_eq!(
        field(&r, "信息名称").unwrap().0,
        "<meta name=\"ArticleTitle\">"
    );
    assert_eq!(
        doc.title,
        "无锡市锡山区人民政府关于废止部分区政府规范性文件的决定"
    );
    assert!(
        doc.body_text
            .contains("序号文件名称文号\n1锡山区农村集体资产管理办法锡府规〔2018〕2号"),
        "{}",
        doc.body_text
    );
    assert!(r.missing.contains(&"主题分类"));
}

#[test]
fn a_page_without_index_number_is_reported_not_imported() {
    let r = read_page(
        "dl.html",
        &fixture("dl-no-index.html"),
        &options(),
        &resolve,
    );
    assert!(!r.importable());
    assert_eq!(r.problems, ["页面上没有索引号"]);
    // What was read is still reported.
    assert_eq!(field(&r, "发布日期").unwrap(), ("发布日期", "2023年7月5日"));
    assert_eq!(field(&r, "成文日期").unwrap(), ("成文日期", "2023年7月3日"));
    assert_eq!(
        field(&r, "信息名称").unwrap(),
        ("<h1>", "盐湖区2023年第二季度政务公开工作简报")
    );
    assert_eq!(field(&r, "正文").unwrap().0, ".article-content");
    assert!(r.missing.contains(&"索引号"));
    assert!(
        r.to_string()
            .starts_with("dl.html（UTF-8）：不能导入：页面上没有索引号；已读取："),
        "{r}"
    );
}

#[test]
fn read_pages_numbers_documents_and_refuses_a_repeated_index_number() {
    let files = vec![
        ("a.html".to_string(), fixture("govcn-policy.html")),
        ("b.html".to_string(), fixture("dl-no-index.html")),
        ("c.html".to_string(), gbk_fixture()),
        ("d.html".to_string(), fixture("govcn-policy.html")),
    ];
    let (docs, reports) = read_pages(files, &options(), &resolve);
    assert_eq!(docs.iter().map(|d| d.row).collect::<Vec<_>>(), [1, 3]);
    assert_eq!(reports.len(), 4);
    assert!(!reports[3].importable());
    assert_eq!(
        reports[3].problems,
        ["索引号“000014349/2020-00036”与 a.html 重复"]
    );
}

#[test]
fn unknown_agencies_missing_dates_and_hostile_input() {
    let page = fixture("govcn-policy.html");
    let r = read_page("x.html", &page, &options(), &|_| None);
    assert_eq!(r.problems, ["未登记的发布机构“国务院办公厅”"]);
    let text = String::from_utf8(page)
        .unwrap()
        .replace("2020年03月10日", "2020年13月10日");
    let r = read_page("x.html", text.as_bytes(), &options(), &resolve);
    assert_eq!(r.problems, ["无法识别的发布日期“2020年13月10日”"]);
    let mut o = options();
    o.today = d(2020, 3, 9);
    let r = read_page("x.html", &fixture("govcn-policy.html"), &o, &resolve);
    assert_eq!(
        r.problems,
        ["发布日期：日期 2020-03-10 晚于今天（2020-03-09）"]
    );
    // Nothing that looks like a page: a report, not a panic.
    for bytes in [&b""[..], b"\xff\xfe\x00", &[0u8; 64][..], b"<div><td>"] {
        let r = read_page("junk", bytes, &options(), &resolve);
        assert!(!r.importable());
        assert!(r.problems.contains(&"页面上没有索引号".to_string()), "{r}");
    }
    // Deep nesting is refused before the parser spends seconds on it.
    let deep = "<div>".repeat(50_000) + "索引号：1" + &"</div>".repeat(50_000);
    let started = std::time::Instant::now();
    let r = read_page("deep", deep.as_bytes(), &options(), &resolve);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(
        r.problems,
        ["页面标签嵌套过深（50000 层，最多 2000 层），不是正常的文章页面"]
    );
    let deep = "<div>".repeat(1_900) + "索引号：1" + &"</div>".repeat(1_900);
    let r = read_page("deep", deep.as_bytes(), &options(), &resolve);
    assert!(
        r.problems.contains(&"页面上没有发布日期".to_string()),
        "{r}"
    );
}
