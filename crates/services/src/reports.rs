//! The annual report from the records (第四十九条、第五十条): tables 三 and 四 computed from the
//! requests and remedy cases, table 二 from the recorded figures, the text from what the officer
//! wrote; the drill-down to the records behind a figure; and the report's text as a Markdown
//! file whose headings are the statutory sections.

use crate::{Capability, Ctx, Result, ServiceError};
use chrono::NaiveDate;
use gongkai_cases::limits::{MAX_TEXT_CHARS, check_text, check_year};
use gongkai_cases::tables::{self, CaseRef, RemedyFacts};
use gongkai_cases::{AgencyId, Outcome, RemedyId, ReportText, Request, RequestId, YearFigures};
use gongkai_cases::{lifecycle, vocab};
use gongkai_catalogue::{RegisterEntry, table2};
use gongkai_report::template::{self, CellKind};
use gongkai_report::{CellKey, Format, Report, Section, Value};
use gongkai_store::Store;
use std::collections::HashMap;

/// A report generated from the records, with what is still missing from it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub report: Report,
    pub warnings: Vec<ReportWarning>,
    /// Section 二's figures computed from the records ([`crate::activity`]).
    pub activity: gongkai_activity::Activity,
    /// The agency wrote section 二 itself: the paragraph written from [`Self::activity`] is not
    /// in the report, and the checks compare the figures it wrote with the computed ones.
    pub own_section_two: bool,
}

/// Something a generated report lacks that the officer should supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportWarning {
    /// No table 二 figures were recorded for the agency-year (every table 二 cell is empty).
    NoTable2Figures,
    /// A section the officer writes is empty (sections 一, 五 and 六 have no table).
    EmptySection(Section),
}

/// The sections that are text only: the officer writes them, and R10 asks for them.
const WRITTEN: [Section; 3] = [Section::S1Overview, Section::S5Problems, Section::S6Other];

/// One record behind a figure, for the officer's drill-down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// `request`, `remedy` or `document` (a catalogue document behind a table 二 figure).
    pub kind: &'static str,
    /// The request's, remedy case's or document's id.
    pub id: i64,
    pub agency: String,
    /// 受理编号, 案件编号, or a document's 索引号.
    pub reference: String,
    /// Date of receipt; a document's 成文日期 (its 发布日期 when it has none).
    pub received: NaiveDate,
    /// Decision or closing date, if any by now; a document's 废止/失效 date.
    pub closed: Option<NaiveDate>,
    /// Outcome label, the remedy's kind and result, or a document's title.
    pub outcome: String,
    /// The applicant, or a document's 文号.
    pub applicant: String,
}

impl<S: Store> Ctx<'_, S> {
    /// The annual report of an agency (or, consolidated, of a government with all its
    /// subordinate agencies) for a year: tables 三 and 四 computed from the requests and remedy
    /// cases, table 二 from the recorded figures (summed over a consolidated scope), the text
    /// the officer set (a section the officer wrote replaces the sentence generated for it).
    /// The agency is named as it was named at the end of the year.
    pub async fn generate_report(
        &self,
        agency: &str,
        year: i32,
        consolidated: bool,
    ) -> Result<Generated> {
        self.limit(check_year(year, self.settings.today))?;
        let agency = self.agency(agency).await?;
        if consolidated {
            // The consolidated report of a subtree is the supervising office's (web.md §1).
            self.grant(&agency, Capability::Consolidate).await?;
        }
        let agencies = self.report_scope(&agency, year, consolidated).await?;
        let facts = self.store.case_facts(&agencies, year).await?;
        let remedies = self.store.remedy_facts(&agencies, year).await?;
        let (figures, notes) = self.scope_figures(&agencies, year).await?;
        let end = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| ServiceError::Invalid(format!("年份 {year} 无效")))?;
        let mut report = tables::generate(
            agency.name_on(end),
            year,
            &facts,
            &remedies,
            figures.as_ref(),
        );
        let mut warnings = Vec::new();
        if figures.is_none_or(|f| f.cells.is_empty()) {
            warnings.push(ReportWarning::NoTable2Figures);
        }
        if let Some(text) = self.store.report_text(agency.id, year).await? {
            report.preamble = text.preamble.clone();
            for (section, body) in &text.sections {
                if !body.trim().is_empty() {
                    report.sections[*section as usize] = body.clone();
                }
            }
        }
        // Section 二's paragraph from the records, unless the agency wrote its own.
        let activity = self.activity_of(&agencies, year).await?;
        let own_section_two = !report.section(Section::S2Proactive).trim().is_empty();
        if !own_section_two {
            report.set_section(Section::S2Proactive, gongkai_activity::paragraph(&activity));
        }
        if !notes.is_empty() {
            let s2 = Section::S2Proactive;
            let text = report.section(s2).trim_end().to_owned();
            let joined = notes.join("\n");
            report.set_section(
                s2,
                if text.is_empty() {
                    joined
                } else {
                    format!("{text}\n\n{joined}")
                },
            );
        }
        warnings.extend(
            WRITTEN
                .iter()
                .filter(|s| report.section(**s).trim().is_empty())
                .map(|&s| ReportWarning::EmptySection(s)),
        );
        Ok(Generated {
            report,
            warnings,
            activity,
            own_section_two,
        })
    }

    /// Table 二 figures of a scope: the agency's own, or for a consolidated report the
    /// cell-wise sum over the scope (every agency of a government reports its own documents,
    /// decisions and fees; the government's consolidated figure is their total). An agency that
    /// keeps its catalogue in gongkai has its 规章 and 规范性文件 cells computed from it
    /// (第二十条第（一）项); a figure it typed over a computed one wins, and the note saying so
    /// and why is returned for the report to print.
    async fn scope_figures(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<(Option<YearFigures>, Vec<String>)> {
        let format = Format::for_year(year);
        let entries = self.store.register_entries(agencies).await?;
        let names: HashMap<AgencyId, String> = self
            .tree()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let mut total: Vec<(CellKey, Value)> = Vec::new();
        let mut notes = Vec::new();
        let mut any = false;
        for &id in agencies {
            let recorded = self.store.figures(id, year).await?;
            any |= recorded.is_some();
            let (mut cells, reasons) =
                recorded.map_or_else(Default::default, |f| (f.cells, f.reasons));
            let own: Vec<RegisterEntry> =
                entries.iter().filter(|e| e.agency == id).cloned().collect();
            if !own.is_empty() || self.has_catalogue(id).await? {
                any = true;
                for computed in table2(&own, year, format) {
                    let value = Value::Int(i64::try_from(computed.value).unwrap_or(i64::MAX));
                    match cells.iter().find(|(k, _)| *k == computed.key) {
                        None => cells.push((computed.key, value)),
                        Some((_, typed)) if *typed == value => {}
                        Some((_, typed)) => {
                            let reason = reasons
                                .iter()
                                .find(|(k, _)| *k == computed.key)
                                .map_or("未说明", |(_, r)| r.as_str());
                            let whose = if agencies.len() > 1 {
                                format!("（{}）", names.get(&id).map_or("", String::as_str))
                            } else {
                                String::new()
                            };
                            notes.push(format!(
                                "注{whose}：{}填报 {typed} 件，公开目录记录 {} 件；原因：{reason}。",
                                template::cell_name(format, computed.key),
                                computed.value
                            ));
                        }
                    }
                }
            }
            for (key, value) in cells {
                match total.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, v)) => *v = add(*v, value),
                    None => total.push((key, value)),
                }
            }
        }
        let figures = any.then(|| YearFigures {
            agency: agencies[0],
            year,
            cells: total,
            reasons: Vec::new(),
        });
        Ok((figures, notes))
    }

    /// Whether an agency keeps any document in the catalogue.
    async fn has_catalogue(&self, agency: AgencyId) -> Result<bool> {
        let one = gongkai_store::DocumentFilter {
            agencies: vec![agency],
            category: None,
            published_from: None,
            published_to: None,
            limit: 1,
            after: None,
        };
        Ok(!self.store.list_documents(&one).await?.is_empty())
    }

    /// The requests (or remedy cases) counted in one cell of the generated report.
    pub async fn explain(
        &self,
        agency: &str,
        year: i32,
        cell: CellKey,
        consolidated: bool,
    ) -> Result<Vec<Counted>> {
        self.limit(check_year(year, self.settings.today))?;
        let agency = self.agency(agency).await?;
        let format = Format::for_year(year);
        let explained = matches!(cell, CellKey::T3(..) | CellKey::T4(_)) || from_catalogue(cell);
        if !explained || !template::allows(format, cell) {
            return Err(ServiceError::Invalid(format!(
                "{cell} 不是 {year} 年度报告（{format} 格式）表三、表四或表二规章、规范性文件的单元格"
            )));
        }
        let agencies = self.report_scope(&agency, year, consolidated).await?;
        if from_catalogue(cell) {
            return self.explain_register(&agencies, year, cell).await;
        }
        let facts = self.store.case_facts(&agencies, year).await?;
        let remedies = self.store.remedy_facts(&agencies, year).await?;
        let names: HashMap<AgencyId, String> = self
            .tree()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let name_of = |id: AgencyId| names.get(&id).cloned().unwrap_or_default();
        let refs = tables::explain(&facts, &remedies, year, format, cell);
        // The requests in one call: thousands of them behind a figure of a large agency-year.
        let ids: Vec<RequestId> = refs
            .iter()
            .filter_map(|r| match r {
                CaseRef::Request(id) => Some(*id),
                CaseRef::Remedy(_) => None,
            })
            .collect();
        let requests: HashMap<RequestId, Request> = self
            .store
            .requests_by_ids(&ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let remedies: HashMap<RemedyId, &RemedyFacts> =
            remedies.iter().map(|f| (f.id, f)).collect();
        let mut out = Vec::with_capacity(refs.len());
        for r in refs {
            match r {
                CaseRef::Request(id) => {
                    if let Some(req) = requests.get(&id) {
                        out.push(counted_request(req, &name_of(req.data.agency)));
                    }
                }
                CaseRef::Remedy(id) => {
                    if let Some(f) = remedies.get(&id) {
                        out.push(Counted {
                            kind: "remedy",
                            id: f.id.0,
                            agency: name_of(f.agency),
                            reference: f.reference.clone(),
                            received: f.received,
                            closed: f.closed.map(|(d, _)| d),
                            outcome: format!(
                                "{} {}",
                                vocab::remedy_kind_label(f.kind),
                                vocab::remedy_result_label(f.closed.map(|(_, r)| r))
                            ),
                            applicant: String::new(),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// The catalogue documents behind a 规章 or 规范性文件 cell of table 二, as the register
    /// computes it (a figure typed over it is not what these documents count).
    async fn explain_register(
        &self,
        agencies: &[AgencyId],
        year: i32,
        cell: CellKey,
    ) -> Result<Vec<Counted>> {
        // Only the cells: no calendar, no late publications, no 解读率.
        let (entries, _) = self.register_entries_of(agencies).await?;
        let ids = table2(&entries, year, Format::for_year(year))
            .into_iter()
            .find(|c| c.key == cell)
            .map(|c| c.documents)
            .unwrap_or_default();
        let names: HashMap<AgencyId, String> = self
            .tree()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        Ok(self
            .store
            .documents_by_ids(&ids)
            .await?
            .into_iter()
            .map(|d| Counted {
                kind: "document",
                id: d.id.0,
                agency: names.get(&d.data.agency).cloned().unwrap_or_default(),
                reference: d.data.index_number.raw.clone(),
                received: d.data.written.unwrap_or(d.data.published),
                closed: match d.data.validity {
                    gongkai_catalogue::Validity::InForce => None,
                    gongkai_catalogue::Validity::Expired { on }
                    | gongkai_catalogue::Validity::Repealed { on, .. } => Some(on),
                },
                outcome: d.data.title,
                applicant: d.data.doc_number.map(|n| n.normalised).unwrap_or_default(),
            })
            .collect())
    }

    /// Records table 二 figures of an agency-year, keeping the figures already recorded for
    /// other cells. Each cell must belong to table 二 of the year's format and hold the right
    /// kind of value.
    ///
    /// The 规章 and 规范性文件 cells are computed from the catalogue (第二十条第（一）项); a
    /// figure typed over them is an override that must carry `reason`, which the report prints
    /// as a note (a value posted again unchanged keeps the reason it has).
    pub async fn set_figures(
        &self,
        agency: &str,
        year: i32,
        cells: &[(CellKey, Value)],
        reason: Option<&str>,
    ) -> Result<YearFigures> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = reason {
            self.limit(check_text(
                "原因",
                r,
                gongkai_store::rules::MAX_REASON_CHARS,
                true,
            ))?;
        }
        self.limit(check_year(year, self.settings.today))?;
        let agency = self.agency(agency).await?;
        // Who may write comes before what is written: a caller without the right learns nothing
        // of the rules of the cells.
        let grant = self.grant(&agency, Capability::Handle).await?;
        self.unlocked(&agency, year).await?;
        let format = Format::for_year(year);
        for &(key, value) in cells {
            if !matches!(key, CellKey::T2(..)) || !template::allows(format, key) {
                return Err(ServiceError::Invalid(format!(
                    "{key} 不是 {year} 年度报告（{format} 格式）表二的单元格"
                )));
            }
            let ok = match (key.kind(), value) {
                (CellKind::Count, Value::Int(n)) => n >= 0,
                (CellKind::SignedCount, Value::Int(_)) => true,
                (CellKind::Money(_), Value::Money(d)) => !d.is_sign_negative(),
                _ => false,
            };
            if !ok {
                return Err(ServiceError::Invalid(format!(
                    "{key} 的值 {value} 不合适（数量为非负整数，金额为非负数）"
                )));
            }
        }
        let mut current = self
            .store
            .figures(agency.id, year)
            .await?
            .unwrap_or(YearFigures {
                agency: agency.id,
                year,
                cells: Vec::new(),
                reasons: Vec::new(),
            });
        for &(key, value) in cells.iter().filter(|(k, _)| from_catalogue(*k)) {
            let unchanged = current.cells.contains(&(key, value));
            if unchanged {
                continue;
            }
            let Some(reason) = reason else {
                return Err(ServiceError::Invalid(format!(
                    "{}由公开目录计算；手工填报须说明原因",
                    template::cell_name(format, key)
                )));
            };
            current.reasons.retain(|(k, _)| *k != key);
            current.reasons.push((key, reason.to_owned()));
        }
        for &(key, value) in cells {
            match current.cells.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => *v = value,
                None => current.cells.push((key, value)),
            }
        }
        current.cells.sort_by_key(|(k, _)| *k);

        let audit = self
            .draft(&grant, "figures.set", format!("表二 {year} 年"))
            .await?;
        self.store.set_figures(current.clone(), audit).await?;
        Ok(current)
    }

    /// The table 二 figures recorded for an agency-year, if any.
    pub async fn figures(&self, agency: &str, year: i32) -> Result<Option<YearFigures>> {
        let agency = self.agency(agency).await?;
        Ok(self.store.figures(agency.id, year).await?)
    }

    /// Stores the report's text of an agency-year from the Markdown of [`prose_template`].
    pub async fn set_prose(&self, agency: &str, year: i32, markdown: &str) -> Result<ReportText> {
        self.limit(check_year(year, self.settings.today))?;
        let text = parse_prose(markdown)?;
        let agency = self.agency(agency).await?;
        let grant = self.grant(&agency, Capability::Handle).await?;
        self.unlocked(&agency, year).await?;
        let audit = self
            .draft(&grant, "report.prose", format!("年度报告正文 {year} 年"))
            .await?;
        self.store
            .set_report_text(agency.id, year, &text, audit)
            .await?;
        Ok(text)
    }

    /// The report's text of an agency-year, if set.
    pub async fn prose(&self, agency: &str, year: i32) -> Result<Option<ReportText>> {
        let agency = self.agency(agency).await?;
        Ok(self.store.report_text(agency.id, year).await?)
    }
}

impl<S: Store> Ctx<'_, S> {
    /// The published versions of the agency's report of a year, newest first.
    pub async fn published_versions(
        &self,
        agency: &str,
        year: i32,
    ) -> Result<Vec<gongkai_store::published::PublishedVersion>> {
        let agency = self.agency(agency).await?;
        Ok(self.store.published_versions(agency.id, year).await?)
    }
}

fn add(a: Value, b: Value) -> Value {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Value::Int(x.saturating_add(y)),
        (x, y) => Value::Money(x.as_decimal() + y.as_decimal()),
    }
}

fn counted_request(req: &Request, agency: &str) -> Counted {
    let decided = lifecycle::outcome(&req.events);
    Counted {
        kind: "request",
        id: req.id.0,
        agency: agency.to_owned(),
        reference: req.data.reference.clone(),
        received: req.data.received,
        closed: decided.map(|(d, _)| d),
        outcome: decided.map_or_else(
            || "办理中".to_owned(),
            |(_, o): (NaiveDate, Outcome)| o.label().to_owned(),
        ),
        applicant: req.data.applicants.first().map_or_else(String::new, |a| {
            format!("{}（{}）", a.name, template::applicant_label(a.kind))
        }),
    }
}

/// What each section is for, as the 2021 notice (国办公开办函〔2021〕30号) and practice describe
/// it: the guidance the template carries as comments.
fn guidance(section: Section) -> &'static str {
    match section {
        Section::S1Overview => {
            "概述本年度政府信息公开工作：主动公开、依申请公开、政府信息管理、政府信息公开平台建设、监督保障（政府还应写工作考核、社会评议和责任追究情况）。"
        }
        Section::S2Proactive => "表二由系统根据登记的数据生成。此处可写表前的说明文字，可留空。",
        Section::S3Requests => {
            "表三由系统根据申请记录计算。此处可写说明文字；留空时系统写一句与表格一致的概述。"
        }
        Section::S4ReviewLitigation => {
            "表四由系统根据复议诉讼案件计算。此处可写说明文字；留空时系统写一句与表格一致的概述。"
        }
        Section::S5Problems => "写明存在的主要问题及改进情况（人民政府的报告不能只写“无”）。",
        Section::S6Other => {
            "写明信息处理费的收取情况（国办函〔2020〕109号），以及政务公开工作要点落实、人大代表建议和政协提案办理等其他需要报告的事项。"
        }
    }
}

/// A stored report text as the Markdown [`parse_prose`] reads: the preamble, then every
/// statutory section under its `##` heading.
pub fn prose_markdown(text: &ReportText) -> String {
    let mut out = String::new();
    if !text.preamble.is_empty() {
        out.push_str(&format!("{}\n\n", text.preamble));
    }
    for &s in Section::ALL {
        out.push_str(&format!(
            "## {}\n\n{}\n\n",
            template::section_heading(s),
            text.section(s)
        ));
    }
    out
}

/// The Markdown file of a report's text: a title line, room for the text before section 一,
/// then one heading per statutory section with guidance in HTML comments (which
/// [`parse_prose`] drops).
pub fn prose_template() -> String {
    let mut out = String::from(
        "# 政府信息公开工作年度报告\n\n<!-- 第一个“##”标题之前的文字是报告的前言（如编制依据、统计期限），可留空。\n     像这样放在注释标记之间的说明文字不会写入报告。 -->\n\n",
    );
    for &s in Section::ALL {
        out.push_str(&format!(
            "## {}\n\n<!-- {} -->\n\n",
            template::section_heading(s),
            guidance(s)
        ));
    }
    out
}

/// The section a heading names, by its ordinal (`一、` … `六、`): headings vary in real reports
/// (spec §1), so the words after the ordinal are not compared.
fn heading_section(text: &str) -> Option<std::result::Result<Section, char>> {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut chars = t.chars();
    let (first, second) = (chars.next()?, chars.next()?);
    if !matches!(second, '、' | '.' | '．') {
        return None;
    }
    let ordinals = ['一', '二', '三', '四', '五', '六'];
    match ordinals.iter().position(|&o| o == first) {
        Some(i) => Some(Ok(Section::ALL[i])),
        None if "七八九十".contains(first) => Some(Err(first)),
        None => None,
    }
}

/// Reads the Markdown of [`prose_template`]: text before the first section heading is the
/// preamble (a leading `# title` line is not part of it), each `## 一、…` to `## 六、…` heading
/// starts its section; sub-headings inside a section (`### （一）…`) are kept as paragraphs
/// without their `#`; HTML comments are dropped.
///
/// # Errors
/// A section given twice, a seventh section, a text past the length limit; each names the line.
pub fn parse_prose(markdown: &str) -> Result<ReportText> {
    let text = strip_comments(markdown);
    let mut out = ReportText::default();
    let mut current: Option<Section> = None;
    let mut body = String::new();
    let mut seen_title = false;
    let flush = |out: &mut ReportText, current: Option<Section>, body: &mut String| {
        let t = body.trim().to_owned();
        body.clear();
        match current {
            None => out.preamble = t,
            Some(s) => out.sections.push((s, t)),
        }
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = line.trim_start();
        let hashes = trimmed.chars().take_while(|&c| c == '#').count();
        if hashes > 0 {
            let heading = trimmed[hashes..].trim();
            match heading_section(heading) {
                Some(Ok(section)) => {
                    if out.sections.iter().any(|(s, _)| *s == section) || current == Some(section) {
                        return Err(ServiceError::Invalid(format!(
                            "第 {n} 行：“{heading}”重复，每一部分只能写一次"
                        )));
                    }
                    flush(&mut out, current, &mut body);
                    current = Some(section);
                    continue;
                }
                Some(Err(ordinal)) => {
                    return Err(ServiceError::Invalid(format!(
                        "第 {n} 行：年度报告只有六个部分，没有第“{ordinal}”部分"
                    )));
                }
                None if hashes == 1
                    && current.is_none()
                    && !seen_title
                    && body.trim().is_empty() =>
                {
                    // The title line.
                    seen_title = true;
                    continue;
                }
                None => {
                    body.push_str(heading);
                    body.push('\n');
                    continue;
                }
            }
        }
        body.push_str(line);
        body.push('\n');
    }
    flush(&mut out, current, &mut body);
    out.sections.sort_by_key(|(s, _)| *s);
    for (s, t) in &out.sections {
        check_text(template::section_heading(*s), t, MAX_TEXT_CHARS * 10, true)
            .map_err(ServiceError::Invalid)?;
    }
    check_text("前言", &out.preamble, MAX_TEXT_CHARS, true).map_err(ServiceError::Invalid)?;
    Ok(out)
}

/// The text without `<!-- … -->` comments; line breaks inside a comment are kept, so that line
/// numbers in messages stay those of the file.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => {
                let comment = &rest[start..start + end + 3];
                out.extend(comment.chars().filter(|&c| c == '\n'));
                rest = &rest[start + end + 3..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a table 二 cell is computed from the catalogue: the 规章 and 规范性文件 rows
/// (第二十条第（一）项).
pub fn from_catalogue(key: CellKey) -> bool {
    matches!(
        key,
        CellKey::T2(
            gongkai_report::T2Row::Regulations | gongkai_report::T2Row::NormativeDocs,
            _
        )
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_template_reads_back_as_empty_text() {
        let t = parse_prose(&prose_template()).unwrap();
        assert_eq!(t.preamble, "");
        assert_eq!(t.sections.len(), 6);
        assert!(t.sections.iter().all(|(_, body)| body.is_empty()));
        for &s in Section::ALL {
            assert!(prose_template().contains(&format!("## {}", template::section_heading(s))));
        }
    }

    #[test]
    fn sections_are_found_by_their_ordinal() {
        let md = "# 某局2024年报告\n\n根据《条例》编制。\n\n## 一、总体情况\n\n### （一）主动公开\n\n全年公开信息 3327 条。\n\n## 五、政府信息公开工作存在的主要问题及改进情况\n\n问题一。\n<!-- 说明 -->\n## 六、其他\n本年度未收取信息处理费。\n";
        let t = parse_prose(md).unwrap();
        assert_eq!(t.preamble, "根据《条例》编制。");
        assert_eq!(
            t.section(Section::S1Overview),
            "（一）主动公开\n\n全年公开信息 3327 条。"
        );
        assert_eq!(t.section(Section::S5Problems), "问题一。");
        assert_eq!(t.section(Section::S6Other), "本年度未收取信息处理费。");
        assert_eq!(t.section(Section::S3Requests), "");
    }

    #[test]
    fn mistakes_name_the_line() {
        let twice = "## 一、总体情况\n甲\n## 一、总体情况\n乙\n";
        let e = parse_prose(twice).unwrap_err().to_string();
        assert!(e.starts_with("第 3 行"), "{e}");
        let seventh = "## 七、附录\n";
        assert!(
            parse_prose(seventh)
                .unwrap_err()
                .to_string()
                .contains("六个部分")
        );
        let control = "## 一、总体情况\n甲\u{7}乙\n";
        assert!(parse_prose(control).is_err());
    }
}
