//! Section 二's figures from the records (`gongkai_activity`): the year's publications and
//! 政策解读 from the catalogue, the public messages and their replies, the 政务新媒体 accounts
//! and their posts, the portal's page views; loaded for a report's scope, and each figure
//! traced to the records behind it (`report explain --cell s2.…`).

use crate::reports::{Counted, Generated};
use crate::{Ctx, Result, ServiceError};
use gongkai_activity::{
    Activity, ActivityKey, ChannelFact, DocumentFact, Facts, MessageFact, PostCount, Source,
};
use gongkai_cases::AgencyId;
use gongkai_cases::limits::check_year;
use gongkai_catalogue::{DocumentId, Item};
use gongkai_report::rules::{self, Finding};
use gongkai_report::{CellKey, Format, Section, template};
use gongkai_store::Store;
use gongkai_store::channels::{Channel, Platform};
use std::collections::HashMap;

/// The records behind one figure of a generated report, table cell or section 二 figure.
#[derive(Debug, Clone)]
pub struct Explained {
    /// The key as canonical JSON and `report explain` write it.
    pub key: String,
    /// What the figure counts.
    pub name: String,
    /// The figure: the number of records, or for posts and page views the sum of the counts.
    pub value: i64,
    pub records: Vec<Counted>,
}

impl Generated {
    /// The checks of the generated report (R1–R10), and, when the agency wrote section 二 itself,
    /// R8 on the figures it wrote there against the ones computed from the records.
    pub fn findings(&self) -> Vec<Finding> {
        let mut out = rules::check(&self.report);
        if self.own_section_two {
            out.extend(gongkai_activity::compare(
                self.report.section(Section::S2Proactive),
                &self.activity,
            ));
        }
        out
    }
}

impl<S: Store> Ctx<'_, S> {
    /// Section 二's figures of `agencies` (a report's scope) in `year`.
    pub(crate) async fn activity_of(&self, agencies: &[AgencyId], year: i32) -> Result<Activity> {
        let documents = self
            .store
            .published_documents(agencies, year)
            .await?
            .into_iter()
            .map(|d| DocumentFact {
                id: d.id.0,
                published: d.published,
                item: match d.item {
                    Some(Item::Article20(n)) => Some(n),
                    _ => None,
                },
                interpretation: d.interprets.is_some(),
            })
            .collect();
        let page_views = self
            .store
            .page_views(agencies, year)
            .await?
            .into_iter()
            .map(|(a, v)| (a.0, v))
            .collect();
        let channels = self
            .store
            .channels(agencies)
            .await?
            .into_iter()
            .map(|c| ChannelFact {
                id: c.id.0,
                portal: c.platform == Platform::Portal,
                opened: c.opened,
                closed: c.closed,
            })
            .collect();
        let document_channels = self
            .store
            .document_channels(agencies, year)
            .await?
            .into_iter()
            .map(|(d, c)| (d.0, c.0))
            .collect();
        let post_counts = self
            .store
            .channel_post_counts(agencies, year)
            .await?
            .into_iter()
            .map(|(channel, month, posts)| PostCount {
                channel: channel.0,
                month,
                posts,
            })
            .collect();
        // What is not a message of the public for section 二: one marked abusive, one merged
        // into another (that one counts), one turned into or made from a request (table 三
        // counts the request).
        let messages = self
            .store
            .message_facts(agencies, year)
            .await?
            .into_iter()
            .filter(|m| !m.abusive && m.merged_into.is_none() && m.request.is_none())
            .map(|m| MessageFact {
                id: m.id.0,
                received: m.received,
                replied: m.replied,
                public: m.public,
            })
            .collect();
        Ok(gongkai_activity::compute(&Facts {
            year,
            documents,
            messages,
            channels,
            document_channels,
            post_counts,
            page_views,
        }))
    }

    /// The records behind a figure of the generated report: a cell of tables 二–四 (`t3.…`,
    /// see [`Ctx::explain`]) or a figure of section 二 (`s2.…`).
    pub async fn explain_figure(
        &self,
        agency: &str,
        year: i32,
        key: &str,
        consolidated: bool,
    ) -> Result<Explained> {
        if let Ok(cell) = key.trim().parse::<CellKey>() {
            let records = self.explain(agency, year, cell, consolidated).await?;
            return Ok(Explained {
                key: cell.to_string(),
                name: template::cell_name(Format::for_year(year), cell),
                value: i64::try_from(records.len()).unwrap_or(i64::MAX),
                records,
            });
        }
        let key: ActivityKey = key
            .parse()
            .map_err(|e: gongkai_activity::KeyError| ServiceError::Invalid(e.to_string()))?;
        self.limit(check_year(year, self.settings.today))?;
        let agency = self.agency(agency).await?;
        let agencies = self.report_scope(&agency, year, consolidated).await?;
        let activity = self.activity_of(&agencies, year).await?;
        let figure = activity
            .figure(key)
            .ok_or_else(|| ServiceError::Invalid(format!("{key} 没有数字")))?;
        let names: HashMap<AgencyId, String> = self
            .tree()
            .await?
            .into_iter()
            .map(|a| (a.id, a.name))
            .collect();
        let name_of = |id: i64| names.get(&AgencyId(id)).cloned().unwrap_or_default();
        let doc_ids: Vec<DocumentId> = figure
            .sources
            .iter()
            .filter_map(|s| match s {
                Source::Document(id) => Some(DocumentId(*id)),
                _ => None,
            })
            .collect();
        let documents: HashMap<DocumentId, gongkai_catalogue::Document> = self
            .store
            .documents_by_ids(&doc_ids)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let channels: HashMap<i64, Channel> = if figure
            .sources
            .iter()
            .any(|s| matches!(s, Source::Channel(_) | Source::Posts { .. }))
        {
            self.store
                .channels(&agencies)
                .await?
                .into_iter()
                .map(|c| (c.id.0, c))
                .collect()
        } else {
            HashMap::new()
        };
        let messages: HashMap<i64, gongkai_store::messages::MessageFacts> = if figure
            .sources
            .iter()
            .any(|s| matches!(s, Source::Message(_)))
        {
            self.store
                .message_facts(&agencies, year)
                .await?
                .into_iter()
                .map(|m| (m.id.0, m))
                .collect()
        } else {
            HashMap::new()
        };
        let mut records = Vec::with_capacity(figure.sources.len());
        for source in &figure.sources {
            match *source {
                Source::Document(id) => {
                    if let Some(d) = documents.get(&DocumentId(id)) {
                        records.push(Counted {
                            kind: "document",
                            id,
                            agency: name_of(d.data.agency.0),
                            reference: d.data.index_number.raw.clone(),
                            received: d.data.published,
                            closed: None,
                            outcome: d.data.title.clone(),
                            applicant: d
                                .data
                                .doc_number
                                .as_ref()
                                .map(|n| n.normalised.clone())
                                .unwrap_or_default(),
                        });
                    }
                }
                Source::Views { agency, views } => records.push(Counted {
                    kind: "views",
                    id: agency,
                    agency: name_of(agency),
                    reference: String::new(),
                    received: year_start(year)?,
                    closed: None,
                    outcome: format!("{views} 次"),
                    applicant: String::new(),
                }),
                Source::Channel(id) => {
                    if let Some(c) = channels.get(&id) {
                        records.push(Counted {
                            kind: "channel",
                            id,
                            agency: name_of(c.agency.0),
                            reference: c.platform.label().to_owned(),
                            received: c.opened,
                            closed: c.closed,
                            outcome: c.name.clone(),
                            applicant: String::new(),
                        });
                    }
                }
                Source::Posts {
                    channel,
                    month,
                    posts,
                } => {
                    if let Some(c) = channels.get(&channel) {
                        records.push(Counted {
                            kind: "posts",
                            id: channel,
                            agency: name_of(c.agency.0),
                            reference: format!("{} {}", c.platform.label(), c.name),
                            received: month_start(year, month)?,
                            closed: None,
                            outcome: format!("{month} 月目录外发布 {posts} 条"),
                            applicant: String::new(),
                        });
                    }
                }
                Source::Message(id) => {
                    if let Some(m) = messages.get(&id) {
                        records.push(Counted {
                            kind: "message",
                            id,
                            agency: name_of(m.agency.0),
                            reference: m.tracking_code.clone(),
                            received: m.received,
                            closed: m.replied,
                            outcome: format!(
                                "{}：{}{}",
                                m.kind.label(),
                                m.title,
                                if m.public { "（公开答复）" } else { "" }
                            ),
                            applicant: String::new(),
                        });
                    }
                }
            }
        }
        Ok(Explained {
            key: key.to_string(),
            name: key.label(),
            value: figure.value,
            records,
        })
    }
}

fn month_start(year: i32, month: u32) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(year, month, 1)
        .ok_or_else(|| ServiceError::Invalid(format!("{year} 年 {month} 月无效")))
}

fn year_start(year: i32) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| ServiceError::Invalid(format!("年份 {year} 无效")))
}
