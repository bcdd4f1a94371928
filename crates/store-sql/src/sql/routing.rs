//! The routing steps of requests (`gongkai_store::RoutingSteps`, 签收/转办/协办/退回), written
//! once for every [`Backend`]: one row per step, never updated. The next step's number is
//! checked in the write's transaction, which holds the audit log's lock: two units acting on
//! one request at once cannot both act on the state they saw.

use super::{Sql, id_list, kept_time};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, Utc};
use gongkai_audit::Draft;
use gongkai_cases::routing::{Action, Step};
use gongkai_cases::{AgencyId, RequestId};
use gongkai_store::routing::{MAX_NOTE_CHARS, RoutingStep};
use gongkai_store::{Result, StoreError};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};
use std::collections::HashSet;

/// The columns of a step, in the order [`step_of`] reads them.
const COLUMNS: &str = "s.request_id, s.seq, s.action, s.from_agency, s.to_agency, s.note, s.due, \
     s.task, s.taken_at, s.taken_by";

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
    for<'q> Option<NaiveDate>: Encode<'q, DB> + Decode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> Option<String>: Decode<'r, DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
{
    pub async fn record_routing_step(
        &self,
        request: RequestId,
        seq: i32,
        step: Step,
        mut audit: Draft,
    ) -> Result<RoutingStep> {
        let note = step.text.trim().to_owned();
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(StoreError::Invalid(format!(
                "理由、协办事项或答复不能超过 {MAX_NOTE_CHARS} 字"
            )));
        }
        let actor = audit.actor().to_owned();
        let now = kept_time(Utc::now());
        let mut tx = self.write_tx().await?;
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM requests WHERE id = $1")
            .bind(request.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db("读取申请"))?;
        if found.is_none() {
            return Err(StoreError::NotFound(format!("编号为 {} 的申请", request.0)));
        }
        let agencies: HashSet<i64> = std::iter::once(step.by.0)
            .chain(step.to.map(|a| a.0))
            .collect();
        Self::agencies_exist(&mut tx, &agencies).await?;
        let last: Option<i32> =
            sqlx::query_scalar("SELECT MAX(seq) FROM routing_steps WHERE request_id = $1")
                .bind(request.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(db("读取转办记录"))?;
        if seq != last.unwrap_or(0) + 1 {
            return Err(StoreError::Conflict(
                "该申请的转办状态已被他人改变，请刷新后再操作".into(),
            ));
        }
        sqlx::query(
            "INSERT INTO routing_steps (request_id, seq, action, from_agency, to_agency, note, \
             due, task, taken_at, taken_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(request.0)
        .bind(seq)
        .bind(step.action.key())
        .bind(step.by.0)
        .bind(step.to.map(|a| a.0))
        .bind(note.as_str())
        .bind(step.due)
        .bind(step.task.map(i64::from))
        .bind(now)
        .bind(actor.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db("记录转办步骤"))?;
        audit
            .set("step", step.action.key())
            .set("seq", i64::from(seq));
        if let Some(to) = step.to {
            audit.set("to_agency", to.0);
        }
        if let Some(due) = step.due {
            audit.set("due", due.to_string());
        }
        Self::finish(tx, &audit).await?;
        Ok(RoutingStep {
            seq,
            step: Step { text: note, ..step },
            at: now,
            actor,
        })
    }

    pub async fn routing_steps(&self, request: RequestId) -> Result<Vec<RoutingStep>> {
        let mut conn = self.conn().await?;
        let select =
            format!("SELECT {COLUMNS} FROM routing_steps s WHERE s.request_id = $1 ORDER BY s.seq");
        let rows = sqlx::query(&select)
            .bind(request.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取转办记录"))?;
        rows.iter().map(|r| Ok(step_of::<DB>(r)?.1)).collect()
    }

    pub async fn routing_waiting(
        &self,
        agencies: &[AgencyId],
    ) -> Result<Vec<(RequestId, RoutingStep)>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn().await?;
        // A dispatch is unsigned while it is its request's last step (nothing else may follow
        // it but the signature or the return); a sub-task is open while no answer names it.
        let select = format!(
            "SELECT {COLUMNS} FROM routing_steps s WHERE s.to_agency IN {list} AND ( \
               (s.action = 'dispatch' AND NOT EXISTS (SELECT 1 FROM routing_steps l \
                  WHERE l.request_id = s.request_id AND l.seq > s.seq)) \
               OR (s.action = 'subtask' AND NOT EXISTS (SELECT 1 FROM routing_steps a \
                  WHERE a.request_id = s.request_id AND a.action = 'answer' AND a.task = s.seq))) \
             ORDER BY s.request_id, s.seq",
            list = id_list(agencies.iter().map(|a| a.0))
        );
        let rows = sqlx::query(&select)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取待签收的转办和协办"))?;
        rows.iter().map(step_of::<DB>).collect()
    }

    pub async fn routed_to(&self, agencies: &[AgencyId]) -> Result<Vec<RequestId>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn().await?;
        let select = format!(
            "SELECT s.request_id FROM routing_steps s WHERE s.action = 'sign' \
             AND s.from_agency IN {} AND s.seq = (SELECT MAX(l.seq) FROM routing_steps l \
               WHERE l.request_id = s.request_id AND l.action = 'sign') \
             ORDER BY s.request_id",
            id_list(agencies.iter().map(|a| a.0))
        );
        let ids: Vec<i64> = sqlx::query_scalar(&select)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取承办的申请"))?;
        Ok(ids.into_iter().map(RequestId).collect())
    }
}

/// A step from the columns [`COLUMNS`], with its request.
fn step_of<DB>(row: &DB::Row) -> Result<(RequestId, RoutingStep)>
where
    DB: Database,
    usize: ColumnIndex<DB::Row>,
    for<'q> i32: Decode<'q, DB> + Type<DB>,
    for<'q> i64: Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Decode<'q, DB>,
    for<'q> NaiveDate: Type<DB>,
    for<'q> Option<NaiveDate>: Decode<'q, DB>,
    for<'q> DateTime<Utc>: Decode<'q, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
{
    let err = db("读取转办记录");
    let word: String = row.try_get(2usize).map_err(&err)?;
    let action = Action::parse(&word)
        .ok_or_else(|| StoreError::Backend(format!("不认识的转办步骤“{word}”")))?;
    let request: i64 = row.try_get(0usize).map_err(&err)?;
    let to: Option<i64> = row.try_get(4usize).map_err(&err)?;
    let task: Option<i64> = row.try_get(7usize).map_err(&err)?;
    let by: i64 = row.try_get(3usize).map_err(&err)?;
    Ok((
        RequestId(request),
        RoutingStep {
            seq: row.try_get(1usize).map_err(&err)?,
            step: Step {
                action,
                by: AgencyId(by),
                to: to.map(AgencyId),
                text: row.try_get(5usize).map_err(&err)?,
                due: row.try_get(6usize).map_err(&err)?,
                task: task.and_then(|t| i32::try_from(t).ok()),
            },
            at: row.try_get(8usize).map_err(&err)?,
            actor: row.try_get(9usize).map_err(&err)?,
        },
    ))
}
