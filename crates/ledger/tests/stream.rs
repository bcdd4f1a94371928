//! The ledger read as a stream: chunks, capped errors, the checks that need the whole file,
//! the input limits, and the round trip of what `write_ledger` / `write_ledger_csv` write.
#![allow(clippy::unwrap_used)]

use std::io::Write;

use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::vocab::{CHANNEL_LABELS, REMEDY_KIND_LABELS, REMEDY_RESULT_LABELS};
use gongkai_cases::{AgencyId, ApplicantRecord, NewRemedy, NewRequest, Outcome, TimelineEvent};
use gongkai_ledger::{
    Chunk, Ledger, LedgerErrors, LedgerReader, MAX_KEPT_ERRORS, REQUEST_HEADERS, ReadOptions,
    Summary, read_ledger, write_ledger, write_ledger_csv,
};
use gongkai_report::Applicant;
use proptest::prelude::*;
use rust_xlsxwriter::Workbook;

const AGENCY: AgencyId = AgencyId(3);
const HEADER: &str =
    "受理编号,申请人姓名或名称,申请人类型,申请方式,收到日期,申请内容,办理结果,答复日期\n";
const REMEDY_HEADER: &str = "案件编号,关联受理编号,类型,结果,收到日期,结案日期\n";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn options(chunk_size: usize) -> ReadOptions {
    ReadOptions {
        chunk_size,
        today: d(2025, 6, 30),
    }
}

fn good_row(i: usize) -> String {
    format!("YS-{i},申请人{i},自然人,网上,2024-03-05,第{i}项信息,予以公开,2024-03-20\n")
}

/// Reads every chunk, then finishes.
fn drain(mut reader: LedgerReader<'_>) -> (Vec<Chunk>, Result<Summary, LedgerErrors>) {
    let mut chunks = Vec::new();
    while let Some(c) = reader.next_chunk() {
        chunks.push(c);
    }
    (chunks, reader.finish())
}

fn read_csv(
    csv: &str,
    remedies: Option<&str>,
    chunk: usize,
) -> (Vec<Chunk>, Result<Summary, LedgerErrors>) {
    let reader = LedgerReader::from_bytes(
        csv.as_bytes(),
        "台账.csv",
        remedies.map(str::as_bytes),
        AGENCY,
        options(chunk),
    )
    .unwrap();
    drain(reader)
}

fn messages(e: &LedgerErrors) -> Vec<String> {
    e.errors.iter().map(ToString::to_string).collect()
}

#[test]
fn chunks_are_bounded_numbered_and_in_file_order() {
    let mut csv = HEADER.to_string();
    for i in 0..12 {
        csv.push_str(&good_row(i));
        if i == 6 {
            csv.push_str(",,,,,,,\n"); // an empty row is skipped but keeps its number
        }
    }
    let remedies = format!("{REMEDY_HEADER}FY-1,YS-3、YS-2023-9,行政复议,尚未审结,2024-04-01,\n");
    let (chunks, summary) = read_csv(&csv, Some(&remedies), 5);
    let sizes: Vec<(usize, usize)> = chunks
        .iter()
        .map(|c| (c.requests.len(), c.remedies.len()))
        .collect();
    assert_eq!(sizes, [(5, 0), (5, 0), (2, 0), (0, 1)]);
    assert_eq!(chunks[0].sheet, "台账");
    assert_eq!(chunks[3].sheet, "复议诉讼");
    let rows: Vec<u32> = chunks
        .iter()
        .flat_map(|c| c.requests.iter().map(|r| r.row))
        .collect();
    assert_eq!(rows, [2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14]);
    let refs: Vec<String> = chunks
        .iter()
        .flat_map(|c| c.requests.iter().map(|r| r.request.reference.clone()))
        .collect();
    assert_eq!(refs, (0..12).map(|i| format!("YS-{i}")).collect::<Vec<_>>());
    assert_eq!(chunks[3].remedies[0].row, 2);
    assert_eq!(
        summary.unwrap(),
        Summary {
            requests: 12,
            remedies: 1,
            unlinked_references: vec!["YS-2023-9".to_string()],
        }
    );
}

#[test]
fn into_records_is_what_read_ledger_returns() {
    let mut csv = HEADER.to_string();
    for i in 0..7 {
        csv.push_str(&good_row(i));
    }
    let (chunks, _) = read_csv(&csv, None, 3);
    let mut streamed = Ledger::default();
    for c in chunks {
        let (requests, remedies) = c.into_records();
        streamed.requests.extend(requests);
        streamed.remedies.extend(remedies);
    }
    assert_eq!(
        read_ledger(csv.as_bytes(), "台账.csv", None, AGENCY).unwrap(),
        streamed
    );
}

#[test]
fn a_million_errors_are_counted_but_a_hundred_kept() {
    let mut csv = HEADER.to_string();
    for i in 0..5_000 {
        csv.push_str(&format!("B{i},某,个体户,当面,2024-03-05,内容,,\n"));
    }
    let (chunks, result) = read_csv(&csv, None, 100);
    assert!(chunks.is_empty(), "no row is good");
    let e = result.unwrap_err();
    assert_eq!(e.total, 5_000);
    assert_eq!(e.errors.len(), MAX_KEPT_ERRORS);
    assert_eq!(e.errors[0].row, Some(2));
    assert_eq!(e.errors[99].row, Some(101));
    let text = e.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), MAX_KEPT_ERRORS + 1);
    assert_eq!(lines[100], "……另有 4900 处错误未列出（共 5000 处）");
    // The whole read agrees.
    let whole = read_ledger(csv.as_bytes(), "台账.csv", None, AGENCY).unwrap_err();
    assert_eq!(whole, e);
}

#[test]
fn good_rows_still_stream_around_bad_ones_and_duplicates_span_chunks() {
    let mut csv = HEADER.to_string();
    for i in 0..20 {
        csv.push_str(&good_row(i));
    }
    csv.push_str(&good_row(3)); // row 22: YS-3 again, three chunks later
    let mut reader =
        LedgerReader::from_bytes(csv.as_bytes(), "台账.csv", None, AGENCY, options(4)).unwrap();
    assert!(!reader.has_errors());
    let mut read = 0;
    while let Some(c) = reader.next_chunk() {
        read += c.len();
    }
    assert_eq!(read, 20, "the duplicate is not in any chunk");
    assert!(reader.has_errors());
    assert_eq!(reader.error_count(), 1);
    assert_eq!(
        messages(&reader.finish().unwrap_err()),
        ["台账 第22行“受理编号”：受理编号“YS-3”与第5行重复"]
    );
}

#[test]
fn whole_file_problems_are_known_before_the_first_chunk() {
    // Wrong headers.
    let csv = "受理编号,申请人\nA1,张三\n";
    let reader =
        LedgerReader::from_bytes(csv.as_bytes(), "台账.csv", None, AGENCY, options(10)).unwrap();
    assert!(reader.has_errors());
    let (chunks, result) = drain(reader);
    assert!(chunks.is_empty());
    assert!(messages(&result.unwrap_err())[0].starts_with("台账 第1行：缺少表头："));

    // A workbook without a ledger sheet.
    let mut wb = Workbook::new();
    wb.add_worksheet().set_name("统计").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let reader = LedgerReader::from_bytes(&bytes, "x.xlsx", None, AGENCY, options(10)).unwrap();
    assert!(reader.has_errors());
    assert_eq!(
        messages(&reader.finish().unwrap_err()),
        ["x.xlsx：没有找到台账：文件中没有含表头“受理编号”的工作表"]
    );

    // An unreadable file is the error of `open`.
    let e =
        LedgerReader::from_bytes(b"\xFF\xFF\xFF", "a.csv", None, AGENCY, options(10)).unwrap_err();
    assert_eq!(
        messages(&e),
        ["a：无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV 文件"]
    );
}

fn workbook(sheets: &[(&str, Vec<Vec<String>>)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet().set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), v)
                    .unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn rows_of(csv: &str) -> Vec<Vec<String>> {
    csv.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

#[test]
fn xlsx_streams_sheet_by_sheet() {
    let mut a = HEADER.to_string();
    for i in 0..7 {
        a.push_str(&good_row(i));
    }
    let mut b = format!("2024年下半年台账\n{HEADER}");
    for i in 7..10 {
        b.push_str(&good_row(i));
    }
    b.push_str(&good_row(2)); // duplicate of a row in the first sheet
    let remedies = format!("{REMEDY_HEADER}FY-1,YS-8,行政复议,结果维持,2024-04-01,2024-05-01\n");
    let bytes = workbook(&[
        ("上半年", rows_of(&a)),
        ("下半年", rows_of(&b)),
        ("复议诉讼", rows_of(&remedies)),
    ]);
    let reader = LedgerReader::open(
        std::io::Cursor::new(bytes),
        "x.xlsx",
        None,
        AGENCY,
        options(5),
    )
    .unwrap();
    let (chunks, result) = drain(reader);
    let shape: Vec<(&str, usize, Vec<u32>)> = chunks
        .iter()
        .map(|c| {
            (
                c.sheet.as_str(),
                c.len(),
                c.requests
                    .iter()
                    .map(|r| r.row)
                    .chain(c.remedies.iter().map(|r| r.row))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("上半年", 5, vec![2, 3, 4, 5, 6]),
            ("上半年", 2, vec![7, 8]),
            ("下半年", 3, vec![3, 4, 5]),
            ("复议诉讼", 1, vec![2]),
        ]
    );
    assert_eq!(
        messages(&result.unwrap_err()),
        ["下半年 第6行“受理编号”：受理编号“YS-2”与“上半年”第4行重复"]
    );
}

#[test]
fn dropping_a_workbook_reader_midway_stops_it() {
    let mut csv = HEADER.to_string();
    for i in 0..3_000 {
        csv.push_str(&good_row(i));
    }
    let bytes = workbook(&[("台账", rows_of(&csv))]);
    for _ in 0..20 {
        let mut reader =
            LedgerReader::from_bytes(&bytes, "x.xlsx", None, AGENCY, options(10)).unwrap();
        assert_eq!(reader.next_chunk().unwrap().len(), 10);
        // Dropped with the worker blocked on a full channel: it must not hang or leak a
        // blocked thread per reader (20 readers would show as a hang under a thread limit).
    }
}

#[test]
fn reads_an_open_file() {
    let mut file = tempfile::tempfile().unwrap();
    let fixture = include_bytes!("../../../fixtures/ledgers/2024.csv");
    file.write_all(fixture).unwrap();
    let reader =
        LedgerReader::open(file, "2024.csv", None, AGENCY, ReadOptions::default()).unwrap();
    let (chunks, result) = drain(reader);
    let summary = result.unwrap();
    assert!(summary.requests > 10, "{summary:?}");
    assert_eq!(
        summary.requests,
        chunks.iter().map(Chunk::len).sum::<usize>()
    );
    assert_eq!(
        read_ledger(fixture, "2024.csv", None, AGENCY)
            .unwrap()
            .requests
            .len(),
        summary.requests
    );
}

/// One request row with one cell replaced, through the stream.
fn with_cell(column: usize, value: &str) -> Vec<String> {
    let mut cells: Vec<String> = vec![
        "A1".into(),
        "张三".into(),
        "自然人".into(),
        "当面".into(),
        "2024-03-05".into(),
        "内容".into(),
        "予以公开".into(),
        "2024-03-20".into(),
    ];
    cells[column] = value.to_string();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(REQUEST_HEADERS).unwrap();
    w.write_record(&cells).unwrap();
    let bytes = w.into_inner().unwrap();
    let reader = LedgerReader::from_bytes(&bytes, "台账.csv", None, AGENCY, options(10)).unwrap();
    match drain(reader).1 {
        Ok(_) => Vec::new(),
        Err(e) => messages(&e),
    }
}

#[test]
fn input_limits() {
    let ok: Vec<String> = Vec::new();
    assert_eq!(
        with_cell(1, "张\u{0}三"),
        [
            "台账 第2行“申请人姓名或名称”：申请人姓名或名称含有不可见的控制字符（U+0000），请删除后再试"
        ]
    );
    assert_eq!(
        with_cell(0, "A\u{1b}[31m"),
        ["台账 第2行“受理编号”：受理编号含有不可见的控制字符（U+001B），请删除后再试"]
    );
    // A control character in a vocabulary cell is not echoed back to the terminal.
    let kind = with_cell(2, "自然\u{7}人");
    assert_eq!(kind.len(), 1);
    assert!(
        kind[0].contains("U+0007") && !kind[0].contains('\u{7}'),
        "{kind:?}"
    );
    // Line breaks and tabs are text in 申请内容; a line break is not in a name.
    assert_eq!(with_cell(5, "第一项\n第二项\t附件"), ok);
    assert_eq!(
        with_cell(1, "张\n三"),
        [
            "台账 第2行“申请人姓名或名称”：申请人姓名或名称含有不可见的控制字符（U+000A），请删除后再试"
        ]
    );
    assert_eq!(with_cell(0, &"号".repeat(64)), ok);
    assert_eq!(
        with_cell(0, &"号".repeat(65)),
        ["台账 第2行“受理编号”：受理编号过长：65 个字符，最多 64 个"]
    );
    assert_eq!(with_cell(1, &"名".repeat(200)), ok);
    assert_eq!(
        with_cell(1, &"名".repeat(201)),
        ["台账 第2行“申请人姓名或名称”：申请人姓名或名称过长：201 个字符，最多 200 个"]
    );
    assert_eq!(with_cell(5, &"文".repeat(10_000)), ok);
    assert_eq!(
        with_cell(5, &"文".repeat(10_001)),
        ["台账 第2行“申请内容”：申请内容过长：10001 个字符，最多 10000 个"]
    );
    assert_eq!(with_cell(4, "2008-05-01"), ok);
    assert_eq!(
        with_cell(4, "2008-04-30"),
        [
            "台账 第2行“收到日期”：收到日期 2008-04-30 早于《政府信息公开条例》施行之日（2008-05-01）"
        ]
    );
    assert_eq!(
        with_cell(7, "2025-07-01"),
        ["台账 第2行“答复日期”：答复日期 2025-07-01 晚于今天（2025-06-30）"]
    );
    assert_eq!(with_cell(7, "2025-06-30"), ok);
    // A long unknown value is cut in the message.
    let long = with_cell(3, &"飞".repeat(150));
    assert_eq!(
        long,
        [format!(
            "台账 第2行“申请方式”：无法识别的申请方式“{}……”（应为：当面、挂号信、平信、网上、电子邮件、传真、口头、其他）",
            "飞".repeat(40)
        )]
    );
}

#[test]
fn remedy_limits() {
    let csv = format!("{HEADER}{}", good_row(1));
    let remedies = format!(
        "{REMEDY_HEADER}\
         F1,YS-1,行政复议,结果维持,2024-04-01,2026-01-01\n\
         F2,{},行政复议,尚未审结,2007-01-01,\n\
         F3,\"YS-1\nYS-2\",行政复议,尚未审结,2024-04-01,\n\
         F\u{0}4,YS-1,行政复议,尚未审结,2024-04-01,\n",
        "Y".repeat(65)
    );
    let (_, result) = read_csv(&csv, Some(&remedies), 10);
    assert_eq!(
        messages(&result.unwrap_err()),
        [
            "复议诉讼 第2行“结案日期”：结案日期 2026-01-01 晚于今天（2025-06-30）",
            "复议诉讼 第3行“关联受理编号”：关联受理编号过长：65 个字符，最多 64 个",
            "复议诉讼 第3行“收到日期”：收到日期 2007-01-01 早于《政府信息公开条例》施行之日（2008-05-01）",
            "复议诉讼 第5行“案件编号”：案件编号含有不可见的控制字符（U+0000），请删除后再试",
        ]
    );
}

#[test]
fn csv_formula_guard_is_dropped_on_reading_but_not_in_xlsx() {
    let csv = format!("{HEADER}'=HYPERLINK(\"x\"),'@张三,自然人,当面,2024-03-05,'+内容,,\n");
    let ledger = read_ledger(csv.as_bytes(), "台账.csv", None, AGENCY).unwrap();
    let (req, _) = &ledger.requests[0];
    assert_eq!(req.reference, "=HYPERLINK(\"x\")");
    assert_eq!(req.applicants[0].name, "@张三");
    assert_eq!(req.description, "+内容");
    // A `'` before anything else was typed: it stays.
    let csv = format!("{HEADER}'A1,张三,自然人,当面,2024-03-05,内容,,\n");
    let ledger = read_ledger(csv.as_bytes(), "台账.csv", None, AGENCY).unwrap();
    assert_eq!(ledger.requests[0].0.reference, "'A1");
    // In a workbook a string cell is never a formula: nothing is stripped.
    let bytes = workbook(&[(
        "台账",
        rows_of(&format!("{HEADER}'=A1,张三,自然人,当面,2024-03-05,内容,,")),
    )]);
    let ledger = read_ledger(&bytes, "x.xlsx", None, AGENCY).unwrap();
    assert_eq!(ledger.requests[0].0.reference, "'=A1");
}

#[test]
fn csv_export_neutralises_formulas() {
    let mut ledger = Ledger::default();
    ledger.requests.push((
        NewRequest {
            agency: AGENCY,
            reference: "=1+1".into(),
            applicants: vec![ApplicantRecord {
                name: "-张三".into(),
                kind: Applicant::NaturalPerson,
            }],
            channel: CHANNEL_LABELS[0].1,
            received: d(2024, 3, 5),
            description: "@cmd".into(),
            requested_form: String::new(),
            contact: Default::default(),
        },
        vec![],
    ));
    let out = write_ledger_csv(&ledger).unwrap();
    let text = String::from_utf8(out.requests).unwrap();
    assert!(text.starts_with('\u{FEFF}'));
    assert_eq!(
        text.lines().nth(1).unwrap(),
        "'=1+1,'-张三,自然人,当面,2024-03-05,'@cmd,,"
    );
}

// ---- round trip ----

fn text(max: usize) -> impl Strategy<Value = String> {
    // Formula characters and `'` at the start on purpose; trimmed, as the reader trims.
    proptest::string::string_regex(&format!("[=+\\-@'A-Za-z0-9甲乙丙丁（）\"_ ,]{{1,{max}}}"))
        .unwrap()
        .prop_filter("trimmed", |s| !s.trim().is_empty() && s.trim() == s)
}

fn reference() -> impl Strategy<Value = String> {
    // No separators of 关联受理编号.
    proptest::string::string_regex("[=+\\-@'A-Za-z0-9甲乙_]{1,20}").unwrap()
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0u64..5_500).prop_map(|n| d(2008, 5, 1) + chrono::Days::new(n))
}

fn a_request() -> impl Strategy<Value = (NewRequest, Vec<TimelineEvent>)> {
    (
        reference(),
        text(30),
        prop::sample::select(Applicant::KINDS.to_vec()),
        prop::sample::select(CHANNEL_LABELS.iter().map(|(_, c)| *c).collect::<Vec<_>>()),
        date(),
        prop_oneof![
            text(60),
            (text(20), text(20)).prop_map(|(a, b)| format!("{a}\n{b}"))
        ],
        prop::option::of((0u64..400, prop::sample::select(Outcome::ALL.to_vec()))),
    )
        .prop_map(
            |(reference, name, kind, channel, received, description, decided)| {
                let mut events = vec![TimelineEvent {
                    event: Event::Received(received),
                    outcome: None,
                    note: String::new(),
                }];
                if let Some((after, outcome)) = decided {
                    events.push(TimelineEvent {
                        event: Event::Decided(received + chrono::Days::new(after)),
                        outcome: Some(outcome),
                        note: String::new(),
                    });
                }
                (
                    NewRequest {
                        agency: AGENCY,
                        reference,
                        applicants: vec![ApplicantRecord { name, kind }],
                        channel,
                        received,
                        description,
                        requested_form: String::new(),
                        contact: Default::default(),
                    },
                    events,
                )
            },
        )
}

fn a_remedy() -> impl Strategy<Value = NewRemedy> {
    (
        reference(),
        prop::collection::vec(reference(), 1..4),
        prop::sample::select(
            REMEDY_KIND_LABELS
                .iter()
                .map(|(_, k)| *k)
                .collect::<Vec<_>>(),
        ),
        date(),
        prop::sample::select(
            REMEDY_RESULT_LABELS
                .iter()
                .map(|(_, r)| *r)
                .collect::<Vec<_>>(),
        ),
        0u64..400,
    )
        .prop_map(|(reference, mut requests, kind, received, result, after)| {
            let mut seen = std::collections::HashSet::new();
            requests.retain(|r| seen.insert(r.clone()));
            NewRemedy {
                agency: AGENCY,
                reference,
                requests,
                kind,
                received,
                closed: result.map(|r| (received + chrono::Days::new(after), r)),
            }
        })
}

fn a_ledger() -> impl Strategy<Value = Ledger> {
    (
        prop::collection::vec(a_request(), 0..40),
        prop::collection::vec(a_remedy(), 0..8),
    )
        .prop_map(|(mut requests, mut remedies)| {
            let mut seen = std::collections::HashSet::new();
            requests.retain(|(r, _)| seen.insert(r.reference.clone()));
            let mut seen = std::collections::HashSet::new();
            remedies.retain(|r| seen.insert(r.reference.clone()));
            Ledger { requests, remedies }
        })
}

fn collect(reader: LedgerReader<'_>) -> Result<Ledger, LedgerErrors> {
    let (chunks, result) = drain(reader);
    result?;
    let mut ledger = Ledger::default();
    for c in chunks {
        let (q, r) = c.into_records();
        ledger.requests.extend(q);
        ledger.remedies.extend(r);
    }
    Ok(ledger)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn written_ledgers_stream_back_to_the_same_records(ledger in a_ledger(), chunk in 1usize..12) {
        let opts = ReadOptions { chunk_size: chunk, today: d(2025, 6, 30) };

        let xlsx = write_ledger(&ledger).unwrap();
        let back = collect(LedgerReader::from_bytes(&xlsx, "台账.xlsx", None, AGENCY, opts).unwrap());
        prop_assert_eq!(back.as_ref(), Ok(&ledger));

        let csv = write_ledger_csv(&ledger).unwrap();
        let back = collect(
            LedgerReader::from_bytes(&csv.requests, "台账.csv", Some(&csv.remedies), AGENCY, opts)
                .unwrap(),
        );
        prop_assert_eq!(back.as_ref(), Ok(&ledger));

        // What the summary says the store must resolve.
        let reader = LedgerReader::from_bytes(&csv.requests, "台账.csv", Some(&csv.remedies), AGENCY, opts).unwrap();
        let summary = drain(reader).1.unwrap();
        let unlinked: Vec<String> = ledger.unlinked_references().iter().map(|s| s.to_string()).collect();
        prop_assert_eq!(summary.unlinked_references, unlinked);
        prop_assert_eq!(summary.requests, ledger.requests.len());
    }

    #[test]
    fn errors_are_capped_whatever_the_file(bad in 0usize..400, good in 0usize..50) {
        let mut csv = HEADER.to_string();
        for i in 0..bad.max(good) {
            if i < good {
                csv.push_str(&good_row(i));
            }
            if i < bad {
                csv.push_str(&format!("X{i},某,自然人,飞鸽,2024-03-05,内容,,\n"));
            }
        }
        let (chunks, result) = read_csv(&csv, None, 7);
        prop_assert_eq!(chunks.iter().map(Chunk::len).sum::<usize>(), good);
        prop_assert!(chunks.iter().all(|c| c.len() <= 7));
        match result {
            Ok(_) => prop_assert_eq!(bad, 0),
            Err(e) => {
                prop_assert_eq!(e.total, bad);
                prop_assert_eq!(e.errors.len(), bad.min(MAX_KEPT_ERRORS));
                let lines = e.to_string().lines().count();
                prop_assert_eq!(lines, bad.min(MAX_KEPT_ERRORS) + usize::from(bad > MAX_KEPT_ERRORS));
            }
        }
    }
}

/// `bytes` with the sheet XML `name` cut to its first `keep` bytes.
fn with_truncated_entry(bytes: &[u8], name: &str, keep: usize) -> Vec<u8> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let entry_name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if entry_name == name {
            data.truncate(keep);
        }
        out.start_file(entry_name, options).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_workbook_that_breaks_midway_is_one_file_error() {
    let mut csv = HEADER.to_string();
    csv.push_str("A0,张三,个体户,当面,2024-03-05,内容,,\n"); // a row error before the break
    // Enough rows that several of the worker's batches come before the break.
    for i in 1..12_000 {
        csv.push_str(&good_row(i));
    }
    let bytes = workbook(&[("台账", rows_of(&csv))]);
    let sheet_len = {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let mut s = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s.len()
    };
    let broken = with_truncated_entry(&bytes, "xl/worksheets/sheet1.xml", sheet_len * 3 / 4);
    let reader = LedgerReader::from_bytes(&broken, "x.xlsx", None, AGENCY, options(100)).unwrap();
    let (chunks, result) = drain(reader);
    assert!(
        !chunks.is_empty(),
        "the rows before the break were streamed"
    );
    let e = result.unwrap_err();
    assert_eq!(e.total, 1, "{e}");
    assert!(
        e.to_string()
            .starts_with("x.xlsx：无法读取 XLSX 文件（无法读取工作表“台账”"),
        "{e}"
    );
    // The whole read gives the same single error.
    assert_eq!(read_ledger(&broken, "x.xlsx", None, AGENCY).unwrap_err(), e);
}

#[test]
fn the_reader_can_be_held_across_an_await() {
    fn send<T: Send>() {}
    send::<LedgerReader<'static>>();
    send::<Chunk>();
}
