//! The assessment (考核, 第四十六条) of every unit the caller sees: the scheme's items scored
//! on each unit's dashboard figures ([`crate::dashboard`]), with the breakdown, and the
//! ranking. The scoring itself is [`gongkai_assess`]'s; this layer gathers the figures.

use crate::{Ctx, Result};
use gongkai_assess::{Assessed, Scheme};
use gongkai_cases::tables;
use gongkai_render::listing::{Listing, Value};
use gongkai_store::Store;

/// A year's assessment under a scheme.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub year: i32,
    pub scheme: Scheme,
    /// Ranked units first, by rank; then those 不参与排名.
    pub units: Vec<Assessed>,
}

impl<S: Store> Ctx<'_, S> {
    /// Scores every unit the caller sees for `year` (with `agency`, only that agency and those
    /// below it) under `scheme`.
    pub async fn assess(
        &self,
        year: i32,
        scheme: &Scheme,
        agency: Option<&str>,
    ) -> Result<Assessment> {
        let within = match agency {
            Some(name) => {
                let (agency, tree) = self.locate(name).await?;
                Some(tables::subtree(&tree, agency.id))
            }
            None => None,
        };
        let rows = self.supervision(year).await?;
        let units: Vec<(String, gongkai_assess::Figures)> = rows
            .iter()
            .filter(|r| {
                within
                    .as_ref()
                    .is_none_or(|ids| ids.contains(&r.filing.agency.id))
            })
            .map(|r| (r.agency().to_owned(), r.figures()))
            .collect();
        Ok(Assessment {
            year,
            scheme: scheme.clone(),
            units: scheme.assess(&units),
        })
    }
}

/// Why a unit has no rank.
pub fn unranked_note(scheme: &Scheme) -> String {
    format!(
        "本年度申请不足 {} 件，不参与排名（申请类项目仅供参考）",
        scheme.min_requests
    )
}

/// The assessment as a table, for XLSX and DOCX: rank, unit, total, then for each item the
/// figure and the score.
pub fn listing(a: &Assessment) -> Listing {
    let mut headers = vec!["名次".to_owned(), "机关".to_owned(), "总分".to_owned()];
    for item in &a.scheme.items {
        headers.push(format!("{}（{}）", item.name, item.figure.label()));
        headers.push(format!("{}得分（满分 {}）", item.name, item.weight));
    }
    headers.push("备注".to_owned());
    let rows = a
        .units
        .iter()
        .map(|u| {
            let mut row = vec![
                u.rank.map_or(Value::Text("不参与排名".into()), |r| {
                    Value::Number(r as f64)
                }),
                Value::Text(u.unit.clone()),
                Value::Number(u.total),
            ];
            for l in &u.lines {
                row.push(l.value.map_or(Value::Text("无此项".into()), |v| {
                    if l.figure.is_rate() {
                        Value::Percent(v)
                    } else {
                        Value::Number(v)
                    }
                }));
                row.push(l.score.map_or(Value::Empty, Value::Number));
            }
            row.push(Value::Text(if u.ranked {
                String::new()
            } else {
                unranked_note(&a.scheme)
            }));
            row
        })
        .collect();
    Listing {
        title: format!("{} 年度{}", a.year, a.scheme.title),
        headers,
        rows,
    }
}
