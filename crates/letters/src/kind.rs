//! The kinds of letter and which one fits a request: the 答复告知书 of each statutory
//! outcome, and the letters sent while a request is handled.

use gongkai_calendar::Event;
use gongkai_cases::lifecycle::{self, State};
use gongkai_cases::{Outcome, TimelineEvent};

/// A kind of letter, each with its own template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// 申请登记回执: printed for a request handed in or posted, with its reference, date of
    /// receipt (第三十一条) and the date the answer is due (第三十三条).
    Receipt,
    /// 补正通知书 (第三十条): what to make clear, and that the period starts again.
    Correction,
    /// 延期答复告知书 (第三十三条第二款): the extension of at most 20 working days.
    Extension,
    /// 第三方意见征询函 (第三十二条): to the third party whose rights the disclosure may harm.
    Consultation,
    /// 收费通知 (第四十二条; 国办函〔2020〕109号): the 信息处理费 and how to pay it.
    Fee,
    /// 答复告知书, 第三十六条第（一）、（二）项: the information is disclosed.
    ReplyDisclosed,
    /// 答复告知书, 第三十六条第（三）项: not disclosed, on a ground of 第十四、十五、十六条.
    ReplyWithheld,
    /// 答复告知书, 第三十六条第（四）、（五）项: the information does not exist here.
    ReplyNotHeld,
    /// 答复告知书, 第三十六条第（六）项: a repeated request is not handled again.
    ReplyRepeat,
    /// 答复告知书, 第三十六条第（七）项: a law provides its own procedure (行政查询事项).
    ReplySpecialProcedure,
    /// 答复告知书, 第三十七条: the part that can be disclosed is, the rest withheld.
    ReplyPartial,
    /// 答复告知书, 第三十八条: no information to be made or compiled anew.
    ReplyNeedsCreation,
    /// 答复告知书, 第三十九条: 信访、举报、投诉 or a publication, not handled as a request.
    ReplyNotHandled,
    /// 告知书 of every other ending (第三十条, 第三十五条, 第四十二条, …): the outcome and its
    /// ground.
    ReplyOther,
}

impl Kind {
    /// Every kind, in the order lists show them.
    pub const ALL: [Kind; 14] = [
        Kind::Receipt,
        Kind::Correction,
        Kind::Extension,
        Kind::Consultation,
        Kind::Fee,
        Kind::ReplyDisclosed,
        Kind::ReplyWithheld,
        Kind::ReplyNotHeld,
        Kind::ReplyRepeat,
        Kind::ReplySpecialProcedure,
        Kind::ReplyPartial,
        Kind::ReplyNeedsCreation,
        Kind::ReplyNotHandled,
        Kind::ReplyOther,
    ];

    /// The name on the command line, in the API and in the store.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Receipt => "receipt",
            Kind::Correction => "correction",
            Kind::Extension => "extension",
            Kind::Consultation => "consultation",
            Kind::Fee => "fee",
            Kind::ReplyDisclosed => "reply-disclosed",
            Kind::ReplyWithheld => "reply-withheld",
            Kind::ReplyNotHeld => "reply-not-held",
            Kind::ReplyRepeat => "reply-repeat",
            Kind::ReplySpecialProcedure => "reply-special-procedure",
            Kind::ReplyPartial => "reply-partial",
            Kind::ReplyNeedsCreation => "reply-needs-creation",
            Kind::ReplyNotHandled => "reply-not-handled",
            Kind::ReplyOther => "reply-other",
        }
    }

    /// What the letter is, as officers name it, with its article.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Receipt => "申请登记回执",
            Kind::Correction => "补正通知书（第三十条）",
            Kind::Extension => "延期答复告知书（第三十三条）",
            Kind::Consultation => "第三方意见征询函（第三十二条）",
            Kind::Fee => "收费通知（国办函〔2020〕109号）",
            Kind::ReplyDisclosed => "答复告知书：予以公开（第三十六条第（一）、（二）项）",
            Kind::ReplyWithheld => "答复告知书：不予公开（第三十六条第（三）项）",
            Kind::ReplyNotHeld => {
                "答复告知书：信息不存在或不属于本机关（第三十六条第（四）、（五）项）"
            }
            Kind::ReplyRepeat => "答复告知书：重复申请（第三十六条第（六）项）",
            Kind::ReplySpecialProcedure => "答复告知书：依特别规定办理（第三十六条第（七）项）",
            Kind::ReplyPartial => "答复告知书：部分公开（第三十七条）",
            Kind::ReplyNeedsCreation => "答复告知书：需另行制作（第三十八条）",
            Kind::ReplyNotHandled => "答复告知书：不作为政府信息公开申请处理（第三十九条）",
            Kind::ReplyOther => "告知书：其他处理",
        }
    }

    /// The title of the document, also its file name.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Receipt => "政府信息公开申请登记回执",
            Kind::Correction => "政府信息公开申请补正通知书",
            Kind::Extension => "政府信息公开申请延期答复告知书",
            Kind::Consultation => "政府信息公开第三方意见征询函",
            Kind::Fee => "政府信息公开信息处理费收费通知",
            Kind::ReplyOther => "政府信息公开申请处理告知书",
            _ => "政府信息公开申请答复告知书",
        }
    }

    /// The kind a name means.
    pub fn parse(name: &str) -> Option<Kind> {
        let name = name.trim();
        Kind::ALL.into_iter().find(|k| k.key() == name)
    }

    /// Whether the letter answers the request (a decision with an outcome).
    pub fn is_reply(self) -> bool {
        Kind::ALL[5..].contains(&self)
    }

    /// The 答复告知书 of an outcome (第三十六–三十九条).
    pub fn reply(outcome: Outcome) -> Kind {
        use Outcome::*;
        match outcome {
            Disclosed => Kind::ReplyDisclosed,
            Partial => Kind::ReplyPartial,
            // 第三十六条第（三）项 with the ground of 第十四、十五、十六条.
            NdStateSecret | NdLawProhibited | NdSecurityStability | NdThirdParty
            | NdInternalAffairs | NdProcessInfo | NdEnforcementFile => Kind::ReplyWithheld,
            NdAdminInquiry => Kind::ReplySpecialProcedure,
            NaNotHeld => Kind::ReplyNotHeld,
            NaNeedsCreation => Kind::ReplyNeedsCreation,
            NpRepeat => Kind::ReplyRepeat,
            NpPetition | NpPublication => Kind::ReplyNotHandled,
            NaUnclearAfterFix | NpMassUnjustified | NpConfirmReissue | OpNoCorrection
            | OpFeeUnpaid | OpOther => Kind::ReplyOther,
        }
    }

    /// The letter that fits where a request stands: its 答复告知书 once decided, the
    /// 补正通知书 while a correction is awaited (第三十条), the 收费通知 while a fee is, the
    /// 延期答复告知书 once an extension was approved (第三十三条第二款), otherwise the
    /// 申请登记回执.
    pub fn for_request(events: &[TimelineEvent]) -> Kind {
        match lifecycle::state(events) {
            Ok(State::Closed { outcome, .. }) => Kind::reply(outcome),
            Ok(State::AwaitingCorrection) => Kind::Correction,
            Ok(State::AwaitingFee) => Kind::Fee,
            _ if events
                .iter()
                .any(|e| matches!(e.event, Event::ExtensionApproved(_))) =>
            {
                Kind::Extension
            }
            _ => Kind::Receipt,
        }
    }
}

/// The article of the reply to an outcome: the item of 第三十六条 it follows, or 第三十七、
/// 三十八、三十九条 and the other articles an ending rests on.
pub fn reply_article(outcome: Outcome) -> &'static str {
    match (Kind::reply(outcome), outcome) {
        (Kind::ReplyWithheld, _) => "第三十六条第（三）项",
        // The statistical rule (国办公开办函〔2021〕30号) and 其他 name no article of their
        // own: the reply rests on 第三十六条 as a whole.
        (_, Outcome::NpConfirmReissue | Outcome::OpOther) => "第三十六条",
        // The others' grounds are the articles of the reply itself.
        _ => outcome.ground(),
    }
}

/// The article of the ground of a refusal (第十四条 state secret, 第十五条 third party, 第十六条
/// internal or process information), empty for an outcome that refuses nothing on a ground of
/// its own.
pub fn ground_article(outcome: Outcome) -> &'static str {
    match Kind::reply(outcome) {
        Kind::ReplyWithheld => outcome.ground(),
        Kind::ReplyPartial => "第十四条、第十五条、第十六条",
        _ => "",
    }
}

/// Why a request ends with `outcome`, worded after `经审查，` in a reply: the words of the
/// article it rests on.
pub fn reason(outcome: Outcome) -> &'static str {
    use Outcome::*;
    match outcome {
        Disclosed => "您申请公开的信息属于可以公开的政府信息",
        Partial => "您申请公开的信息中，部分内容属于不予公开的情形，其余部分可以公开",
        // 第十四条.
        NdStateSecret => "您申请公开的信息属于依法确定为国家秘密的政府信息",
        NdLawProhibited => "您申请公开的信息属于法律、行政法规禁止公开的政府信息",
        NdSecurityStability => {
            "您申请公开的信息公开后可能危及国家安全、公共安全、经济安全、社会稳定"
        }
        // 第十五条.
        NdThirdParty => "您申请公开的信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
        // 第十六条第一款.
        NdInternalAffairs => {
            "您申请公开的信息属于人事管理、后勤管理、内部工作流程等方面的内部事务信息"
        }
        // 第十六条第二款.
        NdProcessInfo => {
            "您申请公开的信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息"
        }
        NdEnforcementFile => "您申请公开的信息属于行政执法案卷信息",
        // 第三十六条第（七）项.
        NdAdminInquiry => {
            "您申请公开的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定"
        }
        // 第三十六条第（四）、（五）项.
        NaNotHeld => "本机关未制作或者获取您申请公开的政府信息，或者该信息不属于本机关负责公开",
        // 第三十八条.
        NaNeedsCreation => "您申请公开的信息需要本机关对现有政府信息进行加工、分析后方能提供",
        // 第三十条.
        NaUnclearAfterFix => "您的申请经补正后内容仍不明确",
        // 第三十九条第一款.
        NpPetition => "您以政府信息公开申请的形式进行信访、投诉、举报等活动",
        // 第三十六条第（六）项.
        NpRepeat => "本机关已就您提出的政府信息公开申请作出答复，您重复申请公开相同的政府信息",
        // 第三十九条第二款.
        NpPublication => "您要求提供政府公报、报刊、书籍等公开出版物",
        // 第三十五条.
        NpMassUnjustified => "您申请公开政府信息的数量、频次明显超过合理范围，且说明的理由不合理",
        NpConfirmReissue => "您要求本机关确认或者重新出具已获取的政府信息",
        // 第三十条.
        OpNoCorrection => "您无正当理由逾期未补正申请，视为放弃申请",
        // 第四十二条; 国办函〔2020〕109号.
        OpFeeUnpaid => "您逾期未按收费通知要求缴纳信息处理费，视为放弃申请",
        OpOther => "您的申请已办结",
    }
}
