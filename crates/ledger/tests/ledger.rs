#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::{
    AgencyId, ApplicantRecord, Channel, NewRemedy, NewRequest, Outcome, RemedyKind, RemedyResult,
    TimelineEvent,
};
use gongkai_ledger::{
    Ledger, LedgerErrors, REMEDY_HEADERS, REQUEST_HEADERS, read_ledger, template, write_ledger,
};
use gongkai_report::Applicant;
use proptest::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const AGENCY: AgencyId = AgencyId(7);

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn request(
    reference: &str,
    name: &str,
    kind: Applicant,
    channel: Channel,
    received: NaiveDate,
    description: &str,
    decided: Option<(NaiveDate, Outcome)>,
) -> (NewRequest, Vec<TimelineEvent>) {
    let mut events = vec![TimelineEvent {
        event: Event::Received(received),
        outcome: None,
        note: String::new(),
    }];
    if let Some((date, outcome)) = decided {
        events.push(TimelineEvent {
            event: Event::Decided(date),
            outcome: Some(outcome),
            note: String::new(),
        });
    }
    (
        NewRequest {
            agency: AGENCY,
            reference: reference.to_string(),
            applicants: vec![ApplicantRecord {
                name: name.to_string(),
                kind,
            }],
            channel,
            received,
            description: description.to_string(),
            requested_form: String::new(),
            contact: Default::default(),
        },
        events,
    )
}

/// The records of the hand-written ledger below, in both its XLSX and CSV forms.
fn expected() -> Ledger {
    use Applicant::*;
    Ledger {
        requests: vec![
            request(
                "GK-001",
                "张三",
                NaturalPerson,
                Channel::InPerson,
                d(2024, 3, 5),
                "某路段拓宽工程的规划许可",
                Some((d(2024, 3, 20), Outcome::Disclosed)),
            ),
            request(
                "GK-002",
                "某某科技有限公司",
                OrgCommercial,
                Channel::RegisteredPost,
                d(2024, 3, 5),
                "2023年采购合同",
                Some((d(2024, 3, 25), Outcome::NdStateSecret)),
            ),
            request(
                "GK-003",
                "某大学",
                OrgResearch,
                Channel::OrdinaryPost,
                d(2024, 3, 5),
                "水质监测数据",
                Some((d(2024, 4, 1), Outcome::NpRepeat)),
            ),
            request(
                "GK-004",
                "某环保协会",
                OrgPublicWelfare,
                Channel::Online,
                d(2024, 3, 5),
                "排污许可证",
                Some((d(2024, 4, 10), Outcome::OpNoCorrection)),
            ),
            request(
                "GK-005",
                "某律师事务所",
                OrgLegalService,
                Channel::Email,
                d(2024, 3, 6),
                "行政处罚决定书",
                None,
            ),
            request(
                "2024006",
                "某村民委员会",
                OrgOther,
                Channel::Fax,
                d(2024, 3, 7),
                "征地补偿标准",
                Some((d(2024, 5, 6), Outcome::NdSecurityStability)),
            ),
            request(
                "GK-007",
                "李四",
                NaturalPerson,
                Channel::Oral,
                d(2024, 3, 8),
                "低保名单",
                Some((d(2024, 3, 29), Outcome::Partial)),
            ),
            request(
                "GK-008",
                "王五",
                NaturalPerson,
                Channel::Other,
                d(2024, 12, 30),
                "年度预算",
                None,
            ),
        ],
        remedies: vec![
            NewRemedy {
                agency: AGENCY,
                reference: "FY-1".to_string(),
                requests: vec!["GK-001".to_string(), "GK-002".to_string()],
                kind: RemedyKind::Reconsideration,
                received: d(2024, 4, 1),
                closed: Some((d(2024, 6, 1), RemedyResult::Upheld)),
            },
            NewRemedy {
                agency: AGENCY,
                reference: "SS-1".to_string(),
                requests: vec!["GK-003".to_string(), "2023-099".to_string()],
                kind: RemedyKind::LitigationDirect,
                received: d(2024, 5, 1),
                closed: None,
            },
            NewRemedy {
                agency: AGENCY,
                reference: "SS-2".to_string(),
                requests: vec!["GK-004".to_string(), "GK-005".to_string()],
                kind: RemedyKind::LitigationAfterReconsideration,
                received: d(2024, 5, 2),
                closed: Some((d(2024, 7, 3), RemedyResult::Corrected)),
            },
        ],
    }
}

/// A typed cell for the hand-built workbook.
enum C {
    S(&'static str),
    N(f64),
    D(u16, u8, u8),
    E,
}

fn ledger_xlsx() -> Vec<u8> {
    use C::*;
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let ws = wb.add_worksheet().set_name("台账").unwrap();
    // Header order differs from the template; spaces and full-width characters around.
    let header = [
        " 受理编号 ",
        "申请人姓名或名称",
        "申请方式",
        "申请人类型\u{3000}",
        "收到日期",
        "申请内容",
        "备注",
        "办理结果",
        "答复日期",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows: Vec<[C; 9]> = vec![
        [
            S("GK-001"),
            S("张三"),
            S("当面"),
            S("自然人"),
            D(2024, 3, 5),
            S("某路段拓宽工程的规划许可"),
            S("备注不读"),
            S("予以公开"),
            S("2024-03-20"),
        ],
        [
            S("GK-002"),
            S("某某科技有限公司"),
            S("挂号信"),
            S("商业企业"),
            N(45356.0),
            S("2023年采购合同"),
            E,
            S("1.属于国家秘密"),
            S("2024/3/25"),
        ],
        [E, E, E, E, E, E, E, E, E],
        [
            S("GK-003"),
            S("某大学"),
            S("平信"),
            S("科研机构"),
            S("2024年3月5日"),
            S("水质监测数据"),
            E,
            S("（四）2. 重复申请"),
            S("2024.4.1"),
        ],
        [
            S("GK-004"),
            S("某环保协会"),
            S("网上申请"),
            S("社会公益组织"),
            S("2024.3.5"),
            S("排污许可证"),
            E,
            S("申请人无正当理由逾期不补正"),
            D(2024, 4, 10),
        ],
        [
            S("GK-005"),
            S("某律师事务所"),
            S("电子邮件"),
            S("法律服务机构"),
            S("2024/03/06"),
            S("行政处罚决定书"),
            S("办理中"),
            E,
            E,
        ],
        [
            N(2_024_006.0),
            S("某村民委员会"),
            S("传真"),
            S("其他"),
            N(20_240_307.0),
            S("征地补偿标准"),
            E,
            S("危及“三安全一稳定”"),
            S("2024-05-06"),
        ],
        [
            S("GK-007"),
            S("李四"),
            S("口头"),
            S("自然人"),
            S("2024-3-8"),
            S("低保名单"),
            E,
            S("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
            S("2024年3月29日"),
        ],
        [
            S("GK-008"),
            S("  王五 "),
            S("其他"),
            S("自然人"),
            S("２０２４－１２－３０"),
            S("年度预算"),
            E,
            S(" "),
            E,
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                D(y, m, day) => {
                    let dt = ExcelDateTime::from_ymd(*y, *m, *day).unwrap();
                    ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                }
                E => {}
            }
        }
    }
    let ws = wb.add_worksheet().set_name("行政复议行政诉讼").unwrap();
    for (c, h) in REMEDY_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let remedies: [[C; 6]; 3] = [
        [
            S("FY-1"),
            S("GK-001、GK-002"),
            S("行政复议"),
            S("结果维持"),
            D(2024, 4, 1),
            S("2024-06-01"),
        ],
        [
            S("SS-1"),
            S("GK-003，2023-099"),
            S("未经复议直接起诉"),
            S("尚未审结"),
            S("2024-05-01"),
            E,
        ],
        [
            S("SS-2"),
            S("GK-004; GK-005"),
            S("复议后起诉"),
            S("结果纠正"),
            S("2024/5/2"),
            S("2024年7月3日"),
        ],
    ];
    for (r, row) in remedies.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match cell {
                S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                D(y, m, day) => {
                    let dt = ExcelDateTime::from_ymd(*y, *m, *day).unwrap();
                    ws.write_datetime_with_format(r, c, &dt, &date).unwrap();
                }
                E => {}
            }
        }
    }
    wb.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "受理编号")
        .unwrap();
    wb.save_to_buffer().unwrap()
}

const LEDGER_CSV: &str = "\
受理编号,申请人姓名或名称,申请人类型,申请方式,收到日期,申请内容,办理结果,答复日期
GK-001,张三,自然人,现场,2024-03-05,某路段拓宽工程的规划许可,予以公开,2024-03-20
GK-002,某某科技有限公司,商业企业,挂号信,2024/3/5,2023年采购合同,1.属于国家秘密,2024/3/25
,,,,,,,
GK-003,某大学,科研机构,邮寄,2024年3月5日,水质监测数据,重复申请,2024.4.1
GK-004,某环保协会,社会公益组织,在线,2024.3.5,排污许可证,申请人无正当理由逾期不补正,2024-04-10
GK-005,某律师事务所,法律服务机构,邮箱,2024/03/06,行政处罚决定书,,
2024006,某村民委员会,其他,传真,20240307,征地补偿标准,\"危及\"\"三安全一稳定\"\"\",2024-05-06
GK-007,李四,自然人,口头,2024-3-8,低保名单,部分公开,2024年3月29日
GK-008,王五,自然人,其他,2024-12-30,年度预算,,
";

const REMEDIES_CSV: &str = "\
案件编号,关联受理编号,类型,结果,收到日期,结案日期
FY-1,GK-001、GK-002,行政复议,结果维持,2024-04-01,2024-06-01
SS-1,\"GK-003,2023-099\",未经复议直接起诉,尚未审结,2024-05-01,
SS-2,GK-004 GK-005,复议后起诉,结果纠正,2024/5/2,2024年7月3日
";

fn with_bom(s: &str) -> Vec<u8> {
    let mut v = b"\xEF\xBB\xBF".to_vec();
    v.extend_from_slice(s.as_bytes());
    v
}

#[test]
fn xlsx_ledger_reads_exactly() {
    let bytes = ledger_xlsx();
    // The workbook really holds a date cell and a plain number cell for 收到日期.
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let range = wb.worksheet_range("台账").unwrap();
    assert!(matches!(range.get((1, 4)), Some(Data::DateTime(_))));
    assert_eq!(range.get((2, 4)), Some(&Data::Float(45356.0)));
    let ledger = read_ledger(&bytes, "2024台账.xlsx", None, AGENCY).unwrap();
    let want = expected();
    for (got, want) in ledger.requests.iter().zip(&want.requests) {
        assert_eq!(got, want);
    }
    assert_eq!(ledger, want);
    assert_eq!(ledger.unlinked_references(), ["2023-099"]);
}

#[test]
fn csv_ledger_reads_exactly() {
    let want = expected();
    let remedies = REMEDIES_CSV.as_bytes();
    // With and without BOM, CRLF line ends.
    for bytes in [
        with_bom(LEDGER_CSV),
        LEDGER_CSV.replace('\n', "\r\n").into_bytes(),
    ] {
        let ledger = read_ledger(&bytes, "台账.csv", Some(remedies), AGENCY).unwrap();
        assert_eq!(ledger, want);
    }
    // Without the remedies file: no remedies.
    let ledger = read_ledger(LEDGER_CSV.as_bytes(), "台账.csv", None, AGENCY).unwrap();
    assert_eq!(ledger.requests, want.requests);
    assert!(ledger.remedies.is_empty());
}

#[test]
fn gbk_csv() {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(LEDGER_CSV);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&gbk).is_err(), "really not UTF-8");
    let (gbk_remedies, _, _) = encoding_rs::GBK.encode(REMEDIES_CSV);
    let ledger = read_ledger(&gbk, "台账.csv", Some(&gbk_remedies), AGENCY).unwrap();
    assert_eq!(ledger, expected());
}

#[test]
fn tab_separated_utf16() {
    // Excel's "Unicode text" export: UTF-16LE with BOM, tab-separated.
    let tsv = LEDGER_CSV
        .lines()
        .map(|l| {
            // The only quoted field in the ledger CSV holds no comma.
            l.replace(',', "\t")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut bytes = vec![0xFF, 0xFE];
    for u in tsv.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let ledger = read_ledger(&bytes, "台账.txt", None, AGENCY).unwrap();
    assert_eq!(ledger.requests, expected().requests);
}

#[test]
fn excel_serial_45356_is_2024_03_05() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in REQUEST_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["A1", "张三", "自然人", "当面"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_number(1, 4, 45356).unwrap();
    ws.write_string(1, 5, "内容").unwrap();
    ws.write_string(1, 6, "予以公开").unwrap();
    ws.write_number(1, 7, 45356.5).unwrap();
    let ledger = read_ledger(&wb.save_to_buffer().unwrap(), "x.xlsx", None, AGENCY).unwrap();
    let (req, events) = &ledger.requests[0];
    assert_eq!(req.received, d(2024, 3, 5));
    assert_eq!(events[1].event, Event::Decided(d(2024, 3, 5)));
}

fn errors_of(r: Result<Ledger, LedgerErrors>) -> Vec<String> {
    r.unwrap_err()
        .errors
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn every_bad_row_is_reported_and_nothing_returned() {
    let csv = "\
受理编号,申请人姓名或名称,申请人类型,申请方式,收到日期,申请内容,办理结果,答复日期
A1,张三,自然人,当面,2024-03-05,内容,予以公开,2024-03-20
A2,李四,个体户,快递,2024-03-05,内容,予以公开,2024-03-20
A3,王五,自然人,当面,2024-03-05,内容,大概公开,2024-03-20
A4,赵六,自然人,当面,2024-03-05,内容,予以公开,
A5,钱七,自然人,当面,2024-03-05,内容,,2024-03-20
A6,孙八,自然人,当面,2024-13-01,内容,,
A7,周九,自然人,当面,2024-03-05,内容,予以公开,2024-03-04
A1,吴十,自然人,当面,2024-03-05,内容,,
,,自然人,当面,,,,
A10,郑一,自然人,当面,2024-03-05,内容,予以公开,2024-02-30
";
    let remedies = "\
案件编号,关联受理编号,类型,结果,收到日期,结案日期
F1,A1,行政复议,结果维持,2024-04-01,2024-05-01
F2,、,申诉,维持原判,2024-04-01,2024-05-01
F3,A1,行政复议,尚未审结,2024-04-01,2024-05-01
F4,A1,行政复议,结果纠正,2024-04-01,
F1,A1,复议后起诉,其他结果,2024-04-01,2024-03-01
";
    let got = errors_of(read_ledger(
        csv.as_bytes(),
        "D:\\台账\\台账.csv",
        Some(remedies.as_bytes()),
        AGENCY,
    ));
    let want = [
        "台账 第3行“申请人类型”：无法识别的申请人类型“个体户”（应为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他）",
        "台账 第3行“申请方式”：无法识别的申请方式“快递”（应为：当面、挂号信、平信、网上、电子邮件、传真、口头、其他）",
        "台账 第4行“办理结果”：无法识别的办理结果“大概公开”（应为表三中的办理结果，如“予以公开”“本机关不掌握相关政府信息”“重复申请”）",
        "台账 第5行“答复日期”：已填写办理结果，答复日期不能为空",
        "台账 第6行“办理结果”：已填写答复日期，办理结果不能为空",
        "台账 第7行“收到日期”：无法识别的日期“2024-13-01”",
        "台账 第8行“答复日期”：答复日期“2024-03-04”早于收到日期“2024-03-05”",
        "台账 第9行“受理编号”：受理编号“A1”与第2行重复",
        "台账 第10行“受理编号”：不能为空",
        "台账 第10行“申请人姓名或名称”：不能为空",
        "台账 第10行“收到日期”：不能为空",
        "台账 第10行“申请内容”：不能为空",
        "台账 第11行“答复日期”：无法识别的日期“2024-02-30”",
        "复议诉讼 第3行“关联受理编号”：不能为空",
        "复议诉讼 第3行“类型”：无法识别的类型“申诉”（应为：行政复议、未经复议直接起诉、复议后起诉）",
        "复议诉讼 第3行“结果”：无法识别的结果“维持原判”（应为：结果维持、结果纠正、其他结果、尚未审结）",
        "复议诉讼 第4行“结案日期”：尚未审结的案件不应填写结案日期",
        "复议诉讼 第5行“结案日期”：已审结的案件结案日期不能为空",
        "复议诉讼 第6行“案件编号”：案件编号“F1”与第2行重复",
        "复议诉讼 第6行“结案日期”：结案日期“2024-03-01”早于收到日期“2024-04-01”",
    ];
    assert_eq!(got, want);
}

#[test]
fn display_lists_every_error() {
    let csv = "受理编号,申请人姓名或名称,申请人类型,申请方式,收到日期,申请内容,办理结果,答复日期\n\
               A1,张三,自然人,当面,2024-13-01,内容,,\n\
               A2,张三,自然人,飞鸽,2024-03-01,内容,,\n";
    let e = read_ledger(csv.as_bytes(), "台账.csv", None, AGENCY).unwrap_err();
    assert_eq!(
        e.to_string(),
        "台账 第2行“收到日期”：无法识别的日期“2024-13-01”\n\
         台账 第3行“申请方式”：无法识别的申请方式“飞鸽”（应为：当面、挂号信、平信、网上、电子邮件、传真、口头、其他）"
    );
}

#[test]
fn xlsx_errors_name_the_sheet_and_excel_row() {
    // A title row above the header: rows are still numbered as Excel shows them.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("2024年").unwrap();
    ws.write_string(0, 0, "2024年政府信息公开申请台账").unwrap();
    for (c, h) in REQUEST_HEADERS.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (c, v) in ["A1", "张三", "自然人", "当面", "2024-03-05", "内容"]
        .iter()
        .enumerate()
    {
        ws.write_string(3, c as u16, *v).unwrap();
    }
    ws.write_boolean(3, 7, true).unwrap();
    ws.write_string(3, 6, "予以公开").unwrap();
    let ws = wb.add_worksheet().set_name("复议诉讼").unwrap();
    ws.write_string(0, 0, "案件编号").unwrap();
    ws.write_string(0, 1, "类型").unwrap();
    let got = errors_of(read_ledger(
        &wb.save_to_buffer().unwrap(),
        "x.xlsx",
        None,
        AGENCY,
    ));
    assert_eq!(
        got,
        [
            "2024年 第4行“答复日期”：无法识别的日期“TRUE”",
            "复议诉讼 第1行：缺少表头：“关联受理编号”、“结果”、“收到日期”、“结案日期”",
        ]
    );
}

#[test]
fn missing_headers_duplicates_and_unreadable_files() {
    let csv = "受理编号,申请人,申请人类型,申请方式,收到日期,收到日期\nA1,张三\n";
    assert_eq!(
        errors_of(read_ledger(csv.as_bytes(), "台账.csv", None, AGENCY)),
        [
            "台账 第1行：表头“收到日期”重复出现（第E列和第F列）",
            "台账 第1行：缺少表头：“申请人姓名或名称”、“申请内容”、“办理结果”、“答复日期”",
        ]
    );
    assert_eq!(
        errors_of(read_ledger(b"", "ledger.csv", None, AGENCY)),
        [
            "ledger：缺少表头：“受理编号”、“申请人姓名或名称”、“申请人类型”、“申请方式”、“收到日期”、“申请内容”、“办理结果”、“答复日期”"
        ]
    );
    assert_eq!(
        errors_of(read_ledger(
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest",
            "old.xls",
            None,
            AGENCY
        )),
        ["old.xls：不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"]
    );
    let broken = read_ledger(b"PK\x03\x04garbage", "a.xlsx", None, AGENCY).unwrap_err();
    assert_eq!(broken.errors.len(), 1);
    assert!(broken.to_string().starts_with("a.xlsx：无法读取 XLSX 文件"));
    assert_eq!(
        errors_of(read_ledger(b"\xFF\xFF\xFF", "a.csv", None, AGENCY)),
        ["a：无法识别文件编码，请保存为 UTF-8 或 GBK 编码的 CSV 文件"]
    );
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn template_has_headers_lists_and_reads_back_empty() {
    let bytes = template().unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), ["台账", "复议诉讼", "说明", "选项"]);
    let header = |wb: &mut Xlsx<_>, sheet: &str| -> Vec<String> {
        let range = wb.worksheet_range(sheet).unwrap();
        assert_eq!(range.start(), Some((0, 0)));
        assert_eq!(range.height(), 1, "{sheet}: header only");
        range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(Data::to_string)
            .collect()
    };
    assert_eq!(header(&mut wb, "台账"), REQUEST_HEADERS);
    assert_eq!(header(&mut wb, "复议诉讼"), REMEDY_HEADERS);
    let options = wb.worksheet_range("选项").unwrap();
    let column = |c: usize| -> Vec<String> {
        options
            .rows()
            .skip(1)
            .filter_map(|r| r.get(c).map(Data::to_string))
            .filter(|s| !s.is_empty())
            .collect()
    };
    assert_eq!(
        column(0),
        [
            "自然人",
            "商业企业",
            "科研机构",
            "社会公益组织",
            "法律服务机构",
            "其他"
        ]
    );
    assert_eq!(
        column(1),
        [
            "当面",
            "挂号信",
            "平信",
            "网上",
            "电子邮件",
            "传真",
            "口头",
            "其他"
        ]
    );
    let outcome_labels: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
    assert_eq!(column(2), outcome_labels);
    assert_eq!(column(3), ["行政复议", "未经复议直接起诉", "复议后起诉"]);
    assert_eq!(column(4), ["结果维持", "结果纠正", "其他结果", "尚未审结"]);

    // The data validations and frozen panes, from the sheet XML.
    let ledger_xml = zip_entry(&bytes, "xl/worksheets/sheet1.xml");
    for want in [
        "<pane ySplit=\"1\"",
        "sqref=\"C2:C10000\"",
        "<formula1>'选项'!$A$2:$A$7</formula1>",
        "sqref=\"D2:D10000\"",
        "<formula1>'选项'!$B$2:$B$9</formula1>",
        "sqref=\"G2:G10000\"",
        "<formula1>'选项'!$C$2:$C$22</formula1>",
        "type=\"date\"",
        "sqref=\"E2:E10000\"",
        "sqref=\"H2:H10000\"",
    ] {
        assert!(ledger_xml.contains(want), "台账 lacks {want}: {ledger_xml}");
    }
    let remedy_xml = zip_entry(&bytes, "xl/worksheets/sheet2.xml");
    for want in [
        "<pane ySplit=\"1\"",
        "<formula1>'选项'!$D$2:$D$4</formula1>",
        "<formula1>'选项'!$E$2:$E$5</formula1>",
        "sqref=\"E2:E10000\"",
        "sqref=\"F2:F10000\"",
    ] {
        assert!(
            remedy_xml.contains(want),
            "复议诉讼 lacks {want}: {remedy_xml}"
        );
    }
    let workbook_xml = zip_entry(&bytes, "xl/workbook.xml");
    assert!(workbook_xml.contains("name=\"选项\" sheetId=\"4\" state=\"hidden\""));

    assert_eq!(
        read_ledger(&bytes, "template.xlsx", None, AGENCY).unwrap(),
        Ledger::default()
    );
}

#[test]
fn filled_template_reads_back() {
    let want = expected();
    let bytes = write_ledger(&want).unwrap();
    assert_eq!(
        read_ledger(&bytes, "台账.xlsx", None, AGENCY).unwrap(),
        want
    );
}

fn cell_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        "[0-9]{1,8}",
        "[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,3}日?",
        prop::sample::select(vec![
            "予以公开",
            "自然人",
            "当面",
            "其他",
            "尚未审结",
            "行政复议",
            "结果维持",
            "（一）",
            "1.",
            "、",
            "\"",
            "受理编号",
            "案件编号",
            "45356",
            "２０２４",
        ])
        .prop_map(str::to_string),
        any::<String>(),
    ]
}

fn csv_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = read_ledger(&bytes, "x.csv", Some(&bytes), AGENCY);
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend_from_slice(&bytes);
        let _ = read_ledger(&zipped, "x.xlsx", None, AGENCY);
    }

    #[test]
    fn random_cells_never_panic(
        rows in prop::collection::vec(prop::collection::vec(cell_text(), 0..10), 0..8),
        remedy_rows in prop::collection::vec(prop::collection::vec(cell_text(), 0..8), 0..4),
    ) {
        let mut ledger = vec![REQUEST_HEADERS.iter().map(|s| s.to_string()).collect()];
        ledger.extend(rows.iter().cloned());
        let mut remedies = vec![REMEDY_HEADERS.iter().map(|s| s.to_string()).collect()];
        remedies.extend(remedy_rows);
        let result = read_ledger(&csv_of(&ledger), "台账.csv", Some(&csv_of(&remedies)), AGENCY);
        if let Err(e) = result {
            // Every error is located.
            for err in &e.errors {
                prop_assert!(!err.sheet.is_empty());
            }
        }
        let _ = read_ledger(&csv_of(&rows), "台账.csv", None, AGENCY);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_xlsx_cells_never_panic(
        rows in prop::collection::vec(prop::collection::vec(cell_text(), 8), 1..5),
        number in any::<f64>(),
    ) {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in REQUEST_HEADERS.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, v).unwrap();
            }
        }
        if number.is_finite() {
            ws.write_number(1, 4, number).unwrap();
            ws.write_number(1, 7, number).unwrap();
        }
        let _ = read_ledger(&wb.save_to_buffer().unwrap(), "x.xlsx", None, AGENCY);
    }

    #[test]
    fn corrupted_template_never_panics(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = write_ledger(&expected()).unwrap();
        for (i, b) in &flips {
            let i = i.index(bytes.len());
            bytes[i] = *b;
        }
        let _ = read_ledger(&bytes, "x.xlsx", None, AGENCY);
        let cut = cut.index(bytes.len());
        let _ = read_ledger(&bytes[..cut], "x.xlsx", None, AGENCY);
    }
}
