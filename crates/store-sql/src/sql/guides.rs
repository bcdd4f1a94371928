//! The agencies' guides (`gongkai_store::Guides`, 第十二条), written once for every [`Backend`]:
//! one row per agency, replaced in the write's transaction, the audit entry naming the fields
//! that changed.

use super::Sql;
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::AgencyId;
use gongkai_cases::guide::{ApplyChannel, Guide, ProvisionForm};
use gongkai_store::guides::check_guide;
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Type};
use std::collections::HashSet;

/// The text columns of `guides` after `agency_id`, in the order [`Guide`]'s fields are bound
/// and read: the one-line fields, `channels`, `forms`, then the sections.
const COLUMNS: &str = "office, address, postcode, hours, phone, fax, email, website, channels, \
     forms, proactive, how_to_apply, time_limits, fees, remedies, id_photo";

/// [`Guide::id_photo`] as stored: `required` or empty.
const ID_PHOTO_REQUIRED: &str = "required";

/// A guide's columns as stored, in the order of [`COLUMNS`].
fn columns(g: &Guide) -> Vec<String> {
    let mut out: Vec<String> = Guide::LINES
        .iter()
        .map(|(name, _, _)| g.field(name).to_owned())
        .collect();
    out.push(join(g.channels.iter().map(|c| c.key())));
    out.push(join(g.forms.iter().map(|f| f.key())));
    out.extend(
        Guide::SECTIONS
            .iter()
            .map(|(name, _)| g.field(name).to_owned()),
    );
    out.push(if g.id_photo { ID_PHOTO_REQUIRED } else { "" }.to_owned());
    out
}

fn join<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    keys.collect::<Vec<_>>().join(",")
}

/// The guide of the columns read in the order of [`COLUMNS`].
fn from_columns(values: Vec<String>) -> Result<Guide> {
    let mut values = values.into_iter();
    let mut guide = Guide::default();
    for (name, _, _) in Guide::LINES {
        if let (Some(field), Some(v)) = (guide.field_mut(name), values.next()) {
            *field = v;
        }
    }
    let bad = |what: &str, key: &str| {
        StoreError::Backend(format!("数据库中的公开指南{what}无法识别：{key:?}"))
    };
    let channels = values.next().unwrap_or_default();
    for key in channels.split(',').filter(|k| !k.is_empty()) {
        guide
            .channels
            .push(ApplyChannel::parse(key).ok_or_else(|| bad("受理方式", key))?);
    }
    let forms = values.next().unwrap_or_default();
    for key in forms.split(',').filter(|k| !k.is_empty()) {
        guide
            .forms
            .push(ProvisionForm::parse(key).ok_or_else(|| bad("提供形式", key))?);
    }
    for (name, _) in Guide::SECTIONS {
        if let (Some(field), Some(v)) = (guide.field_mut(name), values.next()) {
            *field = v;
        }
    }
    guide.id_photo = values.next().is_some_and(|v| v == ID_PHOTO_REQUIRED);
    Ok(guide)
}

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
    pub async fn set_guide(&self, agency: AgencyId, guide: &Guide, mut audit: Draft) -> Result<()> {
        check_guide(guide)?;
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([agency.0])).await?;
        let select = format!(
            "SELECT {COLUMNS} FROM guides WHERE agency_id = $1 {}",
            B::lock_rows("guides")
        );
        let before = Self::read_guide(&mut tx, &select, agency).await?;
        sqlx::query("DELETE FROM guides WHERE agency_id = $1")
            .bind(agency.0)
            .execute(&mut *tx)
            .await
            .map_err(db("保存公开指南"))?;
        let values = columns(guide);
        let placeholders: Vec<String> = (2..=values.len() + 1).map(|i| format!("${i}")).collect();
        let insert = format!(
            "INSERT INTO guides (agency_id, {COLUMNS}) VALUES ($1, {})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&insert).bind(agency.0);
        for v in &values {
            query = query.bind(v.as_str());
        }
        query.execute(&mut *tx).await.map_err(db("保存公开指南"))?;
        let changed: Vec<&str> = match &before {
            None => Vec::new(),
            Some(old) => {
                let old = columns(old);
                COLUMNS
                    .split(", ")
                    .zip(old.iter().zip(&values))
                    .filter(|(_, (a, b))| a != b)
                    .map(|(name, _)| name)
                    .collect()
            }
        };
        audit
            .set("created", before.is_none())
            .set("changed", changed.join(","));
        Self::finish(tx, &audit).await
    }

    pub async fn guide(&self, agency: AgencyId) -> Result<Option<Guide>> {
        let mut conn = self.conn().await?;
        let select = format!("SELECT {COLUMNS} FROM guides WHERE agency_id = $1");
        Self::read_guide(&mut conn, &select, agency).await
    }

    async fn read_guide(
        conn: &mut DB::Connection,
        select: &str,
        agency: AgencyId,
    ) -> Result<Option<Guide>> {
        let row = sqlx::query(select)
            .bind(agency.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取公开指南"))?;
        let Some(row) = row else { return Ok(None) };
        let n = COLUMNS.split(", ").count();
        let values = (0..n)
            .map(|i| sqlx::Row::try_get::<String, usize>(&row, i))
            .collect::<std::result::Result<Vec<String>, _>>()
            .map_err(db("读取公开指南"))?;
        from_columns(values).map(Some)
    }
}
