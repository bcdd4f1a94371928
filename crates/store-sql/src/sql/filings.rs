//! The filing workflow's steps (`gongkai_store::Filings`, 第四十九条), written once for every
//! [`Backend`]: one row per step, never updated. The next step's number is checked in the
//! write's transaction, which holds the audit log's lock: two supervisors acting on one report
//! at once cannot both act on the state they saw.

use super::Sql;
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use gongkai_audit::Draft;
use gongkai_cases::AgencyId;
use gongkai_filing::Action;
use gongkai_store::filings::{MAX_TEXT_CHARS, NewStep, Step};
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::HashSet;

/// The columns of a step without its report, in the order [`step_of`] reads them.
const COLUMNS: &str = "seq, action, explanations, note, remarks, version, taken_at, taken_by";

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
    for<'q> Option<i64>: Encode<'q, DB> + Decode<'q, DB>,
    for<'q> NaiveDate: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<NaiveDate>: Encode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> Option<String>: Decode<'r, DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
{
    pub async fn record_step(
        &self,
        agency: AgencyId,
        year: i32,
        seq: i32,
        step: NewStep,
        mut audit: Draft,
    ) -> Result<Option<i32>> {
        let text = step
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        if text.is_some_and(|t| t.chars().count() > MAX_TEXT_CHARS) {
            return Err(StoreError::Invalid(format!(
                "意见或更正说明不能超过 {MAX_TEXT_CHARS} 字"
            )));
        }
        let carries_report = matches!(step.action, Action::Submit | Action::Publish);
        if carries_report != step.report.is_some() {
            return Err(StoreError::Invalid(
                "报送和发布须附年度报告，退回和审核通过不附".into(),
            ));
        }
        let actor = audit.actor().to_owned();
        let now = Utc::now().trunc_subsecs(6);
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([agency.0])).await?;
        let last: Option<i32> = sqlx::query_scalar(
            "SELECT MAX(seq) FROM filing_steps WHERE agency_id = $1 AND year = $2",
        )
        .bind(agency.0)
        .bind(year)
        .fetch_one(&mut *tx)
        .await
        .map_err(db("读取年度报告报送记录"))?;
        if seq != last.unwrap_or(0) + 1 {
            return Err(StoreError::Conflict(
                "年度报告的报送状态已被他人改变，请刷新后再操作".into(),
            ));
        }
        let version = match (step.action, step.report.as_deref()) {
            (Action::Publish, Some(json)) => {
                Some(Self::insert_published(&mut tx, agency, year, json, text, &actor, now).await?)
            }
            _ => None,
        };
        sqlx::query(
            "INSERT INTO filing_steps (agency_id, year, seq, action, report, explanations, note, \
             remarks, version, taken_at, taken_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(agency.0)
        .bind(year)
        .bind(seq)
        .bind(step.action.as_str())
        .bind(step.report.as_deref())
        .bind(step.explanations.as_deref())
        .bind(text)
        .bind(step.remarks.as_deref())
        .bind(version.map(i64::from))
        .bind(now)
        .bind(actor.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db("记录年度报告报送步骤"))?;
        audit
            .set("year", i64::from(year))
            .set("step", step.action.as_str());
        if let Some(v) = version {
            audit.set("version", i64::from(v));
        }
        Self::finish(tx, &audit).await?;
        Ok(version)
    }

    pub async fn steps(&self, agency: AgencyId, year: i32) -> Result<Vec<Step>> {
        let mut conn = self.conn().await?;
        let select = format!(
            "SELECT {COLUMNS}, report FROM filing_steps WHERE agency_id = $1 AND year = $2 \
             ORDER BY seq"
        );
        let rows = sqlx::query(&select)
            .bind(agency.0)
            .bind(year)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取年度报告报送记录"))?;
        rows.iter()
            .map(|row| {
                let mut step = step_of::<DB>(row, 0)?;
                step.report = row.try_get(8usize).map_err(db("读取年度报告报送记录"))?;
                Ok(step)
            })
            .collect()
    }

    pub async fn steps_of(
        &self,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<(AgencyId, Step)>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn().await?;
        let select = format!(
            "SELECT agency_id, {COLUMNS} FROM filing_steps WHERE year = $1 AND agency_id IN {} \
             ORDER BY agency_id, seq",
            super::id_list(agencies.iter().map(|a| a.0))
        );
        let rows = sqlx::query(&select)
            .bind(year)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取年度报告报送记录"))?;
        rows.iter()
            .map(|row| {
                let agency: i64 = row.try_get(0usize).map_err(db("读取年度报告报送记录"))?;
                Ok((AgencyId(agency), step_of::<DB>(row, 1)?))
            })
            .collect()
    }
}

/// A step from the columns [`COLUMNS`], starting at column `at`.
fn step_of<DB>(row: &DB::Row, at: usize) -> Result<Step>
where
    DB: Database,
    usize: ColumnIndex<DB::Row>,
    for<'q> i32: Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Decode<'q, DB>,
    for<'q> i64: Type<DB>,
    for<'q> DateTime<Utc>: Decode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> Option<String>: Decode<'r, DB>,
{
    let err = db("读取年度报告报送记录");
    let word: String = row.try_get(at + 1).map_err(&err)?;
    let action = Action::parse(&word)
        .ok_or_else(|| StoreError::Backend(format!("不认识的报送步骤“{word}”")))?;
    let version: Option<i64> = row.try_get(at + 5).map_err(&err)?;
    Ok(Step {
        seq: row.try_get(at).map_err(&err)?,
        action,
        report: None,
        explanations: row.try_get(at + 2).map_err(&err)?,
        text: row.try_get(at + 3).map_err(&err)?,
        remarks: row.try_get(at + 4).map_err(&err)?,
        version: version.and_then(|v| i32::try_from(v).ok()),
        at: row.try_get(at + 6).map_err(&err)?,
        by: row.try_get(at + 7).map_err(&err)?,
    })
}
