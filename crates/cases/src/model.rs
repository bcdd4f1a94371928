//! The records of disclosure work as values: agencies, requests with their applicants and
//! event timeline, outcomes by statutory category, reconsideration and litigation cases, and an
//! agency's yearly table 二 figures. Storage crates persist exactly these types.

use chrono::NaiveDate;
use gongkai_report::{Applicant, CellKey, Section, T3Row};
use serde::{Deserialize, Serialize};

/// Database identity of an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AgencyId(pub i64);

/// Database identity of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestId(pub i64);

/// Database identity of a reconsideration or litigation case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RemedyId(pub i64);

/// An agency (机关/单位). Agencies form a hierarchy: a government with its departments and
/// townships; the supervising office consolidates a government's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    /// The name in use now.
    pub name: String,
    pub parent: Option<AgencyId>,
    /// Merged into another agency (机构改革): from the year of the merger on, its records count
    /// in that agency's reports, and it files none of its own.
    pub merged: Option<Merger>,
    /// The names it had before, oldest first, each with the day it stopped being used.
    pub former_names: Vec<FormerName>,
}

/// An agency's merger into another (`gongkai agency merge A --into B`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merger {
    pub into: AgencyId,
    /// The day the merger took effect.
    pub on: NaiveDate,
}

/// A name an agency used before it was renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormerName {
    pub name: String,
    /// The day the new name took effect: the former name was used before this day.
    pub until: NaiveDate,
}

impl Agency {
    /// An agency with a name and a parent, never renamed or merged.
    pub fn new(id: AgencyId, name: impl Into<String>, parent: Option<AgencyId>) -> Agency {
        Agency {
            id,
            name: name.into(),
            parent,
            merged: None,
            former_names: Vec::new(),
        }
    }

    /// The name the agency bore on `date`: a report keeps the name it was filed under, which is
    /// the name in use at the end of its year.
    pub fn name_on(&self, date: NaiveDate) -> &str {
        self.former_names
            .iter()
            .filter(|f| f.until > date)
            .min_by_key(|f| f.until)
            .map_or(&self.name, |f| &f.name)
    }

    /// Whether `name` is, or was, this agency's name.
    pub fn has_name(&self, name: &str) -> bool {
        self.name == name || self.former_names.iter().any(|f| f.name == name)
    }
}

/// How a request arrived (第二十九条). The channel decides which day is the date of receipt
/// (spec §1): the day handed in; the day registered post is signed for; the day ordinary post is
/// confirmed with the applicant; the day both sides confirm an online form, e-mail or fax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 当面提交
    InPerson,
    /// 挂号信（邮寄）
    RegisteredPost,
    /// 平信（邮寄）
    OrdinaryPost,
    /// 网上申请（在线平台）
    Online,
    /// 电子邮件
    Email,
    /// 传真
    Fax,
    /// 口头提出，工作人员代为填写（第二十九条第一款：书面确有困难的）
    Oral,
    /// 其他
    Other,
}

/// One applicant (申请人). A request counts once in table 三, under the kind of its
/// first-named applicant (spec §4; the rule this software applies, consistently).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantRecord {
    pub name: String,
    /// One of the six applicant columns of table 三 (never `Applicant::Total`).
    pub kind: Applicant,
}

/// The statutory category of a request's outcome: exactly one row of table 三 (第三十六–三十九条).
/// The 2021 format's three `（六）其他处理` rows print as the single 2019 `（六）其他处理` row in
/// 2019-format reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Disclosed,
    Partial,
    NdStateSecret,
    NdLawProhibited,
    NdSecurityStability,
    NdThirdParty,
    NdInternalAffairs,
    NdProcessInfo,
    NdEnforcementFile,
    NdAdminInquiry,
    NaNotHeld,
    NaNeedsCreation,
    NaUnclearAfterFix,
    NpPetition,
    NpRepeat,
    NpPublication,
    NpMassUnjustified,
    NpConfirmReissue,
    OpNoCorrection,
    OpFeeUnpaid,
    OpOther,
}

/// Something that happened to a request, in the append-only timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    /// The clock event (date and kind), as the deadline engine reads it.
    pub event: gongkai_calendar::Event,
    /// For `Decided`: the outcome. `None` for every other event.
    pub outcome: Option<Outcome>,
    /// Free text: who approved the extension, what was asked in the correction notice, …
    pub note: String,
}

/// A request as registered, before it has a database identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRequest {
    pub agency: AgencyId,
    /// 受理编号: unique within the agency; re-importing a ledger matches on it.
    pub reference: String,
    pub applicants: Vec<ApplicantRecord>,
    pub channel: Channel,
    /// Date of receipt by the channel rule.
    pub received: NaiveDate,
    /// 申请内容
    pub description: String,
    /// 获取信息的方式 (纸质、电子邮件、…), as the applicant asked.
    pub requested_form: String,
    /// Who the applicant is and how to reach them (第二十九条第一项), and the channel by which
    /// they want the information (第二十九条第三项); empty where a ledger does not say.
    #[serde(default)]
    pub contact: Contact,
}

/// The applicant's identity document and contact details (第二十九条第一项) and the channel
/// of delivery asked for (第二十九条第三项). Personal data: shown in full only to those who
/// handle the agency's requests, masked to everyone else (docs/web.md §4), a keyed pseudonym in
/// the audit log, never in a log line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// 身份证明: the document's kind (居民身份证, 护照, 统一社会信用代码, …) and number.
    pub id_kind: String,
    pub id_number: String,
    /// 联系电话
    pub phone: String,
    /// 通信地址
    pub address: String,
    /// 电子邮箱
    pub email: String,
    /// 获取信息的途径: 邮寄, 电子邮件, 当面领取, 网上获取, 传真, …
    pub delivery: String,
}

/// A stored request with its timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    pub id: RequestId,
    #[serde(flatten)]
    pub data: NewRequest,
    /// Append-only, in the order recorded; the first event is always `Received`.
    pub events: Vec<TimelineEvent>,
    /// Whether an officer has confirmed receipt of an online application (the portal's
    /// 依申请公开 form); every other request is confirmed from its registration.
    #[serde(default)]
    pub confirmation: Confirmation,
}

/// Whether an officer has confirmed the receipt of an online application. The date of receipt
/// of an online form is the day both sides confirm it (第三十一条第三项; spec §1): the day of
/// submission when the agency confirms online receipt automatically (`portal.auto_confirm_receipt`),
/// otherwise the day its officer confirms on the 工作台.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Confirmation {
    /// Registered by staff, imported, or confirmed: nothing awaits.
    #[default]
    Confirmed,
    /// Submitted online and not yet confirmed by an officer (state `awaiting_confirmation`).
    Awaiting {
        /// The date of receipt is already fixed as the day of submission (automatic
        /// confirmation), and the answer period runs from it. Otherwise `received` holds the
        /// day of submission only until the officer confirms, and no period runs yet.
        receipt_fixed: bool,
    },
}

impl Confirmation {
    /// Whether the request awaits an officer's confirmation of receipt.
    pub fn is_awaiting(self) -> bool {
        matches!(self, Confirmation::Awaiting { .. })
    }

    /// Whether the date of receipt is known: it is, unless an online application awaits a
    /// confirmation that will fix it.
    pub fn receipt_known(self) -> bool {
        !matches!(
            self,
            Confirmation::Awaiting {
                receipt_fixed: false
            }
        )
    }
}

/// Reconsideration or litigation (table 四's three groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemedyKind {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼：未经复议直接起诉
    LitigationDirect,
    /// 行政诉讼：复议后起诉
    LitigationAfterReconsideration,
}

/// How a remedy case ended (spec §5). A case still open on 31 December counts as 尚未审结.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemedyResult {
    /// 结果维持
    Upheld,
    /// 结果纠正 (revoked, changed, ordered to re-answer, confirmed unlawful)
    Corrected,
    /// 其他结果 (withdrawn, dismissed on procedure, settled, …)
    Other,
}

/// A reconsideration or litigation case before it has a database identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRemedy {
    pub agency: AgencyId,
    /// 案件编号, unique within the agency.
    pub reference: String,
    /// 关联受理编号: the requests the case concerns.
    pub requests: Vec<String>,
    pub kind: RemedyKind,
    pub received: NaiveDate,
    /// The closing date and result; `None` while pending.
    pub closed: Option<(NaiveDate, RemedyResult)>,
}

/// A stored remedy case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remedy {
    pub id: RemedyId,
    #[serde(flatten)]
    pub data: NewRemedy,
}

/// An agency's table 二 figures for a year (normative documents issued/repealed/in force,
/// licensing/penalty/compulsion decisions, fees), recorded by the officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearFigures {
    pub agency: AgencyId,
    pub year: i32,
    /// Only `t2.*` cells; absent cells stay `null` in the report.
    pub cells: Vec<(CellKey, gongkai_report::Value)>,
    /// Why a cell was entered by hand although the records compute it (the 规章 and 规范性文件
    /// rows come from the catalogue): a figure typed over a computed one must say why, and the
    /// report prints it as a note. Only cells of `cells`, each at most once.
    pub reasons: Vec<(CellKey, String)>,
}

/// The written parts of an agency-year's annual report, set by its officer: the text before
/// section 一 (often a paragraph on the legal basis and the period covered) and the prose of the
/// sections, in statutory order. A section left out has no text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportText {
    pub preamble: String,
    pub sections: Vec<(Section, String)>,
}

impl ReportText {
    /// The text of a section, empty when not given.
    pub fn section(&self, section: Section) -> &str {
        self.sections
            .iter()
            .find(|(s, _)| *s == section)
            .map_or("", |(_, t)| t.as_str())
    }
}

impl Outcome {
    /// Every outcome, in table 三 order.
    pub const ALL: [Outcome; 21] = [
        Outcome::Disclosed,
        Outcome::Partial,
        Outcome::NdStateSecret,
        Outcome::NdLawProhibited,
        Outcome::NdSecurityStability,
        Outcome::NdThirdParty,
        Outcome::NdInternalAffairs,
        Outcome::NdProcessInfo,
        Outcome::NdEnforcementFile,
        Outcome::NdAdminInquiry,
        Outcome::NaNotHeld,
        Outcome::NaNeedsCreation,
        Outcome::NaUnclearAfterFix,
        Outcome::NpPetition,
        Outcome::NpRepeat,
        Outcome::NpPublication,
        Outcome::NpMassUnjustified,
        Outcome::NpConfirmReissue,
        Outcome::OpNoCorrection,
        Outcome::OpFeeUnpaid,
        Outcome::OpOther,
    ];

    /// The table 三 row this outcome counts in, for a report of `format`: the 2021 `（六）` rows
    /// are one `r_other` row in the 2019 format.
    pub fn row(self, format: gongkai_report::Format) -> T3Row {
        use Outcome::*;
        match self {
            Disclosed => T3Row::RDisclosed,
            Partial => T3Row::RPartial,
            NdStateSecret => T3Row::NdStateSecret,
            NdLawProhibited => T3Row::NdLawProhibited,
            NdSecurityStability => T3Row::NdSecurityStability,
            NdThirdParty => T3Row::NdThirdParty,
            NdInternalAffairs => T3Row::NdInternalAffairs,
            NdProcessInfo => T3Row::NdProcessInfo,
            NdEnforcementFile => T3Row::NdEnforcementFile,
            NdAdminInquiry => T3Row::NdAdminInquiry,
            NaNotHeld => T3Row::NaNotHeld,
            NaNeedsCreation => T3Row::NaNeedsCreation,
            NaUnclearAfterFix => T3Row::NaUnclearAfterFix,
            NpPetition => T3Row::NpPetition,
            NpRepeat => T3Row::NpRepeat,
            NpPublication => T3Row::NpPublication,
            NpMassUnjustified => T3Row::NpMassUnjustified,
            NpConfirmReissue => T3Row::NpConfirmReissue,
            OpNoCorrection | OpFeeUnpaid | OpOther if format == gongkai_report::Format::F2019 => {
                T3Row::ROther
            }
            OpNoCorrection => T3Row::OpNoCorrection,
            OpFeeUnpaid => T3Row::OpFeeUnpaid,
            OpOther => T3Row::OpOther,
        }
    }

    /// The table 三 label without its numbering, as officers write it in a ledger's 办理结果
    /// column (`予以公开`, `属于国家秘密`, `重复申请`, `申请人无正当理由逾期不补正`).
    pub fn label(self) -> &'static str {
        use Outcome::*;
        match self {
            Disclosed => "予以公开",
            Partial => "部分公开",
            NdStateSecret => "属于国家秘密",
            NdLawProhibited => "其他法律行政法规禁止公开",
            NdSecurityStability => "危及“三安全一稳定”",
            NdThirdParty => "保护第三方合法权益",
            NdInternalAffairs => "属于三类内部事务信息",
            NdProcessInfo => "属于四类过程性信息",
            NdEnforcementFile => "属于行政执法案卷",
            NdAdminInquiry => "属于行政查询事项",
            NaNotHeld => "本机关不掌握相关政府信息",
            NaNeedsCreation => "没有现成信息需要另行制作",
            NaUnclearAfterFix => "补正后申请内容仍不明确",
            NpPetition => "信访举报投诉类申请",
            NpRepeat => "重复申请",
            NpPublication => "要求提供公开出版物",
            NpMassUnjustified => "无正当理由大量反复申请",
            NpConfirmReissue => "要求行政机关确认或重新出具已获取信息",
            OpNoCorrection => "申请人无正当理由逾期不补正",
            OpFeeUnpaid => "申请人逾期未按收费通知要求缴纳费用",
            OpOther => "其他",
        }
    }

    /// The legal ground of the outcome in 《条例》 (国务院令第711号).
    pub fn ground(self) -> &'static str {
        use Outcome::*;
        match self {
            Disclosed => "第三十六条第（一）、（二）项",
            Partial => "第三十七条",
            NdStateSecret | NdLawProhibited | NdSecurityStability => "第十四条",
            NdThirdParty => "第十五条",
            NdInternalAffairs => "第十六条第一款",
            NdProcessInfo | NdEnforcementFile => "第十六条第二款",
            NdAdminInquiry => "第三十六条第（七）项",
            NaNotHeld => "第三十六条第（四）、（五）项",
            NaNeedsCreation => "第三十八条",
            NaUnclearAfterFix | OpNoCorrection => "第三十条",
            NpPetition => "第三十九条第一款",
            NpRepeat => "第三十六条第（六）项",
            NpPublication => "第三十九条第二款",
            NpMassUnjustified => "第三十五条",
            NpConfirmReissue => "国办公开办函〔2021〕30号（统计口径）",
            OpFeeUnpaid => "第四十二条；国办函〔2020〕109号",
            OpOther => "—",
        }
    }
}
