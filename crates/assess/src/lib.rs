//! The assessment (考核) of the units of a supervisor's subtree. 第四十六条 makes the 政府信息公开
//! work subject to assessment and appraisal (考核、评议); how a unit is scored is the supervising
//! office's own scheme, so it is data: a TOML file of items, each reading one [`Figure`] of the
//! unit and mapping it to points by bands.
//!
//! ```toml
//! min_requests = 5            # fewer requests in the year: not ranked on request items
//!
//! [[item]]
//! name = "按时答复率"
//! weight = 40                 # the item's share of the total
//! figure = "on_time_rate"     # what it reads (see Figure)
//! # The first band the figure reaches gives the points, out of 100 of the weight:
//! # `min` for figures where more is better, `max` where less is better. None reached: 0.
//! bands = [ { min = 1.0, points = 100 }, { min = 0.9, points = 60 } ]
//! ```
//!
//! A unit's item score is `weight × points / 100`; an item whose figure the unit does not have
//! (no catalogue, no normative document, no report due yet) is left out of that unit's total,
//! and the total is the scored items' sum over their weights, × 100: units with and without a
//! catalogue stay comparable. A unit with fewer than `min_requests` requests in the year is
//! 不参与排名: its request items are shown but not compared, and it is listed after the ranking.
//!
//! Pure: the figures come in, the scores go out.
#![forbid(unsafe_code)]

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// What an item reads of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Figure {
    /// Requests decided in the year within their deadline (第三十三条) / all decided in the year.
    OnTimeRate,
    /// Requests of the year (received in it, carried into it, or decided in it).
    Requests,
    /// Open requests past their deadline today.
    Overdue,
    /// Requests decided in the year after their deadline (逾期办结).
    ClosedLate,
    /// Open requests today.
    Open,
    /// 1 when the annual report was submitted (the government's: published) by its due date
    /// (第四十九条), 0 when late or missing; none while not yet due.
    ReportOnTime,
    /// Error-severity findings of the checks R1–R10 on the unit's report.
    ReportErrors,
    /// Warning-severity findings.
    ReportWarnings,
    /// Year-on-year changes that look implausible (the cross-year checks against the report
    /// published the year before).
    ImplausibleChanges,
    /// 政策解读率 of the year's normative documents (第四十四条 context; see gongkai-catalogue);
    /// none without a catalogue or without such documents.
    InterpretationRate,
    /// Documents published later than 第二十六条 allows; none without a catalogue.
    LatePublications,
    /// Items of the unit's 政务公开事项标准目录 without a publication in the year; none
    /// without a directory.
    DirectoryGaps,
}

impl Figure {
    pub const ALL: [Figure; 12] = [
        Figure::OnTimeRate,
        Figure::Requests,
        Figure::Overdue,
        Figure::ClosedLate,
        Figure::Open,
        Figure::ReportOnTime,
        Figure::ReportErrors,
        Figure::ReportWarnings,
        Figure::ImplausibleChanges,
        Figure::InterpretationRate,
        Figure::LatePublications,
        Figure::DirectoryGaps,
    ];

    /// The name a scheme uses.
    pub fn key(self) -> &'static str {
        match self {
            Figure::OnTimeRate => "on_time_rate",
            Figure::Requests => "requests",
            Figure::Overdue => "overdue",
            Figure::ClosedLate => "closed_late",
            Figure::Open => "open",
            Figure::ReportOnTime => "report_on_time",
            Figure::ReportErrors => "report_errors",
            Figure::ReportWarnings => "report_warnings",
            Figure::ImplausibleChanges => "implausible_changes",
            Figure::InterpretationRate => "interpretation_rate",
            Figure::LatePublications => "late_publications",
            Figure::DirectoryGaps => "directory_gaps",
        }
    }

    /// The figure as officers say it.
    pub fn label(self) -> &'static str {
        match self {
            Figure::OnTimeRate => "按时答复率",
            Figure::Requests => "申请数",
            Figure::Overdue => "逾期未办结",
            Figure::ClosedLate => "逾期办结",
            Figure::Open => "办理中",
            Figure::ReportOnTime => "年度报告按时报送",
            Figure::ReportErrors => "年度报告错误数",
            Figure::ReportWarnings => "年度报告警告数",
            Figure::ImplausibleChanges => "跨年度异常变动",
            Figure::InterpretationRate => "政策解读率",
            Figure::LatePublications => "逾期公开文件数",
            Figure::DirectoryGaps => "标准目录未公开事项数",
        }
    }

    /// Whether the figure counts requests: such items compare only units with enough of them.
    pub fn about_requests(self) -> bool {
        matches!(
            self,
            Figure::OnTimeRate
                | Figure::Requests
                | Figure::Overdue
                | Figure::ClosedLate
                | Figure::Open
        )
    }

    /// A rate, shown as a percentage.
    pub fn is_rate(self) -> bool {
        matches!(self, Figure::OnTimeRate | Figure::InterpretationRate)
    }

    pub fn from_key(key: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.key() == key.trim())
    }

    /// The value as shown: a percentage for rates, else the number.
    pub fn show(self, value: f64) -> String {
        if self.is_rate() {
            format!("{:.1}%", value * 100.0)
        } else {
            format!("{value}")
        }
    }
}

/// A unit's figures: absent when the unit does not have it.
pub type Figures = BTreeMap<Figure, f64>;

/// A band: the figure at least `min` (or at most `max`) earns `points` of 100.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    pub bound: Bound,
    pub points: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    AtLeast(f64),
    AtMost(f64),
}

impl Band {
    fn reached(&self, value: f64) -> bool {
        match self.bound {
            Bound::AtLeast(m) => value >= m,
            Bound::AtMost(m) => value <= m,
        }
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.bound {
            Bound::AtLeast(m) => write!(f, "≥{m} 得 {} 分", self.points),
            Bound::AtMost(m) => write!(f, "≤{m} 得 {} 分", self.points),
        }
    }
}

/// One item of a scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub name: String,
    pub weight: f64,
    pub figure: Figure,
    pub bands: Vec<Band>,
}

impl Item {
    /// The points (of 100) the value earns: the first band it reaches, else 0.
    pub fn points(&self, value: f64) -> (f64, Option<usize>) {
        self.bands
            .iter()
            .position(|b| b.reached(value))
            .map_or((0.0, None), |i| (self.bands[i].points, Some(i)))
    }
}

/// A scoring scheme.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheme {
    pub title: String,
    /// Units with fewer requests in the year are not ranked on request items.
    pub min_requests: u32,
    pub items: Vec<Item>,
}

/// Why a scheme was refused, with the line (1-based) where that is known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("考核方案第 {l} 行：")).unwrap_or_else(|| "考核方案有误：".to_owned()))]
pub struct SchemeError {
    pub line: Option<usize>,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheme {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    min_requests: u32,
    #[serde(default)]
    item: Vec<toml::Spanned<RawItem>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    name: String,
    weight: f64,
    figure: toml::Spanned<String>,
    bands: Vec<toml::Spanned<RawBand>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBand {
    min: Option<f64>,
    max: Option<f64>,
    points: f64,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |t| t.matches('\n').count() + 1)
}

impl Scheme {
    /// Reads a scheme: TOML as in the crate documentation. A syntax error is refused with its
    /// line; an unknown figure by its name and line; weights and points must be positive /
    /// within 0–100, and every band must say `min` or `max`.
    pub fn parse(text: &str) -> Result<Scheme, SchemeError> {
        let raw: RawScheme = toml::from_str(text).map_err(|e| SchemeError {
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        if raw.item.is_empty() {
            return Err(SchemeError {
                line: None,
                message: "没有任何考核项目（[[item]]）".into(),
            });
        }
        let mut items = Vec::new();
        for spanned in raw.item {
            let at = line_of(text, spanned.span().start);
            let item = spanned.into_inner();
            let bad = |line: usize, message: String| SchemeError {
                line: Some(line),
                message,
            };
            let figure = Figure::from_key(item.figure.get_ref()).ok_or_else(|| {
                bad(
                    line_of(text, item.figure.span().start),
                    format!(
                        "未知的指标“{}”，可用的指标：{}",
                        item.figure.get_ref(),
                        Figure::ALL.map(Figure::key).join("、")
                    ),
                )
            })?;
            if item.name.trim().is_empty() {
                return Err(bad(at, "考核项目的名称为空".into()));
            }
            if !(item.weight.is_finite() && item.weight > 0.0) {
                return Err(bad(at, format!("“{}”的权重须为正数", item.name)));
            }
            if item.bands.is_empty() {
                return Err(bad(at, format!("“{}”没有评分档次（bands）", item.name)));
            }
            let mut bands = Vec::new();
            for b in item.bands {
                let line = line_of(text, b.span().start);
                let b = b.into_inner();
                let bound = match (b.min, b.max) {
                    (Some(m), None) if m.is_finite() => Bound::AtLeast(m),
                    (None, Some(m)) if m.is_finite() => Bound::AtMost(m),
                    _ => {
                        return Err(bad(
                            line,
                            format!("“{}”的每一档须给出 min 或 max 之一", item.name),
                        ));
                    }
                };
                if !(0.0..=100.0).contains(&b.points) {
                    return Err(bad(
                        line,
                        format!("“{}”的得分须在 0 到 100 之间", item.name),
                    ));
                }
                bands.push(Band {
                    bound,
                    points: b.points,
                });
            }
            items.push(Item {
                name: item.name.trim().to_owned(),
                weight: item.weight,
                figure,
                bands,
            });
        }
        Ok(Scheme {
            title: raw
                .title
                .unwrap_or_else(|| "政府信息公开工作考核".to_owned()),
            min_requests: raw.min_requests,
            items,
        })
    }

    /// Scores every unit and ranks them: units with enough requests by total, highest first
    /// (ties share a rank), then those 不参与排名, by total too.
    pub fn assess(&self, units: &[(String, Figures)]) -> Vec<Assessed> {
        let mut out: Vec<Assessed> = units
            .iter()
            .map(|(unit, figures)| self.score(unit, figures))
            .collect();
        out.sort_by(|a, b| {
            b.ranked
                .cmp(&a.ranked)
                .then(b.total.total_cmp(&a.total))
                .then_with(|| a.unit.cmp(&b.unit))
        });
        let mut rank = 0;
        let mut last: Option<f64> = None;
        for (i, a) in out.iter_mut().enumerate().filter(|(_, a)| a.ranked) {
            if last != Some(a.total) {
                rank = i + 1;
                last = Some(a.total);
            }
            a.rank = Some(rank);
        }
        out
    }

    /// One unit's score with its breakdown.
    pub fn score(&self, unit: &str, figures: &Figures) -> Assessed {
        let requests = figures.get(&Figure::Requests).copied().unwrap_or(0.0);
        let ranked = requests >= f64::from(self.min_requests);
        let lines: Vec<Line> = self
            .items
            .iter()
            .map(|item| {
                let value = figures.get(&item.figure).copied();
                let (points, band) = value.map_or((0.0, None), |v| item.points(v));
                Line {
                    item: item.name.clone(),
                    figure: item.figure,
                    weight: item.weight,
                    value,
                    points: value.map(|_| points),
                    band,
                    score: value.map(|_| item.weight * points / 100.0),
                    compared: ranked || !item.figure.about_requests(),
                }
            })
            .collect();
        let weights: f64 = lines
            .iter()
            .filter(|l| l.score.is_some())
            .map(|l| l.weight)
            .sum();
        let sum: f64 = lines.iter().filter_map(|l| l.score).sum();
        let total = if weights > 0.0 {
            sum / weights * 100.0
        } else {
            0.0
        };
        Assessed {
            unit: unit.to_owned(),
            total: round2(total),
            ranked,
            rank: None,
            lines,
        }
    }
}

/// Two decimals, as a score is shown and compared (ties are ties as printed).
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// One item of a unit's breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub item: String,
    pub figure: Figure,
    pub weight: f64,
    /// The figure; `None` when the unit does not have it (the item is left out of its total).
    pub value: Option<f64>,
    /// Points of 100 earned.
    pub points: Option<f64>,
    /// The band reached (index into the item's bands).
    pub band: Option<usize>,
    /// `weight × points / 100`.
    pub score: Option<f64>,
    /// False for a request item of a unit with too few requests (不参与排名).
    pub compared: bool,
}

/// A unit's assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub unit: String,
    /// Of 100, over the items the unit has a figure for.
    pub total: f64,
    /// Whether the unit has enough requests to be ranked.
    pub ranked: bool,
    /// 1-based; `None` for a unit 不参与排名.
    pub rank: Option<usize>,
    pub lines: Vec<Line>,
}

/// The sample scheme, as committed in `docs/assessment.sample.toml`.
pub const SAMPLE: &str = include_str!("../../../docs/assessment.sample.toml");

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_scheme_reads() {
        let s = Scheme::parse(SAMPLE).unwrap();
        assert!(s.items.len() >= 5);
        assert!(s.min_requests > 0);
    }

    #[test]
    fn a_broken_scheme_is_refused_with_its_line() {
        let e = Scheme::parse("min_requests = 3\n[[item]]\nname = \"x\"\nweight = \n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        let e = Scheme::parse(
            "[[item]]\nname = \"x\"\nweight = 1\nfigure = \"speed\"\nbands = [{min = 1, points = 1}]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("“speed”"), "{e}");
        assert!(e.to_string().starts_with("考核方案第 4 行"), "{e}");
        let e = Scheme::parse(
            "[[item]]\nname = \"x\"\nweight = 1\nfigure = \"open\"\nbands = [\n {points = 1},\n]\n",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(6), "{e}");
        assert!(Scheme::parse("").is_err());
    }

    #[test]
    fn the_first_band_reached_scores_and_missing_figures_leave_the_total() {
        let s = Scheme::parse(
            "min_requests = 2\n\
             [[item]]\nname = \"按时\"\nweight = 60\nfigure = \"on_time_rate\"\n\
             bands = [{min = 1.0, points = 100}, {min = 0.5, points = 50}]\n\
             [[item]]\nname = \"解读\"\nweight = 40\nfigure = \"interpretation_rate\"\n\
             bands = [{min = 0.8, points = 100}]\n",
        )
        .unwrap();
        let f = |pairs: &[(Figure, f64)]| pairs.iter().copied().collect::<Figures>();
        let units = vec![
            // 60 × 50/100 = 30 and 40 × 0 = 0 → 30 / 100 × 100 = 30.
            (
                "甲".to_owned(),
                f(&[
                    (Figure::Requests, 4.0),
                    (Figure::OnTimeRate, 0.75),
                    (Figure::InterpretationRate, 0.5),
                ]),
            ),
            // No catalogue: 60 × 100/100 = 60 over 60 → 100.
            (
                "乙".to_owned(),
                f(&[(Figure::Requests, 2.0), (Figure::OnTimeRate, 1.0)]),
            ),
            // One request: scored 100 but not ranked.
            (
                "丙".to_owned(),
                f(&[(Figure::Requests, 1.0), (Figure::OnTimeRate, 1.0)]),
            ),
        ];
        let r = s.assess(&units);
        let got: Vec<(&str, f64, Option<usize>)> = r
            .iter()
            .map(|a| (a.unit.as_str(), a.total, a.rank))
            .collect();
        assert_eq!(
            got,
            [
                ("乙", 100.0, Some(1)),
                ("甲", 30.0, Some(2)),
                ("丙", 100.0, None)
            ]
        );
        assert!(!r[2].lines[0].compared && r[2].lines[1].value.is_none());
    }
}
