//! `gongkai letter`: the letter that fits a request written as DOCX and read back, with the
//! remedies of `[letters]` in `gongkai.toml`; an agency's template set, listed, shown and reset,
//! a broken one refused naming its line.
#![allow(clippy::unwrap_used)]

mod common;

use common::{gongkai_in as gongkai, ok, stderr};
use std::path::Path;
use std::process::Output;

const AGENCY: &str = "文书县交通运输局";

/// `gongkai letter WS-7` (of `kind`, else the fitting one) written to a file, its text as the
/// project's reader reads it.
fn letter(data: &Path, kind: Option<&str>) -> String {
    let out = data.join("letter.docx");
    let mut args = vec![
        "letter",
        "WS-7",
        "--agency",
        AGENCY,
        "-o",
        out.to_str().unwrap(),
    ];
    if let Some(kind) = kind {
        args.extend(["--kind", kind]);
    }
    ok(gongkai(data, &args));
    let bytes = std::fs::read(&out).unwrap();
    gongkai_reader::docx::parse(&bytes).unwrap().plain_text()
}

/// `gongkai letter template set reply-withheld` with a template of this text.
fn set_template(data: &Path, body: &str) -> Output {
    let file = data.join("template.txt");
    std::fs::write(&file, body).unwrap();
    let file = file.to_str().unwrap();
    let args = [
        "letter",
        "template",
        "set",
        "reply-withheld",
        "--agency",
        AGENCY,
        "--file",
        file,
    ];
    gongkai(data, &args)
}

#[test]
fn a_letter_follows_the_request_and_the_agency_template() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    std::fs::write(
        data.join("gongkai.toml"),
        "[letters]\nreconsideration_body = \"文书县人民政府\"\ncourt = \"文书县人民法院\"\n",
    )
    .unwrap();
    ok(gongkai(data, &["agency", "add", AGENCY]));
    ok(gongkai(
        data,
        &[
            "request",
            "add",
            "--agency",
            AGENCY,
            "--reference",
            "WS-7",
            "--applicant",
            "钱文书",
            "--kind",
            "自然人",
            "--channel",
            "当面",
            "--received",
            "2024-03-05",
            "--description",
            "某路段改造工程的立项批复",
        ],
    ));
    let text = letter(data, None);
    assert!(text.contains("政府信息公开申请登记回执"), "{text}");
    assert!(
        text.contains("钱文书") && text.contains("2024年3月5日"),
        "{text}"
    );

    ok(gongkai(
        data,
        &[
            "request",
            "event",
            "WS-7",
            "--agency",
            AGENCY,
            "--event",
            "decided",
            "--date",
            "2024-03-26",
            "--outcome",
            "属于国家秘密",
        ],
    ));
    let text = letter(data, None);
    for needle in [
        "钱文书",
        "2024年3月26日",
        "第十四条和第三十六条第（三）项",
        "向文书县人民政府申请行政复议",
        "向文书县人民法院提起行政诉讼",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }

    let refused = set_template(data, "# 告知书\n{% if applicant %}\n{{ applicant }}\n");
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("模板第 3 行有误"),
        "{}",
        stderr(&refused)
    );

    let own = "# 告知书\n> {{ applicant }}：\n本局决定：{{ outcome }}。\n";
    ok(set_template(data, own));
    let listed = ok(gongkai(
        data,
        &["letter", "template", "list", "--agency", AGENCY],
    ));
    let line = listed
        .lines()
        .find(|l| l.starts_with("reply-withheld"))
        .unwrap();
    assert!(line.contains("本机关模板"), "{listed}");
    assert_eq!(
        ok(gongkai(
            data,
            &[
                "letter",
                "template",
                "show",
                "reply-withheld",
                "--agency",
                AGENCY
            ],
        )),
        own
    );
    assert!(letter(data, None).contains("本局决定：属于国家秘密。"));
    // A named kind, whatever the state.
    assert!(letter(data, Some("receipt")).contains("登记回执"));
    let unknown = gongkai(
        data,
        &["letter", "WS-7", "--agency", AGENCY, "--kind", "memo"],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("未知的文书种类"),
        "{}",
        stderr(&unknown)
    );

    let reset = ok(gongkai(
        data,
        &[
            "letter",
            "template",
            "reset",
            "reply-withheld",
            "--agency",
            AGENCY,
        ],
    ));
    assert!(reset.contains("已恢复默认模板"), "{reset}");
    let shown = ok(gongkai(data, &["config", "show"]));
    assert!(shown.contains("court = \"文书县人民法院\""), "{shown}");
}
