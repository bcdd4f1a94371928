//! Every kind of letter rendered from its default template as DOCX and read back: the text of
//! `word/document.xml` names the applicant, the dates and the articles the letter rests on.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use gongkai_calendar::Event;
use gongkai_cases::{
    AgencyId, ApplicantRecord, Channel, Confirmation, Contact, NewRequest, Outcome, Request,
    RequestId, TimelineEvent,
};
use gongkai_letters::{
    Facts, Kind, Remedies, TemplateError, default_template, ground_article, letter_date,
    render_docx, reply_article, validate,
};
use gongkai_render::signature_date;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, m, d).unwrap()
}

fn event(event: Event, outcome: Option<Outcome>, note: &str) -> TimelineEvent {
    TimelineEvent {
        event,
        outcome,
        note: note.into(),
    }
}

fn request(events: Vec<TimelineEvent>) -> Request {
    Request {
        id: RequestId(1),
        data: NewRequest {
            agency: AgencyId(1),
            reference: "JT-2025-017".into(),
            applicants: vec![ApplicantRecord {
                name: "李明远".into(),
                kind: gongkai_report::Applicant::NaturalPerson,
            }],
            channel: Channel::RegisteredPost,
            received: day(3, 3),
            description: "本县2024年农村公路养护资金的使用情况".into(),
            requested_form: "纸质".into(),
            contact: Contact::default(),
        },
        events,
        confirmation: Confirmation::Confirmed,
    }
}

/// The text of a DOCX as the project's reader reads it (paragraphs, one a line).
fn document_text(docx: &[u8]) -> String {
    gongkai_reader::docx::parse(docx).unwrap().plain_text()
}

fn remedies() -> Remedies {
    Remedies {
        reconsideration_body: "某某县人民政府".into(),
        court: "某某县人民法院".into(),
    }
}

fn render(kind: Kind, request: &Request, due: Option<NaiveDate>) -> String {
    let remedies = remedies();
    let facts = Facts {
        agency: "某某县交通运输局",
        due,
        date: letter_date(kind, request).unwrap_or(day(12, 1)),
        remedies: &remedies,
        responsible: None,
    };
    let docx = render_docx(kind, default_template(kind), request, &facts).unwrap();
    document_text(&docx)
}

/// 第三十六条第（五）项: when the information is another agency's and the officer named it,
/// the reply states that agency and its contact; without one it says nothing of the kind.
#[test]
fn a_reply_not_held_names_the_responsible_agency_and_its_contact() {
    let r = request(vec![
        event(Event::Received(day(3, 3)), None, ""),
        event(Event::Decided(day(3, 20)), Some(Outcome::NaNotHeld), ""),
    ]);
    let remedies = remedies();
    let facts = Facts {
        agency: "某某县交通运输局",
        due: None,
        date: day(3, 20),
        remedies: &remedies,
        responsible: Some(("某某市自然资源局", "电话 0000-12345678，地址 某某路1号")),
    };
    let kind = Kind::reply(Outcome::NaNotHeld);
    let text = document_text(&render_docx(kind, default_template(kind), &r, &facts).unwrap());
    assert!(
        text.contains(
            "该政府信息由某某市自然资源局负责公开，联系方式：电话 0000-12345678，地址 某某路1号"
        ),
        "{text}"
    );
    let without = render(kind, &r, None);
    assert!(!without.contains("负责公开，联系方式"), "{without}");
}

#[test]
fn every_outcome_has_its_reply_with_the_articles_and_remedies() {
    for outcome in Outcome::ALL {
        let decided = day(3, 20);
        let r = request(vec![
            event(Event::Received(day(3, 3)), None, ""),
            event(Event::Decided(decided), Some(outcome), "答复说明文字"),
        ]);
        let kind = Kind::for_request(&r.events);
        assert_eq!(kind, Kind::reply(outcome), "{outcome:?}");
        assert!(kind.is_reply());
        let text = render(kind, &r, None);
        for needle in [
            "李明远",
            "JT-2025-017",
            "2025年3月3日",
            &signature_date(decided),
            reply_article(outcome),
            ground_article(outcome),
            "某某县交通运输局",
            "60日内向某某县人民政府申请行政复议",
            "6个月内向某某县人民法院提起行政诉讼",
            "答复说明文字",
            gongkai_letters::reason(outcome),
        ] {
            assert!(
                text.contains(needle),
                "{outcome:?}: {needle:?} not in {text}"
            );
        }
        assert!(reply_article(outcome).starts_with('第'), "{outcome:?}");
    }
}

#[test]
fn refusals_cite_their_ground_and_the_reply_article() {
    for (outcome, ground) in [
        (Outcome::NdStateSecret, "第十四条"),
        (Outcome::NdLawProhibited, "第十四条"),
        (Outcome::NdSecurityStability, "第十四条"),
        (Outcome::NdThirdParty, "第十五条"),
        (Outcome::NdInternalAffairs, "第十六条第一款"),
        (Outcome::NdProcessInfo, "第十六条第二款"),
        (Outcome::NdEnforcementFile, "第十六条第二款"),
    ] {
        let r = request(vec![
            event(Event::Received(day(3, 3)), None, ""),
            event(Event::Decided(day(3, 10)), Some(outcome), ""),
        ]);
        let text = render(Kind::for_request(&r.events), &r, None);
        assert!(
            text.contains(&format!("{ground}和第三十六条第（三）项")),
            "{outcome:?}: {text}"
        );
    }
    // The statutory replies each name their own article.
    for (outcome, article) in [
        (Outcome::NaNotHeld, "第三十六条第（四）、（五）项"),
        (Outcome::NpRepeat, "第三十六条第（六）项"),
        (Outcome::NdAdminInquiry, "第三十六条第（七）项"),
        (Outcome::Partial, "第三十七条"),
        (Outcome::NaNeedsCreation, "第三十八条"),
        (Outcome::NpPetition, "第三十九条第一款"),
        (Outcome::NpPublication, "第三十九条第二款"),
    ] {
        assert_eq!(reply_article(outcome), article, "{outcome:?}");
    }
}

#[test]
fn letters_before_the_decision_follow_the_state() {
    let received = event(Event::Received(day(3, 3)), None, "");
    let cases = [
        (vec![received.clone()], Kind::Receipt, day(3, 3)),
        (
            vec![
                received.clone(),
                event(
                    Event::CorrectionRequested(day(3, 6)),
                    None,
                    "请写明资金的年度",
                ),
            ],
            Kind::Correction,
            day(3, 6),
        ),
        (
            vec![
                received.clone(),
                event(Event::ExtensionApproved(day(3, 28)), None, ""),
            ],
            Kind::Extension,
            day(3, 28),
        ),
        (
            vec![
                received.clone(),
                event(Event::FeeNoticeSent(day(3, 12)), None, "按件计收，100元"),
            ],
            Kind::Fee,
            day(3, 12),
        ),
    ];
    let due = day(4, 30);
    for (events, kind, date) in cases {
        let r = request(events);
        assert_eq!(Kind::for_request(&r.events), kind);
        assert_eq!(letter_date(kind, &r), Some(date));
        let text = render(kind, &r, Some(due));
        for needle in [
            "李明远",
            "JT-2025-017",
            "2025年3月3日",
            &signature_date(date),
        ] {
            assert!(text.contains(needle), "{kind:?}: {needle:?} not in {text}");
        }
        let article = match kind {
            Kind::Receipt => "第三十一条",
            Kind::Correction => "第三十条",
            Kind::Extension => "第三十三条第二款",
            _ => "第四十二条",
        };
        assert!(text.contains(article), "{kind:?}: {text}");
        if matches!(kind, Kind::Receipt | Kind::Extension) {
            assert!(text.contains("2025年4月30日前作出答复"), "{kind:?}: {text}");
        }
    }
    let r = request(vec![
        received,
        event(
            Event::ConsultationStarted(day(3, 5)),
            None,
            "某某建设有限公司",
        ),
    ]);
    let text = render(Kind::Consultation, &r, None);
    assert!(text.contains("某某建设有限公司："), "{text}");
    assert!(text.contains("第三十二条"), "{text}");
    // The third party is not told who applied.
    assert!(!text.contains("李明远"), "{text}");
}

#[test]
fn every_default_template_is_valid_and_every_kind_has_a_name() {
    for kind in Kind::ALL {
        validate(kind, default_template(kind)).unwrap();
        assert_eq!(Kind::parse(kind.key()), Some(kind));
    }
    assert_eq!(Kind::parse("letter"), None);
}

#[test]
fn a_broken_template_is_refused_with_its_line() {
    let kind = Kind::Receipt;
    let unclosed = "# 回执\n> {{ applicant }}：\n收到 {{ received \n";
    match validate(kind, unclosed) {
        Err(TemplateError::Syntax { line, message }) => {
            assert_eq!(line, 3);
            assert!(message.contains("缺少“}}”"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let misspelt = "# 回执\n\n> {{ applicant }}：\n{% if due %}答复期限 {{ dew }}{% endif %}\n";
    match validate(kind, misspelt) {
        Err(e @ TemplateError::Syntax { line: 4, .. }) => {
            assert!(e.to_string().starts_with("模板第 4 行有误"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        validate(kind, "{{ applicant }}"),
        Err(TemplateError::NoTitle)
    );
    // A mistake in a branch only some requests take: the publication's branch of 第三十九条第二款.
    let branch = "# 告知书\n{% if outcome_key == \"np_publication\" %}\n{{ publication_body }}\n{% endif %}\n";
    match validate(Kind::ReplyNotHandled, branch) {
        Err(TemplateError::Syntax { line: 3, .. }) => {}
        other => panic!("{other:?}"),
    }
    // …and one taken only when the officer wrote no note.
    let no_note = "# 告知书\n{% if not note %}{{ nothing }}{% endif %}\n";
    assert!(validate(Kind::Correction, no_note).is_err());
    let endless =
        "# 回执\n{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
    assert!(validate(kind, endless).is_err());
}
