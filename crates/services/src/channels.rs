//! The channel register: an agency's portal and 政务新媒体 accounts (platform, name, operator,
//! opened, closed, 备案), and the monthly counts of their posts not in the catalogue, imported
//! from the accounts' own statistics. Catalogue documents name the channels they were published
//! on (发布渠道); the annual report's section 二 and a supervising office read both.
//!
//! Reading needs [`Capability::Read`]; registering, closing and importing need
//! [`Capability::Handle`] on the agency.

use crate::{Ctx, Result, ServiceError};
use chrono::{Datelike, NaiveDate};
use gongkai_access::Capability;
use gongkai_cases::Agency;
use gongkai_cases::limits::{check_date, check_text, check_year};
use gongkai_catalogue_import::TableKind;
use gongkai_store::channels::{Channel, ChannelId, NewChannel, Platform, PostCount};
use gongkai_store::{ImportCounts, Store};
use std::collections::HashMap;

/// A channel to register, as a person gives it.
#[derive(Debug, Clone)]
pub struct ChannelInput {
    pub agency: String,
    /// 门户网站, 微信公众号, 微博, 抖音, 头条号, 客户端, or another platform's name.
    pub platform: String,
    pub name: String,
    pub operator: String,
    pub opened: NaiveDate,
    /// 已备案.
    pub filed: bool,
}

/// The register as listed: each channel with its agency's name and, for a year, what was
/// published on it.
#[derive(Debug, Clone)]
pub struct ChannelRow {
    pub agency: String,
    pub channel: Channel,
    /// With a year: catalogue documents published on the channel in it.
    pub documents: Option<usize>,
    /// With a year: imported posts not in the catalogue, over its months.
    pub posts: Option<i64>,
}

/// The longest channel name and operator, in characters.
const MAX_NAME_CHARS: usize = 100;

impl<S: Store> Ctx<'_, S> {
    /// Registers a channel of the agency.
    pub async fn add_channel(&self, input: ChannelInput) -> Result<Channel> {
        let (agency, tree) = self.locate(&input.agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let name = input.name.trim();
        if name.is_empty() {
            return Err(ServiceError::Invalid(
                "请填写渠道名称（网站或账号名称）".into(),
            ));
        }
        if input.platform.trim().is_empty() {
            return Err(ServiceError::Invalid(
                "请填写平台（如 微信公众号、微博）".into(),
            ));
        }
        self.limit(check_text("渠道名称", name, MAX_NAME_CHARS, false))?;
        self.limit(check_text("平台", &input.platform, MAX_NAME_CHARS, false))?;
        self.limit(check_text(
            "运营主体",
            &input.operator,
            MAX_NAME_CHARS,
            false,
        ))?;
        self.limit(check_date("开设日期", input.opened, self.settings.today))?;
        let platform = Platform::parse(&input.platform);
        let mut audit = self
            .draft(
                &grant,
                "channel.add",
                format!("{} 的渠道 {name}", agency.name),
            )
            .await?;
        audit.set("platform", platform.label());
        Ok(self
            .store
            .add_channel(
                NewChannel {
                    agency: agency.id,
                    platform,
                    name: name.to_string(),
                    operator: input.operator.trim().to_string(),
                    opened: input.opened,
                    filed: input.filed,
                },
                audit,
            )
            .await?)
    }

    /// Records that the agency's channel `name` was closed (关停) on `on`.
    pub async fn close_channel(&self, agency: &str, name: &str, on: NaiveDate) -> Result<Channel> {
        let (agency, tree) = self.locate(agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        self.limit(check_date("关停日期", on, self.settings.today))?;
        let channel = self.channel_named(&agency, name).await?;
        let audit = self
            .draft(
                &grant,
                "channel.close",
                format!("{} 的渠道 {}", agency.name, channel.name),
            )
            .await?;
        Ok(self.store.close_channel(channel.id, on, audit).await?)
    }

    /// The register of the agency, or with `subtree` of every unit below it the caller sees,
    /// by unit (in the tree's order) then name; with `year`, each channel's catalogue documents
    /// and imported posts of the year.
    pub async fn channel_register(
        &self,
        agency: &str,
        subtree: bool,
        year: Option<i32>,
    ) -> Result<Vec<ChannelRow>> {
        let (agency, tree) = self.locate(agency).await?;
        self.grant_in(&tree, &agency, Capability::Read)?;
        let units = self.units(&tree, &agency, subtree);
        let ids: Vec<_> = units.iter().map(|a| a.id).collect();
        let mut by_agency: HashMap<_, Vec<Channel>> = HashMap::new();
        for c in self.store.channels(&ids).await? {
            by_agency.entry(c.agency).or_default().push(c);
        }
        let mut documents: HashMap<ChannelId, usize> = HashMap::new();
        let mut posts: HashMap<ChannelId, i64> = HashMap::new();
        if let Some(year) = year {
            self.limit(check_year(year, self.settings.today))?;
            for (_, c) in self.store.document_channels(&ids, year).await? {
                *documents.entry(c).or_default() += 1;
            }
            for (c, _, n) in self.store.channel_post_counts(&ids, year).await? {
                *posts.entry(c).or_default() += n;
            }
        }
        Ok(units
            .iter()
            .flat_map(|a| {
                by_agency
                    .remove(&a.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|channel| ChannelRow {
                        agency: a.name.clone(),
                        documents: year.map(|_| documents.get(&channel.id).copied().unwrap_or(0)),
                        posts: year.map(|_| posts.get(&channel.id).copied().unwrap_or(0)),
                        channel,
                    })
            })
            .collect())
    }

    /// Imports the monthly counts of posts not in the catalogue (columns 渠道名称, 月份, 发布条数)
    /// for the agency's channels: every bad row reported by row and column, all or nothing; a
    /// month already imported is replaced.
    pub async fn import_post_counts(
        &self,
        agency: &str,
        bytes: &[u8],
        kind: TableKind,
    ) -> Result<ImportCounts> {
        let (agency, tree) = self.locate(agency).await?;
        let grant = self.grant_in(&tree, &agency, Capability::Handle)?;
        let rows = gongkai_directory::read_post_counts(bytes, kind)
            .map_err(|e| ServiceError::Invalid(e.to_string()))?;
        let channels: HashMap<String, Channel> = self
            .store
            .channels(&[agency.id])
            .await?
            .into_iter()
            .map(|c| (c.name.clone(), c))
            .collect();
        let today = self.settings.today;
        let mut problems = Vec::new();
        let mut counts = Vec::with_capacity(rows.len());
        for r in &rows {
            let Some(c) = channels.get(&r.channel) else {
                problems.push(format!(
                    "第{}行“渠道名称”：“{}”不是{}已登记的渠道",
                    r.row, r.channel, agency.name
                ));
                continue;
            };
            let month = (r.year, r.month);
            let opened = (c.opened.year(), c.opened.month());
            let closed = c.closed.map(|d| (d.year(), d.month()));
            if month > (today.year(), today.month())
                || month < opened
                || closed.is_some_and(|cl| month > cl)
            {
                problems.push(format!(
                    "第{}行“月份”：{}年{}月不在渠道“{}”开设（{}）至{}之间",
                    r.row,
                    r.year,
                    r.month,
                    c.name,
                    c.opened,
                    c.closed
                        .map_or("今".to_string(), |d| format!("关停（{d}）"))
                ));
                continue;
            }
            counts.push(PostCount {
                channel: c.id,
                year: r.year,
                month: r.month,
                posts: r.posts,
            });
        }
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems.join("\n")));
        }
        let mut audit = self
            .draft(
                &grant,
                "channel.counts",
                format!("{} 的渠道发布条数", agency.name),
            )
            .await?;
        audit.set("rows", counts.len());
        Ok(self.store.import_post_counts(counts, audit).await?)
    }

    async fn channel_named(&self, agency: &Agency, name: &str) -> Result<Channel> {
        self.store
            .channels(&[agency.id])
            .await?
            .into_iter()
            .find(|c| c.name == name.trim())
            .ok_or_else(|| {
                ServiceError::Invalid(format!("{} 没有名为“{}”的渠道", agency.name, name.trim()))
            })
    }
}
