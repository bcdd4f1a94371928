//! The statutory template of each format (spec §2–§3): which cells exist, their labels as
//! printed in the official format, their kind, and the table layouts with row and column spans.
//! This is data, not logic; the renderers, the reader and the checks all read it from here.

use crate::keys::{Applicant, CellKey, Section, T2Col, T2Row, T3Row, T4Col};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The two statutory formats (spec §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Format {
    /// 国办公开办函〔2019〕60号, for the 2019 and 2020 reports.
    #[serde(rename = "2019")]
    F2019,
    /// 国办公开办函〔2021〕30号, for 2021 onwards.
    #[serde(rename = "2021")]
    F2021,
}

impl Format {
    /// Both formats, oldest first.
    pub const ALL: [Format; 2] = [Format::F2019, Format::F2021];

    /// The format the State Council prescribes for a report year (spec §2).
    pub fn for_year(year: i32) -> Format {
        if year <= 2020 {
            Format::F2019
        } else {
            Format::F2021
        }
    }

    /// `"2019"` or `"2021"`, as in canonical JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::F2019 => "2019",
            Format::F2021 => "2021",
        }
    }

    /// Parses `"2019"` or `"2021"`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "2019" => Some(Format::F2019),
            "2021" => Some(Format::F2021),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a cell holds, which decides its JSON type and which values are valid (rule R7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A count: a non-negative integer.
    Count,
    /// A signed count: 2019 `本年增/减`, written `-4`, `+0`.
    SignedCount,
    /// Money as an exact decimal in the column's canonical unit (spec §4).
    Money(MoneyUnit),
}

/// The canonical unit of a money column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyUnit {
    /// 元: 2019 `采购总金额`.
    Yuan,
    /// 万元: 2021 `本年收费金额（单位：万元）`.
    WanYuan,
}

impl MoneyUnit {
    /// The unit as printed.
    pub fn label(self) -> &'static str {
        match self {
            MoneyUnit::Yuan => "元",
            MoneyUnit::WanYuan => "万元",
        }
    }
}

impl CellKey {
    /// The kind of value this cell holds.
    pub fn kind(self) -> CellKind {
        match self {
            CellKey::T2(_, T2Col::ItemsChange) => CellKind::SignedCount,
            CellKey::T2(_, T2Col::ProcurementAmount) => CellKind::Money(MoneyUnit::Yuan),
            CellKey::T2(_, T2Col::AmountWanYuan) => CellKind::Money(MoneyUnit::WanYuan),
            _ => CellKind::Count,
        }
    }
}

/// One block of table 二: a caption row (`第二十条第（N）项`), a header row and data rows.
#[derive(Debug, Clone, Copy)]
pub struct T2Block {
    /// The caption as printed, e.g. `第二十条第（一）项`.
    pub caption: &'static str,
    pub rows: &'static [T2Row],
    pub columns: &'static [T2Col],
}

const T2_2019: &[T2Block] = &[
    T2Block {
        caption: "第二十条第（一）项",
        rows: &[T2Row::Regulations, T2Row::NormativeDocs],
        columns: &[T2Col::MadeNew, T2Col::PublishedNew, T2Col::PublishedTotal],
    },
    T2Block {
        caption: "第二十条第（五）项",
        rows: &[T2Row::AdminLicensing, T2Row::OtherExternalServices],
        columns: &[T2Col::ItemsPrevYear, T2Col::ItemsChange, T2Col::Decisions],
    },
    T2Block {
        caption: "第二十条第（六）项",
        rows: &[T2Row::AdminPenalty, T2Row::AdminCompulsion],
        columns: &[T2Col::ItemsPrevYear, T2Col::ItemsChange, T2Col::Decisions],
    },
    T2Block {
        caption: "第二十条第（八）项",
        rows: &[T2Row::AdminFees],
        columns: &[T2Col::ItemsPrevYear, T2Col::ItemsChange],
    },
    T2Block {
        caption: "第二十条第（九）项",
        rows: &[T2Row::CentralProcurement],
        columns: &[T2Col::ProcurementItems, T2Col::ProcurementAmount],
    },
];

const T2_2021: &[T2Block] = &[
    T2Block {
        caption: "第二十条第（一）项",
        rows: &[T2Row::Regulations, T2Row::NormativeDocs],
        columns: &[T2Col::Issued, T2Col::Repealed, T2Col::InForce],
    },
    T2Block {
        caption: "第二十条第（五）项",
        rows: &[T2Row::AdminLicensing],
        columns: &[T2Col::Decisions],
    },
    T2Block {
        caption: "第二十条第（六）项",
        rows: &[T2Row::AdminPenalty, T2Row::AdminCompulsion],
        columns: &[T2Col::Decisions],
    },
    T2Block {
        caption: "第二十条第（八）项",
        rows: &[T2Row::AdminFees],
        columns: &[T2Col::AmountWanYuan],
    },
];

/// The number of value columns of table 二 (the widest block); narrower blocks let their last
/// column span the rest, as the official template does.
pub const T2_VALUE_COLUMNS: usize = 3;

/// The blocks of table 二 in a format.
pub fn t2_blocks(format: Format) -> &'static [T2Block] {
    match format {
        Format::F2019 => T2_2019,
        Format::F2021 => T2_2021,
    }
}

/// The outcome rows `（一）`–`（五）` of table 三, common to both formats, in template order.
pub const T3_OUTCOMES_COMMON: [T3Row; 18] = [
    T3Row::RDisclosed,
    T3Row::RPartial,
    T3Row::NdStateSecret,
    T3Row::NdLawProhibited,
    T3Row::NdSecurityStability,
    T3Row::NdThirdParty,
    T3Row::NdInternalAffairs,
    T3Row::NdProcessInfo,
    T3Row::NdEnforcementFile,
    T3Row::NdAdminInquiry,
    T3Row::NaNotHeld,
    T3Row::NaNeedsCreation,
    T3Row::NaUnclearAfterFix,
    T3Row::NpPetition,
    T3Row::NpRepeat,
    T3Row::NpPublication,
    T3Row::NpMassUnjustified,
    T3Row::NpConfirmReissue,
];

/// The `（六）其他处理` rows of a format.
pub fn t3_other_rows(format: Format) -> &'static [T3Row] {
    match format {
        Format::F2019 => &[T3Row::ROther],
        Format::F2021 => &[T3Row::OpNoCorrection, T3Row::OpFeeUnpaid, T3Row::OpOther],
    }
}

/// The data rows of table 三 in a format, in template order.
pub fn t3_rows(format: Format) -> Vec<T3Row> {
    let mut rows = vec![T3Row::NewReceived, T3Row::CarriedIn];
    rows.extend_from_slice(&T3_OUTCOMES_COMMON);
    rows.extend_from_slice(t3_other_rows(format));
    rows.extend([T3Row::RTotal, T3Row::CarriedOut]);
    rows
}

/// Every cell of a format, in canonical order (table 二 by block, row, column; table 三 by row,
/// column; table 四 by column).
pub fn cells(format: Format) -> Vec<CellKey> {
    let mut keys = Vec::with_capacity(230);
    for block in t2_blocks(format) {
        for &row in block.rows {
            keys.extend(block.columns.iter().map(|&col| CellKey::T2(row, col)));
        }
    }
    for row in t3_rows(format) {
        keys.extend(Applicant::ALL.iter().map(|&col| CellKey::T3(row, col)));
    }
    keys.extend(T4Col::ALL.iter().map(|&c| CellKey::T4(c)));
    keys
}

/// Whether a report of `format` may hold a value in `key`. A 2021 report may also hold
/// `r_other` when it was printed in the 2019 layout (spec §6, mixed layouts).
pub fn allows(format: Format, key: CellKey) -> bool {
    match key {
        CellKey::T2(row, col) => t2_blocks(format)
            .iter()
            .any(|b| b.rows.contains(&row) && b.columns.contains(&col)),
        CellKey::T3(T3Row::ROther, _) => true,
        CellKey::T3(row, _) => {
            matches!(
                row,
                T3Row::NewReceived | T3Row::CarriedIn | T3Row::RTotal | T3Row::CarriedOut
            ) || T3_OUTCOMES_COMMON.contains(&row)
                || t3_other_rows(format).contains(&row)
        }
        CellKey::T4(_) => true,
    }
}

/// The label of a table 二 row as printed.
pub fn t2_row_label(format: Format, row: T2Row) -> &'static str {
    match (format, row) {
        (_, T2Row::Regulations) => "规章",
        (Format::F2019, T2Row::NormativeDocs) => "规范性文件",
        (Format::F2021, T2Row::NormativeDocs) => "行政规范性文件",
        (_, T2Row::AdminLicensing) => "行政许可",
        (_, T2Row::OtherExternalServices) => "其他对外管理服务事项",
        (_, T2Row::AdminPenalty) => "行政处罚",
        (_, T2Row::AdminCompulsion) => "行政强制",
        (_, T2Row::AdminFees) => "行政事业性收费",
        (_, T2Row::CentralProcurement) => "政府集中采购",
    }
}

/// The label of a table 二 column as printed.
pub fn t2_col_label(format: Format, col: T2Col) -> &'static str {
    match (format, col) {
        (_, T2Col::MadeNew) => "本年新制作数量",
        (_, T2Col::PublishedNew) => "本年新公开数量",
        (_, T2Col::PublishedTotal) => "对外公开总数量",
        (_, T2Col::ItemsPrevYear) => "上一年项目数量",
        (_, T2Col::ItemsChange) => "本年增/减",
        (Format::F2019, T2Col::Decisions) => "处理决定数量",
        (Format::F2021, T2Col::Decisions) => "本年处理决定数量",
        (_, T2Col::ProcurementItems) => "采购项目数量",
        (_, T2Col::ProcurementAmount) => "采购总金额",
        (_, T2Col::Issued) => "本年制发件数",
        (_, T2Col::Repealed) => "本年废止件数",
        (_, T2Col::InForce) => "现行有效件数",
        (_, T2Col::AmountWanYuan) => "本年收费金额（单位：万元）",
    }
}

/// The label of a table 三 data row as printed (with its ordinal).
pub fn t3_row_label(row: T3Row) -> &'static str {
    match row {
        T3Row::NewReceived => "一、本年新收政府信息公开申请数量",
        T3Row::CarriedIn => "二、上年结转政府信息公开申请数量",
        T3Row::RDisclosed => "（一）予以公开",
        T3Row::RPartial => "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        T3Row::NdStateSecret => "1.属于国家秘密",
        T3Row::NdLawProhibited => "2.其他法律行政法规禁止公开",
        T3Row::NdSecurityStability => "3.危及“三安全一稳定”",
        T3Row::NdThirdParty => "4.保护第三方合法权益",
        T3Row::NdInternalAffairs => "5.属于三类内部事务信息",
        T3Row::NdProcessInfo => "6.属于四类过程性信息",
        T3Row::NdEnforcementFile => "7.属于行政执法案卷",
        T3Row::NdAdminInquiry => "8.属于行政查询事项",
        T3Row::NaNotHeld => "1.本机关不掌握相关政府信息",
        T3Row::NaNeedsCreation => "2.没有现成信息需要另行制作",
        T3Row::NaUnclearAfterFix => "3.补正后申请内容仍不明确",
        T3Row::NpPetition => "1.信访举报投诉类申请",
        T3Row::NpRepeat => "2.重复申请",
        T3Row::NpPublication => "3.要求提供公开出版物",
        T3Row::NpMassUnjustified => "4.无正当理由大量反复申请",
        T3Row::NpConfirmReissue => "5.要求行政机关确认或重新出具已获取信息",
        T3Row::ROther => "（六）其他处理",
        T3Row::OpNoCorrection => "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        T3Row::OpFeeUnpaid => {
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
        }
        T3Row::OpOther => "3.其他",
        T3Row::RTotal => "（七）总计",
        T3Row::CarriedOut => "四、结转下年度继续办理",
    }
}

/// A table 三 row label short enough for messages: the long explanatory tails of `（二）` and
/// of the 2021 `（六）` rows are cut.
pub fn t3_row_short_label(row: T3Row) -> &'static str {
    match row {
        T3Row::RPartial => "（二）部分公开",
        T3Row::OpNoCorrection => "1.申请人无正当理由逾期不补正",
        T3Row::OpFeeUnpaid => "2.申请人逾期未按收费通知要求缴纳费用",
        _ => t3_row_label(row),
    }
}

/// The group a table 三 row belongs to, as printed in the merged cells to its left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum T3Group {
    /// `（三）不予公开`
    NotDisclosed,
    /// `（四）无法提供`
    NotAvailable,
    /// `（五）不予处理`
    NotProcessed,
    /// `（六）其他处理` (2021, three rows)
    OtherProcessing,
}

impl T3Group {
    /// The group label as printed.
    pub fn label(self) -> &'static str {
        match self {
            T3Group::NotDisclosed => "（三）不予公开",
            T3Group::NotAvailable => "（四）无法提供",
            T3Group::NotProcessed => "（五）不予处理",
            T3Group::OtherProcessing => "（六）其他处理",
        }
    }

    /// The group of a row, if it has one.
    pub fn of(row: T3Row) -> Option<T3Group> {
        use T3Row::*;
        match row {
            NdStateSecret | NdLawProhibited | NdSecurityStability | NdThirdParty
            | NdInternalAffairs | NdProcessInfo | NdEnforcementFile | NdAdminInquiry => {
                Some(T3Group::NotDisclosed)
            }
            NaNotHeld | NaNeedsCreation | NaUnclearAfterFix => Some(T3Group::NotAvailable),
            NpPetition | NpRepeat | NpPublication | NpMassUnjustified | NpConfirmReissue => {
                Some(T3Group::NotProcessed)
            }
            OpNoCorrection | OpFeeUnpaid | OpOther => Some(T3Group::OtherProcessing),
            _ => None,
        }
    }
}

/// The printed label of `三、本年度办理结果`, the group over all outcome rows.
pub const T3_RESULTS_LABEL: &str = "三、本年度办理结果";

/// The corner note of table 三, printed in the table (spec §3.2).
pub const T3_CORNER_NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";

/// The header over the applicant columns of table 三.
pub const T3_APPLICANT_HEADER: &str = "申请人情况";

/// The header over the five organisation columns of table 三.
pub const T3_ORG_HEADER: &str = "法人或其他组织";

/// The label of a table 三 column as printed.
pub fn applicant_label(col: Applicant) -> &'static str {
    match col {
        Applicant::NaturalPerson => "自然人",
        Applicant::OrgCommercial => "商业企业",
        Applicant::OrgResearch => "科研机构",
        Applicant::OrgPublicWelfare => "社会公益组织",
        Applicant::OrgLegalService => "法律服务机构",
        Applicant::OrgOther => "其他",
        Applicant::Total => "总计",
    }
}

/// Table 四's two top headers, its litigation sub-groups and its leaf labels.
pub const T4_REVIEW_HEADER: &str = "行政复议";
pub const T4_LITIGATION_HEADER: &str = "行政诉讼";
pub const T4_LIT_DIRECT_HEADER: &str = "未经复议直接起诉";
pub const T4_LIT_AFTER_REV_HEADER: &str = "复议后起诉";

/// The leaf label of a table 四 column (the same five words repeat in each group).
pub fn t4_col_label(col: T4Col) -> &'static str {
    use T4Col::*;
    match col {
        RevUpheld | LitDirectUpheld | LitAfterRevUpheld => "结果维持",
        RevCorrected | LitDirectCorrected | LitAfterRevCorrected => "结果纠正",
        RevOther | LitDirectOther | LitAfterRevOther => "其他结果",
        RevPending | LitDirectPending | LitAfterRevPending => "尚未审结",
        RevTotal | LitDirectTotal | LitAfterRevTotal => "总计",
    }
}

/// The heading of a section as the official format words it.
pub fn section_heading(section: Section) -> &'static str {
    match section {
        Section::S1Overview => "一、总体情况",
        Section::S2Proactive => "二、主动公开政府信息情况",
        Section::S3Requests => "三、收到和处理政府信息公开申请情况",
        Section::S4ReviewLitigation => "四、政府信息公开行政复议、行政诉讼情况",
        Section::S5Problems => "五、存在的主要问题及改进情况",
        Section::S6Other => "六、其他需要报告的事项",
    }
}

/// A short human name of a cell for messages, e.g. `表三“（七）总计”行“自然人”列`.
pub fn cell_name(format: Format, key: CellKey) -> String {
    match key {
        CellKey::T2(row, col) => format!(
            "表二“{}”行“{}”列",
            t2_row_label(format, row),
            t2_col_label(format, col)
        ),
        CellKey::T3(row, col) => {
            format!(
                "表三“{}”行“{}”列",
                t3_row_short_label(row),
                applicant_label(col)
            )
        }
        CellKey::T4(col) => {
            let group = match col as usize / 5 {
                0 => T4_REVIEW_HEADER,
                1 => T4_LIT_DIRECT_HEADER,
                _ => T4_LIT_AFTER_REV_HEADER,
            };
            format!("表四“{group}·{}”", t4_col_label(col))
        }
    }
}
