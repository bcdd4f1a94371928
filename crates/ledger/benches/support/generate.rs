//! Generated ledgers shaped like `fixtures/ledgers/2024.csv`, for the benchmark and the
//! examples: references, Chinese names and requests of realistic length, every applicant
//! kind, channel and outcome, dates in the formats officers type. Deterministic (a fixed
//! pseudo-random sequence), so figures can be compared between runs.

use gongkai_ledger::REQUEST_HEADERS as HEADER;
use std::io::{self, Write};

const SURNAMES: [&str; 12] = [
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙",
];
const COMPANIES: [&str; 6] = [
    "某某建设有限公司",
    "某某房地产开发有限公司",
    "某某律师事务所",
    "某某环保协会",
    "某某大学城市规划研究所",
    "某某村民委员会",
];
const KINDS: [&str; 6] = [
    "商业企业",
    "商业企业",
    "法律服务机构",
    "社会公益组织",
    "科研机构",
    "其他",
];
const CHANNELS: [&str; 6] = ["网上申请", "当面", "挂号信", "平信", "电子邮件", "传真"];
const SUBJECTS: [&str; 8] = [
    "某路段拆迁补偿方案及补偿标准",
    "本村土地征收批复文件和征地补偿安置方案",
    "某项目环境影响评价报告书及批复",
    "2023年度部门预算和决算公开说明",
    "某小区规划许可证及总平面图",
    "某河道整治工程招标文件和中标结果",
    "城市低保对象名单及发放标准",
    "某企业排污许可证及监测数据",
];
const OUTCOMES: [&str; 8] = [
    "予以公开",
    "部分公开",
    "本机关不掌握相关政府信息",
    "保护第三方合法权益",
    "重复申请",
    "危及“三安全一稳定”",
    "申请人无正当理由逾期不补正",
    "",
];

/// A small xorshift generator: enough variety, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.next() % items.len() as u64).unwrap_or(0)]
    }
}

/// The cells of row `i` (0-based): good, or with an unknown channel and an impossible date
/// when `bad`.
pub fn row(i: u64, bad: bool) -> [String; 8] {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1));
    let (name, kind) = if rng.next().is_multiple_of(4) {
        let k = usize::try_from(rng.next() % 6).unwrap_or(0);
        (COMPANIES[k].to_string(), KINDS[k])
    } else {
        (format!("{}某{}", rng.pick(&SURNAMES), i % 100), "自然人")
    };
    let day = rng.next() % 300;
    let style = rng.next() % 8;
    let received = chrono_free_date(day, style);
    let outcome = rng.pick(&OUTCOMES);
    let decided = if outcome.is_empty() {
        String::new()
    } else {
        chrono_free_date(day + 5 + rng.next() % 15, style)
    };
    let channel = if bad {
        "飞鸽传书"
    } else {
        rng.pick(&CHANNELS)
    };
    let received = if bad {
        "2024-13-01".to_string()
    } else {
        received
    };
    [
        format!("YS2024-{i:07}"),
        name,
        kind.to_string(),
        channel.to_string(),
        received,
        format!("{}（第{}项）", rng.pick(&SUBJECTS), i % 1000),
        outcome.to_string(),
        decided,
    ]
}

/// Day `n` of 2024 (n < 330) as `2024-03-05`, or now and then `2024/3/5` or `2024年3月5日` as
/// officers type them, without a date library.
fn chrono_free_date(n: u64, style: u64) -> String {
    const DAYS: [u64; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut n = n;
    for (m, len) in DAYS.iter().enumerate() {
        if n < *len {
            let (m, d) = (m + 1, n + 1);
            return match style {
                0 => format!("2024/{m}/{d}"),
                1 => format!("2024年{m}月{d}日"),
                _ => format!("2024-{m:02}-{d:02}"),
            };
        }
        n -= len;
    }
    "2024-12-31".to_string()
}

/// Writes `rows` rows as CSV (UTF-8 with BOM, as Excel saves it).
pub fn write_csv(out: impl Write, rows: u64, bad: bool) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    out.write_all("\u{FEFF}".as_bytes())?;
    out.write_all(HEADER.join(",").as_bytes())?;
    out.write_all(b"\r\n")?;
    for i in 0..rows {
        let cells = row(i, bad);
        out.write_all(cells.join(",").as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    out.flush()
}

/// The same rows as an XLSX workbook with one sheet `台账`.
pub fn xlsx(rows: u64, bad: bool) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("台账")?;
    for (c, h) in (0u16..).zip(HEADER) {
        ws.write_string(0, c, h)?;
    }
    for i in 0..rows {
        let r =
            u32::try_from(i + 1).map_err(|_| rust_xlsxwriter::XlsxError::RowColumnLimitError)?;
        for (c, v) in (0u16..).zip(row(i, bad)) {
            if !v.is_empty() {
                ws.write_string(r, c, v)?;
            }
        }
    }
    wb.save_to_buffer()
}
