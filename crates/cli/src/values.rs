//! Parsers of option values, with Chinese messages: dates in every notation a ledger uses,
//! years, and the vocabulary of the records (applicant kinds, channels, outcomes, remedies).

use chrono::NaiveDate;
use gongkai_cases::vocab;
use gongkai_cases::{Channel, Outcome, RemedyKind, RemedyResult};
use gongkai_report::Applicant;

/// A date as ledgers write it: `2024-09-27`, `2024/9/27`, `2024年9月27日`, `20240927`.
pub fn date(s: &str) -> Result<NaiveDate, String> {
    vocab::parse_date_text(s).ok_or_else(|| {
        format!("无法识别的日期“{s}”：可写作 2024-09-27、2024/9/27 或 2024年9月27日")
    })
}

/// A year of a report.
pub fn year(s: &str) -> Result<i32, String> {
    let t = s.trim().trim_end_matches('年');
    t.parse::<i32>()
        .map_err(|_| format!("年份应为四位数字，如 2024，而不是“{s}”"))
}

/// One of the six applicant columns of table 三.
pub fn applicant(s: &str) -> Result<Applicant, String> {
    vocab::parse_applicant(s).ok_or_else(|| {
        format!("申请人类型“{s}”应为：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他")
    })
}

/// A channel of application (第二十九条).
pub fn channel(s: &str) -> Result<Channel, String> {
    vocab::parse_channel(s).ok_or_else(|| {
        format!("申请方式“{s}”应为：当面、挂号信、平信、网上、电子邮件、传真、口头、其他")
    })
}

/// An outcome by its table 三 label.
pub fn outcome(s: &str) -> Result<Outcome, String> {
    vocab::parse_outcome(s).ok_or_else(|| {
        format!(
            "无法识别的办理结果“{s}”：应为表三的一项，如 予以公开、部分公开、属于国家秘密、重复申请"
        )
    })
}

/// A remedy kind (table 四's groups).
pub fn remedy_kind(s: &str) -> Result<RemedyKind, String> {
    vocab::parse_remedy_kind(s)
        .ok_or_else(|| format!("案件类型“{s}”应为：行政复议、未经复议直接起诉、复议后起诉"))
}

/// A remedy result; 尚未审结 is not a result to close with.
pub fn remedy_result(s: &str) -> Result<RemedyResult, String> {
    match vocab::parse_remedy_result(s) {
        Some(Some(r)) => Ok(r),
        _ => Err(format!("结果“{s}”应为：结果维持、结果纠正、其他结果")),
    }
}

/// A positive count of working days.
pub fn days(s: &str) -> Result<i64, String> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (0..=1000).contains(n))
        .ok_or_else(|| format!("天数应为 0 到 1000 之间的整数，而不是“{s}”"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn dates_take_the_ledger_notations() {
        let d = NaiveDate::from_ymd_opt(2024, 9, 27).unwrap();
        for s in ["2024-09-27", "2024/9/27", "2024年9月27日"] {
            assert_eq!(date(s), Ok(d), "{s}");
        }
        assert!(date("27.9.2024").unwrap_err().contains("2024年9月27日"));
        assert_eq!(year("2024年"), Ok(2024));
        assert!(year("二〇二四").is_err());
    }
}
