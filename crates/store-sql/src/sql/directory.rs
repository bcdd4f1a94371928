//! The standard item directories (`gongkai_store::Directory`) and the channel register
//! (`gongkai_store::Channels`), written once for every [`Backend`]: an agency's items replaced
//! whole in one transaction, and the catalogue's links to them read for a year's coverage; the
//! portals and 政务新媒体 accounts, the monthly counts of their posts not in the catalogue, and
//! the catalogue documents published on each.

use super::{ROW_CHUNK, Sql, id_list};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::AgencyId;
use gongkai_catalogue::DocumentId;
use gongkai_directory::StandardItem;
use gongkai_store::channels::{Channel, ChannelId, NewChannel, Platform, PostCount};
use gongkai_store::directory::{DirectoryCounts, ItemPublication};
use gongkai_store::{ImportCounts, Result, StoreError, rules};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::{HashMap, HashSet};

/// The columns of `directory_items` an item is read from, in [`item_row`]'s order.
const ITEM_COLUMNS: &str =
    "agency_id, code, domain, name, content, basis, time_limit, body, channels";

/// The columns of `channels` a [`Channel`] is read from, in [`channel_row`]'s order.
const CHANNEL_COLUMNS: &str = "id, agency_id, platform, name, operator, opened, closed, filed";

impl<B, DB> Sql<'_, B>
where
    B: Backend<Db = DB>,
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'s> &'s str: ColumnIndex<DB::Row> + Encode<'s, DB> + Type<DB>,
    for<'s> Option<&'s str>: Encode<'s, DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> NaiveDate: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<NaiveDate>: Encode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
{
    pub async fn replace_directory(
        &self,
        agency: AgencyId,
        items: Vec<StandardItem>,
        mut audit: Draft,
    ) -> Result<DirectoryCounts> {
        let mut seen = HashSet::new();
        if let Some(twice) = items.iter().find(|i| !seen.insert(i.code.as_str())) {
            return Err(StoreError::Conflict(format!(
                "事项编号“{}”出现了不止一次",
                twice.code
            )));
        }
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([agency.0])).await?;
        let sql = format!("SELECT {ITEM_COLUMNS} FROM directory_items WHERE agency_id = $1");
        let old: HashMap<String, StandardItem> = sqlx::query(&sql)
            .bind(agency.0)
            .fetch_all(&mut *tx)
            .await
            .map_err(db("读取标准目录"))?
            .iter()
            .map(|r| item_row::<DB>(r).map(|(_, i)| (i.code.clone(), i)))
            .collect::<Result<_>>()?;
        let mut counts = DirectoryCounts::default();
        for item in &items {
            match old.get(&item.code) {
                None => counts.created += 1,
                Some(o) if o == item => counts.unchanged += 1,
                Some(_) => counts.changed += 1,
            }
        }
        let kept: HashSet<&str> = items.iter().map(|i| i.code.as_str()).collect();
        counts.removed = old.keys().filter(|c| !kept.contains(c.as_str())).count();
        sqlx::query("DELETE FROM directory_items WHERE agency_id = $1")
            .bind(agency.0)
            .execute(&mut *tx)
            .await
            .map_err(db("保存标准目录"))?;
        let rows: Vec<(usize, &StandardItem)> = items.iter().enumerate().collect();
        Self::run_values(
            &mut tx,
            (
                "INSERT INTO directory_items (agency_id, code, position, domain, name, content, \
                 basis, time_limit, body, channels) ",
                "",
            ),
            &rows,
            ROW_CHUNK / 10,
            "保存标准目录",
            |b, (pos, item)| {
                b.bind(agency.0)
                    .bind(item.code.as_str())
                    .bind(*pos as i64)
                    .bind(item.domain.as_str())
                    .bind(item.name.as_str())
                    .bind(item.content.as_str())
                    .bind(item.basis.as_str())
                    .bind(item.time_limit.as_str())
                    .bind(item.body.as_str())
                    .bind(item.channels.as_str());
            },
        )
        .await?;
        audit
            .set("items", items.len())
            .set("created", counts.created)
            .set("changed", counts.changed)
            .set("unchanged", counts.unchanged)
            .set("removed", counts.removed);
        Self::finish(tx, &audit).await?;
        Ok(counts)
    }

    pub async fn directory(&self, agencies: &[AgencyId]) -> Result<Vec<(AgencyId, StandardItem)>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM directory_items WHERE agency_id IN {} \
             ORDER BY agency_id, position",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows = Self::rows_of(&mut *self.conn().await?, &sql, "读取标准目录").await?;
        rows.iter()
            .map(|r| item_row::<DB>(r).map(|(a, i)| (AgencyId(a), i)))
            .collect()
    }

    pub async fn item_publications(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<ItemPublication>> {
        let (start, end) = rules::year_bounds(year)?;
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT d.agency_id, l.item_code, d.id, d.written, d.published \
             FROM documents d JOIN document_items l ON l.document_id = d.id \
             WHERE d.agency_id IN {} AND d.published >= $1 AND d.published <= $2 \
             ORDER BY d.agency_id, l.item_code, d.published, d.id",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows: Vec<(i64, String, i64, Option<NaiveDate>, NaiveDate)> = sqlx::query_as(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取标准目录事项的公开"))?;
        Ok(rows
            .into_iter()
            .map(|(a, item, id, written, published)| ItemPublication {
                agency: AgencyId(a),
                item,
                document: DocumentId(id),
                written,
                published,
            })
            .collect())
    }

    pub async fn add_channel(&self, new: NewChannel, mut audit: Draft) -> Result<Channel> {
        let name = new.name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("渠道名称为空".into()));
        }
        let platform = Platform::parse(new.platform.label());
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([new.agency.0])).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO channels (agency_id, platform, name, operator, opened, closed, filed) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6) RETURNING id",
        )
        .bind(new.agency.0)
        .bind(platform.label())
        .bind(name)
        .bind(new.operator.trim())
        .bind(new.opened)
        .bind(new.filed)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db("登记发布渠道")(e) {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("本机关已登记名为“{name}”的渠道"))
            }
            other => other,
        })?;
        audit
            .set("id", id)
            .set("platform", platform.label())
            .set("name", name)
            .set("opened", new.opened.to_string())
            .set("filed", new.filed);
        Self::finish(tx, &audit).await?;
        Ok(Channel {
            id: ChannelId(id),
            agency: new.agency,
            platform,
            name: name.to_string(),
            operator: new.operator.trim().to_string(),
            opened: new.opened,
            closed: None,
            filed: new.filed,
        })
    }

    pub async fn close_channel(
        &self,
        id: ChannelId,
        on: NaiveDate,
        mut audit: Draft,
    ) -> Result<Channel> {
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = $1 {}",
            B::lock_rows("channels")
        );
        let row = sqlx::query(&sql)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db("读取发布渠道"))?
            .ok_or_else(|| StoreError::NotFound(format!("发布渠道 id {id}")))?;
        let mut channel = channel_row::<DB>(&row)?;
        if let Some(closed) = channel.closed {
            return Err(StoreError::Invalid(format!(
                "渠道“{}”已于 {closed} 关停",
                channel.name
            )));
        }
        if on < channel.opened {
            return Err(StoreError::Invalid(format!(
                "关停日期 {on} 早于渠道“{}”的开设日期 {}",
                channel.name, channel.opened
            )));
        }
        sqlx::query("UPDATE channels SET closed = $1 WHERE id = $2")
            .bind(on)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db("关停发布渠道"))?;
        audit
            .set("id", id.0)
            .set("name", channel.name.as_str())
            .set("closed", on.to_string());
        Self::finish(tx, &audit).await?;
        channel.closed = Some(on);
        Ok(channel)
    }

    pub async fn channels(&self, agencies: &[AgencyId]) -> Result<Vec<Channel>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE agency_id IN {} \
             ORDER BY agency_id, name",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows = Self::rows_of(&mut *self.conn().await?, &sql, "读取发布渠道").await?;
        rows.iter().map(channel_row::<DB>).collect()
    }

    pub async fn import_post_counts(
        &self,
        counts: Vec<PostCount>,
        mut audit: Draft,
    ) -> Result<ImportCounts> {
        let mut seen = HashSet::new();
        for c in &counts {
            if !(1..=12).contains(&c.month) || c.posts < 0 {
                return Err(StoreError::Invalid(format!(
                    "渠道 id {} 的 {}年{}月：月份应为 1–12，条数不小于 0",
                    c.channel, c.year, c.month
                )));
            }
            if !seen.insert((c.channel, c.year, c.month)) {
                return Err(StoreError::Conflict(format!(
                    "渠道 id {} 的 {}年{}月出现了不止一次",
                    c.channel, c.year, c.month
                )));
            }
        }
        let mut tx = self.write_tx().await?;
        let ids: HashSet<i64> = counts.iter().map(|c| c.channel.0).collect();
        let mut old: HashMap<(i64, i32, i32), i64> = HashMap::new();
        if !ids.is_empty() {
            let list = id_list(ids.iter().copied());
            let known: HashSet<i64> =
                sqlx::query_scalar(&format!("SELECT id FROM channels WHERE id IN {list}"))
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(db("读取发布渠道"))?
                    .into_iter()
                    .collect();
            if let Some(missing) = ids.iter().find(|i| !known.contains(i)) {
                return Err(StoreError::NotFound(format!("发布渠道 id {missing}")));
            }
            let rows: Vec<(i64, i32, i32, i64)> = sqlx::query_as(&format!(
                "SELECT channel_id, year, month, posts FROM channel_post_counts \
                 WHERE channel_id IN {list}"
            ))
            .fetch_all(&mut *tx)
            .await
            .map_err(db("读取发布条数"))?;
            old.extend(rows.into_iter().map(|(c, y, m, p)| ((c, y, m), p)));
        }
        let mut result = ImportCounts::default();
        let mut write: Vec<(i64, i32, i32, i64)> = Vec::new();
        for c in &counts {
            let key = (c.channel.0, c.year, c.month as i32);
            match old.get(&key) {
                Some(p) if *p == c.posts => result.unchanged += 1,
                found => {
                    if found.is_some() {
                        result.changed += 1;
                        sqlx::query(
                            "DELETE FROM channel_post_counts WHERE channel_id = $1 AND year = $2 \
                             AND month = $3",
                        )
                        .bind(key.0)
                        .bind(key.1)
                        .bind(key.2)
                        .execute(&mut *tx)
                        .await
                        .map_err(db("保存发布条数"))?;
                    } else {
                        result.created += 1;
                    }
                    write.push((key.0, key.1, key.2, c.posts));
                }
            }
        }
        Self::run_values(
            &mut tx,
            (
                "INSERT INTO channel_post_counts (channel_id, year, month, posts) ",
                "",
            ),
            &write,
            ROW_CHUNK,
            "保存发布条数",
            |b, (c, y, m, p)| {
                b.bind(*c).bind(*y).bind(*m).bind(*p);
            },
        )
        .await?;
        audit
            .set("rows", counts.len())
            .set("created", result.created)
            .set("changed", result.changed)
            .set("unchanged", result.unchanged);
        Self::finish(tx, &audit).await?;
        Ok(result)
    }

    pub async fn channel_post_counts(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<(ChannelId, u32, i64)>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT p.channel_id, p.month, p.posts FROM channel_post_counts p \
             JOIN channels c ON c.id = p.channel_id \
             WHERE c.agency_id IN {} AND p.year = $1 ORDER BY p.channel_id, p.month",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows: Vec<(i64, i32, i64)> = sqlx::query_as(&sql)
            .bind(year)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取发布条数"))?;
        Ok(rows
            .into_iter()
            .map(|(c, m, p)| (ChannelId(c), u32::try_from(m).unwrap_or(0), p))
            .collect())
    }

    pub async fn document_channels(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<(DocumentId, ChannelId)>> {
        let (start, end) = rules::year_bounds(year)?;
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT d.id, l.channel_id FROM documents d \
             JOIN document_channels l ON l.document_id = d.id \
             WHERE d.agency_id IN {} AND d.published >= $1 AND d.published <= $2 \
             ORDER BY d.id, l.channel_id",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows: Vec<(i64, i64)> = sqlx::query_as(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取发布渠道"))?;
        Ok(rows
            .into_iter()
            .map(|(d, c)| (DocumentId(d), ChannelId(c)))
            .collect())
    }
}

/// An item's row (`SELECT {ITEM_COLUMNS}`): its agency and the item.
fn item_row<DB: Database>(row: &DB::Row) -> Result<(i64, StandardItem)>
where
    usize: ColumnIndex<DB::Row>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
{
    let get = || -> std::result::Result<_, sqlx::Error> {
        Ok((
            row.try_get::<i64, usize>(0)?,
            StandardItem {
                code: row.try_get(1)?,
                domain: row.try_get(2)?,
                name: row.try_get(3)?,
                content: row.try_get(4)?,
                basis: row.try_get(5)?,
                time_limit: row.try_get(6)?,
                body: row.try_get(7)?,
                channels: row.try_get(8)?,
            },
        ))
    };
    get().map_err(db("读取标准目录"))
}

/// A channel's row (`SELECT {CHANNEL_COLUMNS}`).
fn channel_row<DB: Database>(row: &DB::Row) -> Result<Channel>
where
    usize: ColumnIndex<DB::Row>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> bool: Decode<'q, DB> + Type<DB>,
    for<'q> NaiveDate: Decode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
{
    let get = || -> std::result::Result<Channel, sqlx::Error> {
        Ok(Channel {
            id: ChannelId(row.try_get(0)?),
            agency: AgencyId(row.try_get(1)?),
            platform: Platform::parse(&row.try_get::<String, usize>(2)?),
            name: row.try_get(3)?,
            operator: row.try_get(4)?,
            opened: row.try_get(5)?,
            closed: row.try_get(6)?,
            filed: row.try_get(7)?,
        })
    };
    get().map_err(db("读取发布渠道"))
}
