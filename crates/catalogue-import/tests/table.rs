#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The catalogue template and tables: reading back what is written, CMS exports through a
//! header mapping, every class of error with its row and column, dates, encodings.

use std::io::Read;

use chrono::NaiveDate;
use gongkai_cases::AgencyId;
use gongkai_catalogue::body::{Body, sanitise};
use gongkai_catalogue::{Category, DocNumber, IndexNumber, Item, NewDocument, Validity};
use gongkai_catalogue_import::{
    ExportRow, HEADERS, HeaderMapping, ImportErrors, ImportedDocument, ReadOptions, TableKind,
    read_table, template, write_table, write_table_csv,
};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: (i32, u32, u32) = (2024, 6, 30);

fn options() -> ReadOptions {
    ReadOptions::new(d(TODAY.0, TODAY.1, TODAY.2))
}

const AGENCIES: [&str; 3] = ["盐湖区人民政府办公室", "盐湖区自然资源局", "盐湖区教育局"];

fn resolve(name: &str) -> Option<AgencyId> {
    AGENCIES
        .iter()
        .position(|a| *a == name)
        .map(|i| AgencyId(i64::try_from(i).unwrap() + 1))
}

fn agency_name(id: AgencyId) -> &'static str {
    AGENCIES[usize::try_from(id.0 - 1).unwrap()]
}

fn read(bytes: &[u8], kind: TableKind) -> Result<Vec<ImportedDocument>, ImportErrors> {
    read_table(bytes, kind, &options(), &resolve)
}

fn doc(index: &str, title: &str) -> NewDocument {
    let body = stored(&Body::from_text(
        "第一条　为规范管理，制定本办法。\n第二条　本办法自印发之日起施行。",
    ));
    NewDocument {
        agency: AgencyId(1),
        index_number: IndexNumber::parse(index),
        title: title.to_string(),
        doc_number: DocNumber::parse("盐政办发〔2020〕12号"),
        written: Some(d(2020, 3, 5)),
        published: d(2020, 3, 10),
        category: Some(Category::NormativeDocument),
        item: Some(Item::Article20(1)),
        topic: "综合政务".into(),
        genre: "通知".into(),
        method: "政府网站".into(),
        scope: "面向社会".into(),
        validity: Validity::InForce,
        interprets: None,
        body_html: body.html,
        body_text: body.text,
        attachments: Vec::new(),
        items: Vec::new(),
        channels: Vec::new(),
    }
}

/// A body as the store keeps it: sanitised HTML (ammonia writes `'` where `Body::from_text`
/// writes `&#39;`).
fn stored(body: &Body) -> Body {
    let s = sanitise(&body.html);
    assert_eq!(s.text, body.text);
    s
}

fn rows_of(docs: &[(NewDocument, Option<String>)]) -> Vec<ExportRow<'_>> {
    docs.iter()
        .map(|(doc, interprets)| ExportRow {
            agency: agency_name(doc.agency),
            document: doc,
            interprets_index: interprets.as_deref(),
        })
        .collect()
}

/// The sheet names of an XLSX file and the XML of a part, for what calamine cannot show.
fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_blank_template_has_the_columns_lists_and_instructions_and_reads_back_empty() {
    use calamine::{Reader, Xlsx};
    let bytes = template().unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["目录", "说明", "选项"]);
    let sheet = wb.worksheet_range("目录").unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(header, HEADERS);
    assert_eq!(
        &HEADERS[..13],
        [
            "索引号",
            "信息名称",
            "发布机构",
            "文号",
            "成文日期",
            "发布日期",
            "类别",
            "第二十条项目",
            "主题分类",
            "体裁",
            "有效性",
            "废止日期",
            "正文"
        ]
    );
    // 说明 explains every column and ends with an example row under the headers.
    let help = wb.worksheet_range("说明").unwrap();
    let text: Vec<Vec<String>> = help
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    for h in HEADERS {
        assert!(text.iter().any(|r| r[0] == h), "{h} not explained");
    }
    let last = text.last().unwrap();
    assert_eq!(last[0], "11140802MB1962461X/2020-00123");
    assert_eq!(last[6], "规范性文件");
    // The drop-downs: 类别, 第二十条项目 (15 items), 有效性, and three date checks.
    let sheet1 = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    assert_eq!(sheet1.matches("<dataValidation ").count(), 6, "{sheet1}");
    assert!(sheet1.contains("'选项'!$B$2:$B$16"), "{sheet1}");
    let options = wb.worksheet_range("选项").unwrap();
    let items: Vec<String> = options.rows().skip(1).map(|r| r[1].to_string()).collect();
    assert_eq!(items[0], "第二十条第（一）项");
    assert_eq!(items[14], "第二十条第（十五）项");
    assert!(xlsx_part(&bytes, "xl/workbook.xml").contains("state=\"hidden\""));

    assert_eq!(read(&bytes, TableKind::Xlsx).unwrap(), Vec::new());
}

#[test]
fn a_filled_table_reads_back_the_same_documents_from_xlsx_and_csv() {
    let mut repealed = doc(
        "11140802MB1962461X/2018-00007",
        "盐湖区农村集体资产管理办法",
    );
    repealed.validity = Validity::Repealed {
        on: d(2023, 12, 31),
        by: None,
    };
    repealed.agency = AgencyId(2);
    repealed.category = Some(Category::Regulation);
    let mut expired = doc(
        "11140802MB1962461X/2019-00011",
        "关于开展2019年春季植树活动的通知",
    );
    expired.validity = Validity::Expired { on: d(2019, 6, 1) };
    expired.category = None;
    expired.item = Some(Item::Article21("农村危房改造".into()));
    expired.doc_number = None;
    expired.written = None;
    let mut html = doc(
        "11140802MB1962461X/2020-00124",
        "=HYPERLINK(\"x\")《工作方案》政策解读",
    );
    let body = sanitise(
        "<p>一、<strong>起草背景</strong></p><table><tr><td>项目</td><td>数量</td></tr></table>",
    );
    assert_eq!(body.text, "一、起草背景\n项目数量");
    html.body_html = body.html;
    html.body_text = body.text;
    html.genre = "解读".into();
    html.category = None;
    html.item = None;
    let mut linked = doc(
        "11140802MB1962461X/2020-00123",
        "关于印发《盐湖区全面推进基层政务公开标准化规范化工作方案》的通知",
    );
    linked.items = vec!["政策文件".to_string(), "ZC-02".to_string()];
    linked.channels = vec!["盐湖区人民政府网站".to_string(), "盐湖发布".to_string()];
    let docs = vec![
        (linked, None),
        (repealed, None),
        (expired, None),
        (html, Some("11140802MB1962461X/2020-00123".to_string())),
    ];
    let rows = rows_of(&docs);
    for (kind, bytes) in [
        (TableKind::Xlsx, write_table(&rows).unwrap()),
        (TableKind::Csv, write_table_csv(&rows).unwrap()),
    ] {
        let back = read(&bytes, kind).unwrap();
        assert_eq!(back.len(), docs.len(), "{kind:?}");
        for (i, (got, (want, interprets))) in back.iter().zip(&docs).enumerate() {
            assert_eq!(got.row, i + 2, "{kind:?}");
            assert_eq!(&got.document, want, "{kind:?}");
            assert_eq!(&got.interprets_index, interprets, "{kind:?}");
        }
    }
    // The formula-like title is guarded in the CSV.
    let csv = String::from_utf8(write_table_csv(&rows).unwrap()).unwrap();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
}

fn arb_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(vec![
            "政务",
            "公开",
            "关于",
            "印发",
            "通知",
            "盐湖区",
            "（",
            "）",
            "《",
            "》",
            "2020",
            "年度",
            "工作",
            "方案",
            "第一条",
            "a",
            "&",
            "<",
            "=",
            "-",
            "'",
        ]),
        1..max,
    )
    .prop_map(|w| w.concat())
}

fn arb_date() -> impl Strategy<Value = NaiveDate> {
    (1949i32..=2023, 1u32..=12, 1u32..=28).prop_map(|(y, m, day)| d(y, m, day))
}

prop_compose! {
    fn arb_doc()(
        seq in 1u32..99_999,
        year in 1990i32..=2024,
        title in arb_text(12),
        agency in 1i64..=3,
        number in proptest::option::of((1u32..999, 1990i32..=2024)),
        written in arb_date(),
        delay in 0u64..400,
        category in proptest::option::of(prop::sample::select(vec![Category::Regulation, Category::NormativeDocument])),
        item in proptest::option::of(prop_oneof![(1u8..=15).prop_map(Item::Article20), Just(Item::Article21("农村危房改造".into()))]),
        topic in arb_text(4),
        validity in 0u8..3,
        lines in proptest::collection::vec(arb_text(8), 0..4),
    ) -> NewDocument {
        let published = written
            .checked_add_days(chrono::Days::new(delay))
            .filter(|p| *p <= d(TODAY.0, TODAY.1, TODAY.2))
            .unwrap_or(written);
        let validity = match validity {
            0 => Validity::InForce,
            1 => Validity::Expired { on: published },
            _ => Validity::Repealed { on: published, by: None },
        };
        let body = stored(&Body::from_text(&lines.join("\n")));
        NewDocument {
            agency: AgencyId(agency),
            index_number: IndexNumber::parse(&format!("11140802MB1962461X/{year}-{seq:05}")),
            title,
            doc_number: number.and_then(|(n, y)| DocNumber::parse(&format!("盐政发〔{y}〕{n}号"))),
            written: Some(written),
            published,
            category,
            item,
            topic,
            genre: "通知".into(),
            method: String::new(),
            scope: String::new(),
            validity,
            interprets: None,
            body_html: body.html,
            body_text: body.text,
            attachments: Vec::new(),
            items: Vec::new(),
            channels: Vec::new(),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_documents_round_trip(docs in proptest::collection::vec(arb_doc(), 0..8)) {
        let mut docs = docs;
        let mut seen = std::collections::HashSet::new();
        docs.retain(|d| seen.insert(d.index_number.key()));
        let docs: Vec<(NewDocument, Option<String>)> =
            docs.into_iter().map(|d| (d, None)).collect();
        let rows = rows_of(&docs);
        for (kind, bytes) in [
            (TableKind::Xlsx, write_table(&rows).unwrap()),
            (TableKind::Csv, write_table_csv(&rows).unwrap()),
        ] {
            let back = read(&bytes, kind).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: Vec<NewDocument> = back.into_iter().map(|d| d.document).collect();
            let want: Vec<NewDocument> = docs.iter().map(|d| d.0.clone()).collect();
            prop_assert_eq!(back, want);
        }
    }
}

/// A CSV table with the template's headers and the given rows (cells in header order).
fn csv(rows: &[&[&str]]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADERS).unwrap();
    for r in rows {
        let mut cells: Vec<&str> = r.to_vec();
        cells.resize(HEADERS.len(), "");
        w.write_record(&cells).unwrap();
    }
    w.into_inner().unwrap()
}

const GOOD: [&str; 13] = [
    "11140802MB1962461X/2020-00123",
    "关于印发《盐湖区工作方案》的通知",
    "盐湖区人民政府办公室",
    "盐政办发〔2020〕12号",
    "2020-03-05",
    "2020-03-10",
    "规范性文件",
    "第二十条第（一）项",
    "综合政务",
    "通知",
    "有效",
    "",
    "正文",
];

fn with(changes: &[(usize, &'static str)]) -> Vec<&'static str> {
    let mut r = GOOD.to_vec();
    for (i, v) in changes {
        r[*i] = v;
    }
    r
}

#[test]
fn every_error_is_reported_with_its_row_and_column_and_nothing_is_returned() {
    let rows: Vec<Vec<&str>> = vec![
        GOOD.to_vec(),                                                    // row 2: fine
        with(&[(0, "")]),                                                 // 3: 索引号 missing
        with(&[(0, "11140802MB1962461X/2020-00125"), (1, "")]),           // 4: 信息名称 missing
        with(&[(0, "11140802MB1962461X/2020-00126"), (5, "")]),           // 5: 发布日期 missing
        with(&[(0, "11140802MB1962461X/2020-00127"), (4, "2020-13-05")]), // 6: bad date
        with(&[(0, "11140802MB1962461X/2020-00128"), (6, "红头文件")]),   // 7: 类别
        with(&[(0, "11140802MB1962461X/2020-00129"), (10, "部分有效")]),  // 8: 有效性
        with(&[
            (0, "11140802MB1962461X/2020-00130"),
            (7, "第二十条第（十六）项"),
        ]), // 9: item
        with(&[(0, "11140802MB1962461X/2020-00131"), (10, "废止")]),      // 10: no 废止日期
        with(&[(0, "11140802MB1962461X/2020-00132"), (2, "盐湖区财政局")]), // 11: unknown agency
        with(&[(0, "11140802MB1962461X/2020-00133"), (2, "")]),           // 12: no default agency
        with(&[(0, "11140802MB1962461X/2020-00134"), (5, "2024-07-01")]), // 13: after today
        with(&[(0, "11140802MB1962461X/2020-00135"), (4, "1948-12-31")]), // 14: before 1949
        with(&[(0, "11140802MB1962461X / 2020-00123")]),                  // 15: duplicate
        with(&[(0, "11140802MB1962461X/2020-00136"), (4, "2020-03-11")]), // 16: written after published
    ];
    let refs: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    let e = read(&csv(&refs), TableKind::Csv).unwrap_err();
    let got: Vec<(Option<u32>, Option<&str>)> = e
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(3), Some("索引号")),
            (Some(4), Some("信息名称")),
            (Some(5), Some("发布日期")),
            (Some(6), Some("成文日期")),
            (Some(7), Some("类别")),
            (Some(8), Some("有效性")),
            (Some(9), Some("第二十条项目")),
            (Some(10), Some("废止日期")),
            (Some(11), Some("发布机构")),
            (Some(12), Some("发布机构")),
            (Some(13), Some("发布日期")),
            (Some(14), Some("成文日期")),
            (Some(15), Some("索引号")),
            (Some(16), Some("成文日期")),
        ],
        "{e}"
    );
    assert_eq!(e.total, 14);
    let text = e.to_string();
    for needle in [
        "第3行“索引号”：必须填写索引号",
        "第6行“成文日期”：无法识别的日期“2020-13-05”",
        "第7行“类别”：无法识别的类别“红头文件”",
        "第10行“废止日期”：有效性为“废止”时必须填写废止日期",
        "第11行“发布机构”：未登记的机关“盐湖区财政局”",
        "第13行“发布日期”：日期 2024-07-01 晚于今天（2024-06-30）",
        "第14行“成文日期”：日期 1948-12-31 早于 1949 年",
        "第15行“索引号”：索引号“11140802MB1962461X / 2020-00123”与第2行重复",
        "第16行“成文日期”：成文日期 2020-03-11 晚于发布日期 2020-03-10",
    ] {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
}

#[test]
fn the_default_agency_fills_empty_cells_and_errors_are_capped() {
    let mut o = options();
    o.default_agency = Some("盐湖区教育局".into());
    let row = with(&[(2, "")]);
    let docs = read_table(&csv(&[&row]), TableKind::Csv, &o, &resolve).unwrap();
    assert_eq!(docs[0].document.agency, AgencyId(3));

    let bad: Vec<Vec<&str>> = (0..150).map(|_| with(&[(6, "红头文件")])).collect();
    let refs: Vec<&[&str]> = bad.iter().map(Vec::as_slice).collect();
    let e = read(&csv(&refs), TableKind::Csv).unwrap_err();
    assert_eq!(e.total, 150);
    assert_eq!(e.errors.len(), 100);
    assert_eq!(e.errors[99].row, Some(101));
    assert!(
        e.to_string()
            .ends_with("……另有 50 处错误未列出（共 150 处）")
    );
}

#[test]
fn missing_columns_and_files_without_a_header() {
    let e = read(
        "信息名称,发布机构\n关于…的通知,盐湖区教育局\n".as_bytes(),
        TableKind::Csv,
    )
    .unwrap_err();
    assert_eq!(e.errors[0].row, Some(1));
    assert_eq!(e.errors[0].message, "缺少必填列：“索引号”、“发布日期”");
    let e = read("a,b\n1,2\n".as_bytes(), TableKind::Csv).unwrap_err();
    assert!(e.errors[0].message.starts_with("找不到表头"), "{e}");
    let e = read(b"not an xlsx", TableKind::Xlsx).unwrap_err();
    assert!(e.errors[0].message.starts_with("无法读取 XLSX 文件"), "{e}");
}

/// A CMS export (as a 政府信息公开平台 writes it): its own column names and order, a title row
/// above the header, columns the catalogue does not have, dates with times, GBK.
const CMS_EXPORT: &str = "\
盐湖区政府信息公开目录导出（2024-06-28）,,,,,,,,,
序号,标题,发文字号,所属机构,发文日期,发布时间,信息分类,时效性,点击量,内容
1,关于印发《盐湖区全面推进基层政务公开标准化规范化工作方案》的通知,盐政办发[2020]12号,盐湖区人民政府办公室,2020年3月5日,2020-03-10 10:22:00,综合政务,有效,1021,<p>各乡（镇）人民政府：</p><p>现将方案印发给你们。</p>
2,盐湖区自然资源局2023年政府信息公开工作年度报告,,盐湖区自然资源局,20240115,2024/1/20,年度报告,,88,一、总体情况
3,盐湖区农村集体资产管理办法,盐政发〔2018〕2号,盐湖区人民政府办公室,2018.5.2,2018-05-08,农业农村,已废止,45,
";

#[test]
fn a_cms_export_is_read_through_the_builtin_mapping_and_gbk() {
    let (gbk, _, bad) = encoding_rs::GBK.encode(CMS_EXPORT);
    assert!(!bad);
    // Without a 索引号 column it cannot be a catalogue: the user maps 序号 onto it.
    let e = read(&gbk, TableKind::Csv).unwrap_err();
    assert_eq!(e.errors[0].message, "缺少必填列：“索引号”", "{e}");
    let mut o = options();
    o.mapping = HeaderMapping::parse("序号=索引号").unwrap();
    let e = read_table(&gbk, TableKind::Csv, &o, &resolve).unwrap_err();
    // Row 5 is 已废止 without a date: the error names the file's column and the template's.
    assert_eq!(e.errors.len(), 1, "{e}");
    assert_eq!(e.errors[0].row, Some(5));
    assert_eq!(e.errors[0].column.as_deref(), Some("废止日期"));
    let fixed = CMS_EXPORT.replace(",已废止,45,", ",已废止,45,,2023-12-31");
    let fixed = fixed.replace(",点击量,内容", ",点击量,内容,失效日期");
    let (gbk, _, _) = encoding_rs::GBK.encode(&fixed);
    let docs = read_table(&gbk, TableKind::Csv, &o, &resolve).unwrap();
    assert_eq!(docs.len(), 3);
    let first = &docs[0];
    assert_eq!(first.row, 3);
    assert_eq!(first.document.index_number.raw, "1");
    assert_eq!(
        first.document.title,
        "关于印发《盐湖区全面推进基层政务公开标准化规范化工作方案》的通知"
    );
    assert_eq!(
        first.document.doc_number,
        DocNumber::parse("盐政办发〔2020〕12号")
    );
    assert_eq!(first.document.written, Some(d(2020, 3, 5)));
    assert_eq!(first.document.published, d(2020, 3, 10));
    assert_eq!(first.document.topic, "综合政务");
    assert_eq!(
        first.document.body_text,
        "各乡（镇）人民政府：\n现将方案印发给你们。"
    );
    assert_eq!(docs[1].document.agency, AgencyId(2));
    assert_eq!(docs[1].document.written, Some(d(2024, 1, 15)));
    assert_eq!(docs[1].document.validity, Validity::InForce);
    assert_eq!(docs[1].document.body_html, "<p>一、总体情况</p>\n");
    assert_eq!(
        docs[2].document.validity,
        Validity::Repealed {
            on: d(2023, 12, 31),
            by: None
        }
    );
}

#[test]
fn two_columns_for_one_field_must_be_resolved_by_the_mapping() {
    let text =
        "索引号,标题,生成日期,发文日期,发布日期\nA-1,通知,2020-03-01,2020-03-05,2020-03-10\n";
    let e = read(text.as_bytes(), TableKind::Csv).unwrap_err();
    assert!(
        e.errors[0]
            .message
            .contains("表头“生成日期”和“发文日期”都对应“成文日期”"),
        "{e}"
    );
    let mut o = options();
    o.mapping = HeaderMapping::parse("生成日期=").unwrap();
    let docs = read_table(text.as_bytes(), TableKind::Csv, &o, &resolve).unwrap_err();
    // Now the only problem left: no 发布机构 and no default agency.
    assert_eq!(docs.errors[0].column.as_deref(), Some("发布机构"));
    o.default_agency = Some("盐湖区教育局".into());
    let docs = read_table(text.as_bytes(), TableKind::Csv, &o, &resolve).unwrap();
    assert_eq!(docs[0].document.written, Some(d(2020, 3, 5)));
    // A bad date in a synonym column is named by the file's header and the template's.
    let text =
        "索引号,标题,发文日期,发布日期,发布机构\nA-1,通知,2020-02-30,2020-03-10,盐湖区教育局\n";
    let e = read(text.as_bytes(), TableKind::Csv).unwrap_err();
    assert_eq!(e.errors[0].column.as_deref(), Some("发文日期（成文日期）"));
}

#[test]
fn dates_in_every_form_exports_use_including_excel_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("Sheet1").unwrap();
    for (c, h) in ["索引号", "信息名称", "发布机构", "成文日期", "发布日期"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, u16::try_from(c).unwrap(), *h).unwrap();
    }
    ws.write_string(0, 0, "2020年主动公开目录").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let texts = [
        "2020-03-05",
        "2020/3/5",
        "2020年3月5日",
        "20200305",
        "2020-03-05 10:22:00",
    ];
    let mut row = 2u32;
    for t in texts {
        ws.write_string(row, 3, t).unwrap();
        row += 1;
    }
    ws.write_datetime_with_format(row, 3, ExcelDateTime::from_ymd(2020, 3, 5).unwrap(), &date)
        .unwrap();
    row += 1;
    ws.write_datetime_with_format(
        row,
        3,
        ExcelDateTime::parse_from_str("2020-03-05 10:22:00").unwrap(),
        &datetime,
    )
    .unwrap();
    row += 1;
    ws.write_number(row, 3, 43895.0).unwrap(); // an Excel serial without a date format
    row += 1;
    ws.write_number(row, 3, 20_200_305.0).unwrap();
    row += 1;
    for r in 2..row {
        ws.write_string(r, 0, format!("A-{r}")).unwrap();
        ws.write_string(r, 1, "通知").unwrap();
        ws.write_string(r, 2, "盐湖区教育局").unwrap();
        ws.write_string(r, 4, "2020-03-10").unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let docs = read(&bytes, TableKind::Xlsx).unwrap();
    assert_eq!(docs.len(), 9);
    for doc in &docs {
        assert_eq!(doc.document.written, Some(d(2020, 3, 5)), "row {}", doc.row);
    }
    // The header is row 2 of the sheet: the first document is on row 3.
    assert_eq!(docs[0].row, 3);
}
