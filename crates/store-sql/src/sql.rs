//! The store operations, written once for every [`Backend`].

mod applications;
mod catalogue;
mod directory;
mod disclosures;
mod filings;
mod guides;
mod letters;
mod messages;
mod notifications;
mod published;
mod redactions;
mod reminders;
mod routing;
mod similar;
mod views;

use crate::queue::Queued;
use crate::values::{Tuple, Values};
use crate::{Backend, db};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use gongkai_access::Role;
use gongkai_audit::{Draft, Entry, Hash};
use gongkai_cases::Confirmation;
use gongkai_cases::amend::{self, Amendment, Change};
use gongkai_cases::online;
use gongkai_cases::{
    Agency, AgencyId, ApplicantRecord, CaseFacts, FormerName, Merger, NewRemedy, NewRequest,
    Outcome, Remedy, RemedyFacts, RemedyId, RemedyResult, ReportText, Request, RequestId,
    TimelineEvent, YearFigures,
};
use gongkai_report::Section;
use gongkai_store::accounts::{ApiToken, Credentials, KeyClaim, Session, TokenId, User, UserId};
use gongkai_store::applications::NewApplication;
use gongkai_store::transfer::{self, Cell, Col, TableDef};
use gongkai_store::{
    ChunkReport, Difference, ImportPolicy, ImportSummary, Result, StoreError, codec, rules,
};
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Transaction, Type,
};
use std::collections::{HashMap, HashSet};
use tokio::sync::oneshot;

/// A validated new request, its timeline and the closing to record on its row.
type NewRow<'a> = (
    &'a NewRequest,
    &'a [TimelineEvent],
    Option<(NaiveDate, Outcome)>,
);

/// Rows per multi-row `INSERT` of requests (15 parameters each; SQLite allows 32766, PostgreSQL
/// 65535).
const REQUEST_CHUNK: usize = 500;
/// Rows per multi-row `INSERT` of applicants, events and other small rows.
const ROW_CHUNK: usize = 2000;
/// Ids per `IN` list of [`Sql::requests_by_ids`] (inlined, so no bind limit; kept short enough
/// for the statement to stay a few tens of kilobytes).
const ID_CHUNK: usize = 5000;

/// The operations of the `gongkai_store` traits on the store `B`, in SQL both dialects read:
/// each public method is the trait method of the same name (documented with the trait).
/// [`impl_store!`](crate::impl_store) calls them; `Sql(&store).agency(id)` calls one directly.
#[derive(Debug)]
pub struct Sql<'a, B>(pub &'a B);

/// What the store stores, in SQL: the bounds say that the database runs queries on its
/// connections and reads and writes the column types the schema uses (integers, text, dates,
/// moments, flags: the `IS NOT NULL` of the import's look-up, an account's `disabled`; and
/// bytes: attachment blobs).
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
    /// Begins a write transaction: every write reads before it writes (at least the last
    /// entry of the audit log), so every write begins with [`Backend::BEGIN_WRITE`] and takes
    /// [`Backend::AUDIT_LOCK`], and writers wait their turn instead of failing.
    async fn write_tx(&self) -> Result<Transaction<'static, DB>> {
        let mut tx = self.unaudited_tx().await?;
        if !B::AUDIT_LOCK.is_empty() {
            sqlx::query(B::AUDIT_LOCK)
                .execute(&mut *tx)
                .await
                .map_err(db("锁定审计日志"))?;
        }
        Ok(tx)
    }

    /// Begins a write transaction that appends no audit entry (a login's session): it needs
    /// [`Backend::BEGIN_WRITE`] like any write, but not the audit log, so logins do not wait
    /// for the audited writes of other processes.
    async fn unaudited_tx(&self) -> Result<Transaction<'static, DB>> {
        self.0
            .write_pool()
            .begin_with(B::BEGIN_WRITE)
            .await
            .map_err(db("开始写事务"))
    }

    /// Appends the audit entries of a write (or of a group of writes) inside its transaction,
    /// in order: the next sequence numbers, each entry chained to the one before, the time now.
    /// The transaction holds the audit log ([`write_tx`](Self::write_tx)), so the chain cannot
    /// fork.
    async fn append_audits(conn: &mut DB::Connection, drafts: &[&Draft]) -> Result<()> {
        let last: Option<(i64, String)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *conn)
                .await
                .map_err(db("读取审计日志"))?;
        let (mut seq, mut prev) = match last {
            None => (0, Hash::GENESIS),
            Some((seq, hash)) => (
                seq,
                hash.parse()
                    .map_err(|e| StoreError::Backend(format!("审计日志第 {seq} 条：{e}")))?,
            ),
        };
        let now = chrono::Utc::now();
        let entries: Vec<Entry> = drafts
            .iter()
            .map(|draft| {
                seq += 1;
                let e = draft.seal(seq, now, prev);
                prev = e.hash;
                e
            })
            .collect();
        let head = "INSERT INTO audit_log (seq, at, actor, agency_id, agency, action, object, \
                    summary, prev, hash) ";
        let texts: Vec<(String, String)> = entries
            .iter()
            .map(|e| (e.prev.to_string(), e.hash.to_string()))
            .collect();
        let rows: Vec<(&Entry, &(String, String))> = entries.iter().zip(&texts).collect();
        Self::run_values(
            conn,
            (head, ""),
            &rows,
            ROW_CHUNK,
            "写入审计日志",
            |b, (e, (prev, hash))| {
                b.bind(e.seq)
                    .bind(e.at.as_str())
                    .bind(e.actor.as_str())
                    .bind(e.agency_id)
                    .bind(e.agency.as_str())
                    .bind(e.action.as_str())
                    .bind(e.object.as_str())
                    .bind(e.summary.as_str())
                    .bind(prev.as_str())
                    .bind(hash.as_str());
            },
        )
        .await?;
        Ok(())
    }

    /// Appends the audit entry and commits.
    async fn finish(mut tx: Transaction<'static, DB>, draft: &Draft) -> Result<()> {
        Self::append_audits(&mut tx, &[draft]).await?;
        tx.commit().await.map_err(db("提交事务"))
    }

    /// A connection of the pool, for a read of several statements.
    async fn conn(&self) -> Result<PoolConnection<DB>> {
        self.0.pool().acquire().await.map_err(db("连接数据库"))
    }

    pub async fn create_agency(
        &self,
        name: &str,
        parent: Option<AgencyId>,
        mut audit: Draft,
    ) -> Result<Agency> {
        let mut tx = self.write_tx().await?;
        if let Some(p) = parent {
            Self::agencies_exist(&mut tx, &HashSet::from([p.0])).await?;
        }
        Self::name_is_free(&mut tx, name).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agencies (name, parent_id) VALUES ($1, $2) RETURNING id",
        )
        .bind(name)
        .bind(parent.map(|p| p.0))
        .fetch_one(&mut *tx)
        .await
        .map_err(db("创建机关"))
        .map_err(conflict(format!("机关名称“{name}”已存在")))?;
        audit.set("id", id).set("name", name);
        Self::finish(tx, &audit).await?;
        Ok(Agency::new(AgencyId(id), name, parent))
    }

    /// Refuses a name that is an alias (current names are unique by the schema).
    async fn name_is_free(conn: &mut DB::Connection, name: &str) -> Result<()> {
        let alias: Option<i64> =
            sqlx::query_scalar("SELECT agency_id FROM agency_aliases WHERE alias = $1")
                .bind(name)
                .fetch_optional(&mut *conn)
                .await
                .map_err(db("查找机关别名"))?;
        match alias {
            Some(_) => Err(StoreError::Conflict(format!(
                "“{name}”已是另一个机关的别名"
            ))),
            None => Ok(()),
        }
    }

    pub async fn agency(&self, id: AgencyId) -> Result<Option<Agency>> {
        Self::load_agency(&mut *self.conn().await?, "id = $1", Key::Id(id.0)).await
    }

    pub async fn agency_by_name(&self, name: &str) -> Result<Option<Agency>> {
        Self::load_agency(&mut *self.conn().await?, "name = $1", Key::Text(name)).await
    }

    pub async fn agencies(&self) -> Result<Vec<Agency>> {
        let mut conn = self.conn().await?;
        let sql = format!("SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY id");
        let rows = Self::rows_of(&mut conn, &sql, "读取机关").await?;
        let mut all: Vec<Agency> = rows.iter().map(Self::agency_row).collect::<Result<_>>()?;
        let former = Self::rows_of(
            &mut conn,
            "SELECT agency_id, until, name FROM agency_former_names ORDER BY agency_id, until",
            "读取机关曾用名",
        )
        .await?;
        let index: HashMap<i64, usize> = all.iter().enumerate().map(|(i, a)| (a.id.0, i)).collect();
        for row in &former {
            let (id, name) = Self::former_row(row)?;
            if let Some(&i) = index.get(&id) {
                all[i].former_names.push(name);
            }
        }
        Ok(all)
    }

    /// One agency by a `WHERE` clause binding `$1`, with its former names.
    async fn load_agency(
        conn: &mut DB::Connection,
        filter: &str,
        key: Key<'_>,
    ) -> Result<Option<Agency>> {
        let sql = format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE {filter}");
        let q = key.bind(sqlx::query(&sql));
        let Some(row) = q.fetch_optional(&mut *conn).await.map_err(db("读取机关"))? else {
            return Ok(None);
        };
        let mut agency = Self::agency_row(&row)?;
        let sql = "SELECT agency_id, until, name FROM agency_former_names WHERE agency_id = $1 \
                   ORDER BY until";
        for row in Self::children(conn, sql, agency.id.0, "读取机关曾用名").await? {
            agency.former_names.push(Self::former_row(&row)?.1);
        }
        Ok(Some(agency))
    }

    fn former_row(row: &DB::Row) -> Result<(i64, FormerName)> {
        let get = || -> Result<_, sqlx::Error> {
            Ok((
                row.try_get("agency_id")?,
                FormerName {
                    name: row.try_get("name")?,
                    until: row.try_get("until")?,
                },
            ))
        };
        get().map_err(db("读取机关曾用名"))
    }

    /// The agency `id` inside a write transaction, locked, or [`StoreError::NotFound`].
    async fn locked_agency(conn: &mut DB::Connection, id: AgencyId) -> Result<Agency> {
        let sql = format!("id = $1 {}", B::lock_rows("agencies"));
        Self::load_agency(conn, &sql, Key::Id(id.0))
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("机关 id {}", id.0)))
    }

    pub async fn rename_agency(
        &self,
        id: AgencyId,
        name: &str,
        on: NaiveDate,
        mut audit: Draft,
    ) -> Result<Agency> {
        let mut tx = self.write_tx().await?;
        let mut agency = Self::locked_agency(&mut tx, id).await?;
        if agency.name == name {
            return Err(StoreError::Invalid(format!("机关现名称已是“{name}”")));
        }
        if let Some(last) = agency.former_names.last()
            && last.until >= on
        {
            return Err(StoreError::Invalid(format!(
                "更名日期 {on} 不晚于上一次更名的日期 {}",
                last.until
            )));
        }
        Self::name_is_free(&mut tx, name).await?;
        sqlx::query("INSERT INTO agency_former_names (agency_id, until, name) VALUES ($1, $2, $3)")
            .bind(id.0)
            .bind(on)
            .bind(agency.name.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db("记录机关曾用名"))?;
        sqlx::query("UPDATE agencies SET name = $1 WHERE id = $2")
            .bind(name)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db("机关更名"))
            .map_err(conflict(format!("机关名称“{name}”已存在")))?;
        audit
            .set("old", agency.name.as_str())
            .set("new", name)
            .set("on", on.to_string());
        Self::finish(tx, &audit).await?;
        agency.former_names.push(FormerName {
            name: std::mem::replace(&mut agency.name, name.to_owned()),
            until: on,
        });
        Ok(agency)
    }

    pub async fn move_agency(
        &self,
        id: AgencyId,
        parent: Option<AgencyId>,
        mut audit: Draft,
    ) -> Result<Agency> {
        let mut tx = self.write_tx().await?;
        let mut agency = Self::locked_agency(&mut tx, id).await?;
        // Walking up from the new parent must not reach the agency itself: a cycle.
        if let Some(p) = parent
            && Self::leads_to(&mut tx, "parent_id", p, id).await?
        {
            return Err(StoreError::Invalid(
                "不能把机关移到它自己或它的下级机关之下".into(),
            ));
        }
        sqlx::query("UPDATE agencies SET parent_id = $1 WHERE id = $2")
            .bind(parent.map(|p| p.0))
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db("调整上级机关"))?;
        audit
            .set("old_parent", agency.parent.map(|p| p.0))
            .set("new_parent", parent.map(|p| p.0));
        Self::finish(tx, &audit).await?;
        agency.parent = parent;
        Ok(agency)
    }

    pub async fn merge_agency(
        &self,
        id: AgencyId,
        into: AgencyId,
        on: NaiveDate,
        mut audit: Draft,
    ) -> Result<Agency> {
        if id == into {
            return Err(StoreError::Invalid("机关不能并入它自己".into()));
        }
        let mut tx = self.write_tx().await?;
        let mut agency = Self::locked_agency(&mut tx, id).await?;
        if let Some(m) = agency.merged {
            return Err(StoreError::Invalid(format!(
                "“{}”已于 {} 并入其他机关",
                agency.name, m.on
            )));
        }
        // The successor must not be merged into this agency, directly or along a chain.
        if Self::leads_to(&mut tx, "merged_into", into, id).await? {
            return Err(StoreError::Invalid(
                "两个机关不能互相并入：目标机关已（直接或间接）并入本机关".into(),
            ));
        }
        sqlx::query("UPDATE agencies SET merged_into = $1, merged_on = $2 WHERE id = $3")
            .bind(into.0)
            .bind(on)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db("记录机关合并"))?;
        audit.set("into", into.0).set("on", on.to_string());
        Self::finish(tx, &audit).await?;
        agency.merged = Some(Merger { into, on });
        Ok(agency)
    }

    /// Whether following `column` (`parent_id` or `merged_into`, a fixed name) from `from`
    /// reaches `target` (`from` itself included); bounded by the number of agencies, so a
    /// cycle already stored cannot loop. `from` must exist.
    async fn leads_to(
        conn: &mut DB::Connection,
        column: &'static str,
        from: AgencyId,
        target: AgencyId,
    ) -> Result<bool> {
        let rows: Vec<(i64, Option<i64>)> =
            sqlx::query_as(&format!("SELECT id, {column} FROM agencies"))
                .fetch_all(&mut *conn)
                .await
                .map_err(db("读取机关"))?;
        let next: HashMap<i64, Option<i64>> = rows.into_iter().collect();
        if !next.contains_key(&from.0) {
            return Err(StoreError::NotFound(format!("机关 id {}", from.0)));
        }
        let mut at = Some(from.0);
        for _ in 0..=next.len() {
            match at {
                Some(x) if x == target.0 => return Ok(true),
                Some(x) => at = next.get(&x).copied().flatten(),
                None => break,
            }
        }
        Ok(false)
    }

    pub async fn add_alias(&self, id: AgencyId, alias: &str, mut audit: Draft) -> Result<()> {
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([id.0])).await?;
        let current: Option<i64> = sqlx::query_scalar("SELECT id FROM agencies WHERE name = $1")
            .bind(alias)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db("查找机关"))?;
        if current.is_some() {
            return Err(StoreError::Conflict(format!(
                "“{alias}”是一个已登记机关的现名称，不能作别名"
            )));
        }
        sqlx::query("INSERT INTO agency_aliases (alias, agency_id) VALUES ($1, $2)")
            .bind(alias)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db("登记机关别名"))
            .map_err(conflict(format!("别名“{alias}”已登记")))?;
        audit.set("alias", alias);
        Self::finish(tx, &audit).await
    }

    pub async fn aliases(&self) -> Result<Vec<(String, AgencyId)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT alias, agency_id FROM agency_aliases ORDER BY alias")
                .fetch_all(self.0.pool())
                .await
                .map_err(db("读取机关别名"))?;
        Ok(rows.into_iter().map(|(a, id)| (a, AgencyId(id))).collect())
    }

    /// Checks a new request and queues it for [`write_queued_requests`]
    /// (Self::write_queued_requests); the answer comes once it is stored (or refused).
    pub fn queue_request(
        &self,
        new: NewRequest,
        first: TimelineEvent,
        application: Option<NewApplication>,
        audit: Draft,
    ) -> Result<oneshot::Receiver<Result<Request>>> {
        let events = vec![first];
        let closing = rules::check_new_request(&new, &events)?;
        if application.is_some() {
            applications::check_submission(&new, closing)?;
        }
        let (answer, receiver) = oneshot::channel();
        self.0.request_queue().push(Queued {
            new,
            events,
            closing,
            application,
            audit,
            answer,
        });
        Ok(receiver)
    }

    /// Takes the writer's turn and writes the requests waiting then, together, answering each
    /// (see [`RequestQueue`](crate::RequestQueue)); if writing them together fails, one at a
    /// time, each with its own answer.
    pub async fn write_queued_requests(&self) {
        let queue = self.0.request_queue();
        let _turn = queue.turn().await;
        let mut group = queue.take();
        if group.len() > 1
            && let Ok(ids) = self.insert_group(&mut group).await
        {
            for (queued, id) in group.into_iter().zip(ids) {
                queued.answer(Ok(id));
            }
            return;
        }
        for mut queued in group {
            let written = self.insert_group(std::slice::from_mut(&mut queued)).await;
            let id = written.and_then(|ids| {
                ids.first().copied().ok_or_else(|| {
                    StoreError::Backend("保存申请：数据库没有返回新记录的 id".into())
                })
            });
            queued.answer(id);
        }
    }

    /// Writes `group` in one transaction: every new request, its applicants and first event,
    /// and its audit entry (which names the new id).
    async fn insert_group(&self, group: &mut [Queued]) -> Result<Vec<i64>> {
        let mut tx = self.write_tx().await?;
        let agencies = group.iter().map(|q| q.new.agency.0).collect();
        Self::agencies_exist(&mut tx, &agencies).await?;
        let rows: Vec<NewRow> = group
            .iter()
            .map(|q| (&q.new, q.events.as_slice(), q.closing))
            .collect();
        let mut ids = Self::insert_full_requests(&mut tx, &rows).await;
        if let [one] = group {
            ids = ids.map_err(conflict(format!("受理编号 {} 已存在", one.new.reference)));
        }
        let ids = ids?;
        let submitted: Vec<(i64, &NewApplication)> = group
            .iter()
            .zip(&ids)
            .filter_map(|(q, id)| q.application.as_ref().map(|a| (*id, a)))
            .collect();
        if !submitted.is_empty() {
            let mut written = Self::insert_applications(&mut tx, &submitted).await;
            if group.len() == 1 {
                written = written.map_err(conflict("该申请已经提交，请勿重复提交".to_owned()));
            }
            written?;
        }
        for (queued, id) in group.iter_mut().zip(&ids) {
            queued.audit.set("id", *id);
        }
        let drafts: Vec<&Draft> = group.iter().map(|q| &q.audit).collect();
        Self::append_audits(&mut tx, &drafts).await?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(ids)
    }

    /// Locks the request row (where the backend has row locks; SQLite's write transaction holds
    /// the whole database) before loading and checking its timeline, so that two appends to one
    /// request are checked one after the other.
    pub async fn append_event(
        &self,
        id: RequestId,
        event: TimelineEvent,
        mut audit: Draft,
    ) -> Result<Request> {
        let mut tx = self.write_tx().await?;
        let stored = Self::locked_request(&mut tx, id).await?;
        online::check_confirmed(&stored)?;
        let events = stored.events;
        let state = rules::check_append(&events, &event)?;
        Self::insert_events(&mut tx, &[(id.0, events.len(), &event)]).await?;
        Self::set_closing(&mut tx, id.0, rules::closing(state)).await?;
        let request = Self::load_request(&mut tx, "id = $1", (id.0, None))
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("申请 id {}", id.0)))?;
        audit
            .set("event", codec::event_kind_str(event.event))
            .set("date", event.event.date().to_string())
            .set("outcome", event.outcome.map(codec::outcome_str))
            .set("state", state.label());
        Self::finish(tx, &audit).await?;
        Ok(request)
    }

    /// The request `id` inside a write transaction, its row locked first (where the backend
    /// has row locks; SQLite's write transaction holds the whole database), so that two changes
    /// of one timeline are checked one after the other.
    async fn locked_request(conn: &mut DB::Connection, id: RequestId) -> Result<Request> {
        let sql = format!(
            "SELECT id FROM requests WHERE id = $1 {}",
            B::lock_rows("requests")
        );
        let exists: Option<i64> = sqlx::query_scalar(&sql)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取申请"))?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("申请 id {}", id.0)));
        }
        Self::load_request(conn, "id = $1", (id.0, None))
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("申请 id {}", id.0)))
    }

    pub async fn amend_request(
        &self,
        id: RequestId,
        amendment: &Amendment,
        mut audit: Draft,
    ) -> Result<(Request, Vec<Change>)> {
        let mut tx = self.write_tx().await?;
        let stored = Self::locked_request(&mut tx, id).await?;
        online::check_confirmed(&stored)?;
        let (amended, changes) = amend::apply(&stored, amendment)?;
        Self::replace_request(&mut tx, &amended).await?;
        rules::record_changes(&mut audit, &changes);
        Self::finish(tx, &audit).await?;
        Ok((amended, changes))
    }

    pub async fn withdraw_event(
        &self,
        id: RequestId,
        mut audit: Draft,
    ) -> Result<(Request, TimelineEvent)> {
        let mut tx = self.write_tx().await?;
        let stored = Self::locked_request(&mut tx, id).await?;
        online::check_confirmed(&stored)?;
        let (request, removed) = amend::withdraw_last(&stored)?;
        Self::replace_request(&mut tx, &request).await?;
        audit
            .set("event", codec::event_kind_str(removed.event))
            .set("date", removed.event.date().to_string())
            .set("outcome", removed.outcome.map(codec::outcome_str))
            .set("note", removed.note.as_str());
        Self::finish(tx, &audit).await?;
        Ok((request, removed))
    }

    /// Writes a whole request over the stored one of its id: the row (with the kind it counts
    /// under and its closing recomputed), its applicants and its timeline.
    async fn replace_request(conn: &mut DB::Connection, r: &Request) -> Result<()> {
        let closing = rules::check_timeline(&r.events)?;
        sqlx::query(
            // A changed description's words are indexed again (`words` NULL: not indexed).
            "UPDATE requests SET channel = $1, received = $2, description = $3, \
             requested_form = $4, applicant_kind = $5, decided_on = $6, outcome = $7, \
             words = CASE WHEN description = $3 THEN words END WHERE id = $8",
        )
        .bind(codec::channel_str(r.data.channel))
        .bind(r.data.received)
        .bind(r.data.description.as_str())
        .bind(r.data.requested_form.as_str())
        .bind(codec::applicant_str(rules::counted_kind(&r.data)))
        .bind(closing.map(|c| c.0))
        .bind(closing.map(|c| codec::outcome_str(c.1)))
        .bind(r.id.0)
        .execute(&mut *conn)
        .await
        .map_err(db("更正申请"))?;
        for table in ["applicants", "events"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE request_id = $1"))
                .bind(r.id.0)
                .execute(&mut *conn)
                .await
                .map_err(db("更正申请"))?;
        }
        let applicants: Vec<(i64, usize, &ApplicantRecord)> = r
            .data
            .applicants
            .iter()
            .enumerate()
            .map(|(i, a)| (r.id.0, i, a))
            .collect();
        Self::insert_applicants(conn, &applicants).await?;
        let events: Vec<(i64, usize, &TimelineEvent)> = r
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (r.id.0, i, e))
            .collect();
        Self::insert_events(conn, &events).await
    }

    pub async fn request_ids(
        &self,
        agencies: &[AgencyId],
        open_only: bool,
    ) -> Result<Vec<RequestId>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id FROM requests WHERE agency_id IN {}{} ORDER BY id",
            id_list(agencies.iter().map(|a| a.0)),
            if open_only {
                " AND decided_on IS NULL"
            } else {
                ""
            }
        );
        let ids: Vec<i64> = sqlx::query_scalar(&sql)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("列出申请"))?;
        Ok(ids.into_iter().map(RequestId).collect())
    }

    pub async fn request(&self, id: RequestId) -> Result<Option<Request>> {
        Self::load_request(&mut *self.conn().await?, "id = $1", (id.0, None)).await
    }

    /// One query per [`ID_CHUNK`] ids: each request's columns repeated on the rows of its events.
    pub async fn timelines(&self, ids: &[RequestId]) -> Result<Vec<gongkai_store::Timeline>> {
        let mut sorted: Vec<i64> = ids.iter().map(|id| id.0).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut out: Vec<gongkai_store::Timeline> = Vec::with_capacity(sorted.len());
        let mut conn = self.conn().await?;
        for chunk in sorted.chunks(ID_CHUNK) {
            let sql = format!(
                "SELECT r.id, r.agency_id, r.reference, r.received, r.awaiting, e.kind, e.date, \
                 e.outcome \
                 FROM requests r JOIN events e ON e.request_id = r.id \
                 WHERE r.id IN {} ORDER BY r.id, e.seq",
                id_list(chunk.iter().copied())
            );
            let rows = Self::rows_of(&mut conn, &sql, "读取申请经过").await?;
            for row in &rows {
                let get = db("读取申请经过");
                let id: i64 = row.try_get("id").map_err(&get)?;
                let kind: String = row.try_get("kind").map_err(&get)?;
                let date: NaiveDate = row.try_get("date").map_err(&get)?;
                let outcome: Option<String> = row.try_get("outcome").map_err(&get)?;
                let event = TimelineEvent {
                    event: codec::event_from(&kind, date)?,
                    outcome: outcome.as_deref().map(codec::outcome_from).transpose()?,
                    note: String::new(),
                };
                match out.last_mut() {
                    Some(t) if t.id.0 == id => t.events.push(event),
                    _ => out.push(gongkai_store::Timeline {
                        id: RequestId(id),
                        agency: AgencyId(row.try_get("agency_id").map_err(&get)?),
                        reference: row.try_get("reference").map_err(&get)?,
                        received: row.try_get("received").map_err(&get)?,
                        events: vec![event],
                        confirmation: applications::confirmation_from(
                            row.try_get("awaiting").map_err(&get)?,
                        )?,
                    }),
                }
            }
        }
        Ok(out)
    }

    /// Three queries per [`ID_CHUNK`] distinct ids (requests, applicants, events), assembled in
    /// memory.
    pub async fn requests_by_ids(&self, ids: &[RequestId]) -> Result<Vec<Request>> {
        let mut distinct: Vec<i64> = ids.iter().map(|id| id.0).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let mut found = HashMap::with_capacity(distinct.len());
        let mut conn = self.conn().await?;
        for chunk in distinct.chunks(ID_CHUNK) {
            Self::load_requests(&mut conn, chunk, &mut found).await?;
        }
        // How many times each id is still to be given: the last time takes the request.
        let mut left: HashMap<i64, usize> = HashMap::new();
        for id in ids {
            *left.entry(id.0).or_default() += 1;
        }
        let mut out = Vec::with_capacity(found.len());
        for id in ids {
            let n = left.get_mut(&id.0).expect("counted above");
            *n -= 1;
            let request = if *n == 0 {
                found.remove(&id.0)
            } else {
                found.get(&id.0).cloned()
            };
            out.extend(request);
        }
        Ok(out)
    }

    pub async fn request_by_reference(
        &self,
        agency: AgencyId,
        reference: &str,
    ) -> Result<Option<Request>> {
        Self::load_request(
            &mut *self.conn().await?,
            "agency_id = $1 AND reference = $2",
            (agency.0, Some(reference)),
        )
        .await
    }

    /// The backend chooses the columns and reads the rows ([`Backend::case_facts`]).
    pub async fn case_facts(&self, agencies: &[AgencyId], year: i32) -> Result<Vec<CaseFacts>> {
        let rows = self
            .fact_rows(
                Kind::Request,
                B::CASE_FACT_COLUMNS,
                B::CASE_FACT_GROUPING,
                agencies,
                year,
            )
            .await?;
        let mut facts = B::case_facts(&rows)?;
        let unknown = self.receipt_unknown(agencies).await?;
        if !unknown.is_empty() {
            let unknown: HashSet<i64> = unknown.into_iter().collect();
            facts.retain(|f| !unknown.contains(&f.id.0));
        }
        facts.sort_unstable_by_key(|f| f.id);
        Ok(facts)
    }

    pub async fn create_remedy(&self, new: NewRemedy, mut audit: Draft) -> Result<Remedy> {
        rules::check_new_remedy(&new)?;
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([new.agency.0])).await?;
        Self::insert_remedies(&mut tx, &[&new])
            .await
            .map_err(conflict(format!("案件编号 {} 已存在", new.reference)))?;
        let stored = Self::load_remedy(
            &mut tx,
            "agency_id = $1 AND reference = $2",
            (new.agency.0, Some(&new.reference)),
        )
        .await?
        .ok_or_else(|| StoreError::Backend("保存复议诉讼案件后读取失败".into()))?;
        audit.set("id", stored.id.0);
        Self::finish(tx, &audit).await?;
        Ok(stored)
    }

    pub async fn close_remedy(
        &self,
        id: RemedyId,
        closed: (NaiveDate, RemedyResult),
        mut audit: Draft,
    ) -> Result<Remedy> {
        let mut tx = self.write_tx().await?;
        let filter = format!("id = $1 {}", B::lock_rows("remedies"));
        let mut remedy = Self::load_remedy(&mut tx, &filter, (id.0, None))
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("复议诉讼案件 id {}", id.0)))?;
        if let Some((date, result)) = remedy.data.closed {
            return Err(StoreError::Invalid(format!(
                "案件 {} 已于 {date} 结案（{}）",
                remedy.data.reference,
                gongkai_cases::vocab::remedy_result_label(Some(result))
            )));
        }
        remedy.data.closed = Some(closed);
        rules::check_new_remedy(&remedy.data)?;
        Self::set_remedy_closing(&mut tx, id.0, Some(closed)).await?;
        audit
            .set("closed", closed.0.to_string())
            .set("result", codec::remedy_result_str(closed.1));
        Self::finish(tx, &audit).await?;
        Ok(remedy)
    }

    async fn set_remedy_closing(
        conn: &mut DB::Connection,
        id: i64,
        closed: Option<(NaiveDate, RemedyResult)>,
    ) -> Result<()> {
        sqlx::query("UPDATE remedies SET closed_on = $1, result = $2 WHERE id = $3")
            .bind(closed.map(|c| c.0))
            .bind(closed.map(|c| codec::remedy_result_str(c.1)))
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(db("记录结案"))?;
        Ok(())
    }

    /// Writes a whole remedy case over the stored one of its id.
    async fn replace_remedy(conn: &mut DB::Connection, r: &Remedy) -> Result<()> {
        sqlx::query("UPDATE remedies SET kind = $1, received = $2 WHERE id = $3")
            .bind(codec::remedy_kind_str(r.data.kind))
            .bind(r.data.received)
            .bind(r.id.0)
            .execute(&mut *conn)
            .await
            .map_err(db("更正复议诉讼案件"))?;
        Self::set_remedy_closing(conn, r.id.0, r.data.closed).await?;
        sqlx::query("DELETE FROM remedy_requests WHERE remedy_id = $1")
            .bind(r.id.0)
            .execute(&mut *conn)
            .await
            .map_err(db("更正复议诉讼案件"))?;
        Self::insert_links(conn, r.id.0, &r.data.requests).await
    }

    pub async fn remedy_by_reference(
        &self,
        agency: AgencyId,
        reference: &str,
    ) -> Result<Option<Remedy>> {
        Self::load_remedy(
            &mut *self.conn().await?,
            "agency_id = $1 AND reference = $2",
            (agency.0, Some(reference)),
        )
        .await
    }

    pub async fn remedies_of(&self, agencies: &[AgencyId]) -> Result<Vec<Remedy>> {
        if agencies.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn().await?;
        let sql = format!(
            "SELECT {REMEDY_COLUMNS} FROM remedies WHERE agency_id IN {} ORDER BY id",
            id_list(agencies.iter().map(|a| a.0))
        );
        let rows = Self::rows_of(&mut conn, &sql, "读取复议诉讼案件").await?;
        let mut out: Vec<Remedy> = rows.iter().map(Self::remedy_row).collect::<Result<_>>()?;
        Self::load_links(&mut conn, &mut out).await?;
        Ok(out)
    }

    /// Fills in the linked request references of `remedies`, in one query per chunk.
    async fn load_links(conn: &mut DB::Connection, remedies: &mut [Remedy]) -> Result<()> {
        let index: HashMap<i64, usize> = remedies
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.0, i))
            .collect();
        let ids: Vec<i64> = index.keys().copied().collect();
        for chunk in ids.chunks(ID_CHUNK) {
            let sql = format!(
                "SELECT remedy_id, reference FROM remedy_requests WHERE remedy_id IN {} \
                 ORDER BY remedy_id, position",
                id_list(chunk.iter().copied())
            );
            for row in Self::rows_of(conn, &sql, "读取复议诉讼案件").await? {
                let get = || -> Result<(i64, String), sqlx::Error> {
                    Ok((row.try_get("remedy_id")?, row.try_get("reference")?))
                };
                let (id, reference) = get().map_err(db("读取复议诉讼案件"))?;
                if let Some(&i) = index.get(&id) {
                    remedies[i].data.requests.push(reference);
                }
            }
        }
        Ok(())
    }

    pub async fn remedy_facts(&self, agencies: &[AgencyId], year: i32) -> Result<Vec<RemedyFacts>> {
        let cols = "id, agency_id, reference, kind, received, closed_on, result";
        let rows = self
            .fact_rows(Kind::Remedy, cols, "", agencies, year)
            .await?;
        let mut facts = rows
            .iter()
            .map(|row| {
                let agency = AgencyId(row.try_get("agency_id").map_err(db("统计复议诉讼案件"))?);
                Self::remedy_facts_row(row, agency)
            })
            .collect::<Result<Vec<_>>>()?;
        facts.sort_unstable_by_key(|f| f.id);
        Ok(facts)
    }

    /// The rows of [`facts_sql`] on the records of `kind` of `agencies` for `year`, reading
    /// `cols` and ending each scan with `each`; none for no agencies.
    async fn fact_rows(
        &self,
        kind: Kind,
        cols: &str,
        each: &str,
        agencies: &[AgencyId],
        year: i32,
    ) -> Result<Vec<DB::Row>> {
        let (start, end) = rules::year_bounds(year)?;
        if agencies.is_empty() {
            return Ok(vec![]);
        }
        let (table, closed_col, _) = kind.parts();
        let sql = facts_sql::<B>(table, cols, closed_col, kind.indexes(), agencies, each);
        sqlx::query(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(self.0.pool())
            .await
            .map_err(db(kind.counting()))
    }

    /// Begins an import: ONE write transaction for the whole ledger, fed chunk by chunk
    /// ([`ImportTx::add`]); on any error, or when the session is dropped, nothing is stored.
    pub async fn begin_import(&self, policy: ImportPolicy) -> Result<ImportTx<B>> {
        Ok(ImportTx {
            tx: self.write_tx().await?,
            policy,
            seen_requests: HashSet::new(),
            seen_remedies: HashSet::new(),
            agencies: HashSet::new(),
            summary: ImportSummary::default(),
        })
    }

    pub async fn set_figures(&self, figures: YearFigures, mut audit: Draft) -> Result<()> {
        let cells = rules::check_figures(&figures)?;
        let (agency, year) = (figures.agency.0, figures.year);
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([agency])).await?;
        sqlx::query("DELETE FROM figure_cells WHERE agency_id = $1 AND year = $2")
            .bind(agency)
            .bind(year)
            .execute(&mut *tx)
            .await
            .map_err(db("保存表二数据"))?;
        sqlx::query(
            "INSERT INTO figure_sets (agency_id, year) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(agency)
        .bind(year)
        .execute(&mut *tx)
        .await
        .map_err(db("保存表二数据"))?;
        let cells: Vec<_> = cells.iter().enumerate().collect();
        let head = "INSERT INTO figure_cells (agency_id, year, position, cell_key, value, reason) ";
        let what = "保存表二数据";
        Self::run_values(
            &mut tx,
            (head, ""),
            &cells,
            ROW_CHUNK,
            what,
            |b, (i, (k, v, reason))| {
                b.bind(agency)
                    .bind(year)
                    .bind(*i as i64)
                    .bind(k.as_str())
                    .bind(v.as_str())
                    .bind(reason.as_str());
            },
        )
        .await?;
        let values: serde_json::Map<String, serde_json::Value> = cells
            .iter()
            .map(|(_, (k, v, _))| (k.clone(), serde_json::Value::from(v.as_str())))
            .collect();
        let reasons: serde_json::Map<String, serde_json::Value> = cells
            .iter()
            .filter(|(_, (_, _, r))| !r.is_empty())
            .map(|(_, (k, _, r))| (k.clone(), serde_json::Value::from(r.as_str())))
            .collect();
        audit.set("year", year).set("cells", values);
        if !reasons.is_empty() {
            audit.set("reasons", reasons);
        }
        Self::finish(tx, &audit).await
    }

    pub async fn figures(&self, agency: AgencyId, year: i32) -> Result<Option<YearFigures>> {
        let mut conn = self.conn().await?;
        let set: Option<i64> = sqlx::query_scalar(
            "SELECT agency_id FROM figure_sets WHERE agency_id = $1 AND year = $2",
        )
        .bind(agency.0)
        .bind(year)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db("读取表二数据"))?;
        if set.is_none() {
            return Ok(None);
        }
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT cell_key, value, reason FROM figure_cells WHERE agency_id = $1 AND year = $2 \
             ORDER BY position",
        )
        .bind(agency.0)
        .bind(year)
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取表二数据"))?;
        let cells: Vec<_> = rows
            .iter()
            .map(|(k, v, _)| codec::figure_from(k, v))
            .collect::<Result<_>>()?;
        let reasons = cells
            .iter()
            .zip(&rows)
            .filter(|(_, (_, _, r))| !r.is_empty())
            .map(|((key, _), (_, _, r))| (*key, r.clone()))
            .collect();
        Ok(Some(YearFigures {
            agency,
            year,
            cells,
            reasons,
        }))
    }

    pub async fn calendar_overrides(&self) -> Result<Vec<String>> {
        sqlx::query_scalar("SELECT toml FROM calendar_overrides ORDER BY id")
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取日历补充"))
    }

    pub async fn add_calendar_override(&self, toml: &str, audit: Draft) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO calendar_overrides (toml) VALUES ($1)")
            .bind(toml)
            .execute(&mut *tx)
            .await
            .map_err(db("保存日历补充"))?;
        Self::finish(tx, &audit).await
    }

    pub async fn set_report_text(
        &self,
        agency: AgencyId,
        year: i32,
        text: &ReportText,
        mut audit: Draft,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([agency.0])).await?;
        sqlx::query("DELETE FROM report_texts WHERE agency_id = $1 AND year = $2")
            .bind(agency.0)
            .bind(year)
            .execute(&mut *tx)
            .await
            .map_err(db("保存报告正文"))?;
        sqlx::query(
            "INSERT INTO report_text_sets (agency_id, year) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(agency.0)
        .bind(year)
        .execute(&mut *tx)
        .await
        .map_err(db("保存报告正文"))?;
        let mut parts: Vec<(&str, &str)> = vec![("preamble", text.preamble.as_str())];
        parts.extend(text.sections.iter().map(|(s, t)| (s.key(), t.as_str())));
        let head = "INSERT INTO report_texts (agency_id, year, part, text) ";
        Self::run_values(
            &mut tx,
            (head, ""),
            &parts,
            ROW_CHUNK,
            "保存报告正文",
            |b, (part, text)| {
                b.bind(agency.0).bind(year).bind(*part).bind(*text);
            },
        )
        .await?;
        let chars: serde_json::Map<String, serde_json::Value> = parts
            .iter()
            .map(|(p, t)| ((*p).to_owned(), serde_json::Value::from(t.chars().count())))
            .collect();
        audit.set("year", year).set("characters", chars);
        Self::finish(tx, &audit).await
    }

    pub async fn report_text(&self, agency: AgencyId, year: i32) -> Result<Option<ReportText>> {
        let mut conn = self.conn().await?;
        let set: Option<i64> = sqlx::query_scalar(
            "SELECT agency_id FROM report_text_sets WHERE agency_id = $1 AND year = $2",
        )
        .bind(agency.0)
        .bind(year)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db("读取报告正文"))?;
        if set.is_none() {
            return Ok(None);
        }
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT part, text FROM report_texts WHERE agency_id = $1 AND year = $2",
        )
        .bind(agency.0)
        .bind(year)
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取报告正文"))?;
        let mut text = ReportText::default();
        for (part, body) in rows {
            if part == "preamble" {
                text.preamble = body;
            } else {
                let section = Section::from_key(&part).ok_or_else(|| {
                    StoreError::Backend(format!("数据库中的报告章节无法识别：{part:?}"))
                })?;
                text.sections.push((section, body));
            }
        }
        text.sections.sort_by_key(|(s, _)| *s);
        Ok(Some(text))
    }

    pub async fn create_user(
        &self,
        name: &str,
        password_hash: &str,
        role: Option<(AgencyId, Role)>,
        mut audit: Draft,
    ) -> Result<User> {
        let created = kept_time(Utc::now());
        let mut tx = self.write_tx().await?;
        if let Some((agency, _)) = role {
            Self::agencies_exist(&mut tx, &HashSet::from([agency.0])).await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (name, password_hash, created) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(name)
        .bind(password_hash)
        .bind(created)
        .fetch_one(&mut *tx)
        .await
        .map_err(db("创建用户"))
        .map_err(conflict(format!("用户名“{name}”已存在")))?;
        audit.set("id", id).set("name", name);
        if let Some((agency, role)) = role {
            sqlx::query("INSERT INTO user_roles (user_id, agency_id, role) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(agency.0)
                .bind(role.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db("授予用户角色"))?;
            audit.set("agency_id", agency.0).set("role", role.as_str());
        }
        Self::finish(tx, &audit).await?;
        Ok(User {
            id: UserId(id),
            name: name.to_owned(),
            disabled: false,
            created,
            roles: role.into_iter().collect(),
            email: None,
        })
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>> {
        Self::load_user(&mut *self.conn().await?, "users.name = $1", Key::Text(name)).await
    }

    pub async fn user(&self, id: UserId) -> Result<Option<User>> {
        Self::load_user(&mut *self.conn().await?, "users.id = $1", Key::Id(id.0)).await
    }

    /// Sorted here rather than by the database: the databases' collations order names
    /// differently.
    pub async fn users(&self) -> Result<Vec<User>> {
        let mut conn = self.conn().await?;
        let sql = format!("SELECT {USER_COLUMNS} FROM users");
        let rows = Self::rows_of(&mut conn, &sql, "读取用户").await?;
        let mut users: Vec<User> = rows.iter().map(Self::user_row).collect::<Result<_>>()?;
        Self::add_roles(&mut conn, &mut users).await?;
        users.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(users)
    }

    /// Grants a role (`grant`: `grant_role`) or takes it back (`revoke_role`), under the
    /// account's row lock. Granting a role already held writes nothing, not even an audit
    /// entry: nothing changed.
    pub async fn change_role(
        &self,
        user: UserId,
        (agency, role): (AgencyId, Role),
        grant: bool,
        mut audit: Draft,
    ) -> Result<User> {
        let mut tx = self.write_tx().await?;
        let mut account = Self::locked_user(&mut tx, user).await?;
        Self::agencies_exist(&mut tx, &HashSet::from([agency.0])).await?;
        let held = account.roles.contains(&(agency, role));
        let sql = match (grant, held) {
            (true, true) => return Ok(account),
            (true, false) => {
                "INSERT INTO user_roles (user_id, agency_id, role) VALUES ($1, $2, $3)"
            }
            (false, true) => {
                "DELETE FROM user_roles WHERE user_id = $1 AND agency_id = $2 AND role = $3"
            }
            (false, false) => {
                return Err(StoreError::NotFound(format!(
                    "用户“{}”在机关 id {} 没有“{}”角色",
                    account.name,
                    agency.0,
                    role.label()
                )));
            }
        };
        sqlx::query(sql)
            .bind(user.0)
            .bind(agency.0)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db("修改用户角色"))?;
        audit
            .set("user", account.name.as_str())
            .set("agency_id", agency.0)
            .set("role", role.as_str());
        Self::finish(tx, &audit).await?;
        if grant {
            account.roles.push((agency, role));
            account.roles.sort_unstable();
        } else {
            account.roles.retain(|held| *held != (agency, role));
        }
        Ok(account)
    }

    pub async fn set_disabled(
        &self,
        user: UserId,
        disabled: bool,
        mut audit: Draft,
    ) -> Result<User> {
        let mut tx = self.write_tx().await?;
        let mut account = Self::locked_user(&mut tx, user).await?;
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(db("停用或启用用户"))?;
        let ended = if disabled {
            Self::end_sessions(&mut tx, user, None).await?
        } else {
            0
        };
        audit
            .set("user", account.name.as_str())
            .set("disabled", disabled)
            .set("sessions_ended", ended);
        Self::finish(tx, &audit).await?;
        account.disabled = disabled;
        Ok(account)
    }

    /// The audit entry names the account and counts the sessions ended; the hash is no part of
    /// it.
    pub async fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep: Option<&[u8; 32]>,
        mut audit: Draft,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let account = Self::locked_user(&mut tx, user).await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user.0)
            .execute(&mut *tx)
            .await
            .map_err(db("修改密码"))?;
        Self::clear_lockout(&mut tx, user).await?;
        let ended = Self::end_sessions(&mut tx, user, keep).await?;
        audit
            .set("user", account.name.as_str())
            .set("sessions_ended", ended);
        Self::finish(tx, &audit).await
    }

    pub async fn credentials(&self, name: &str) -> Result<Option<Credentials>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, password_hash, failed_logins, locked_until FROM users \
             WHERE users.name = $1"
        );
        let mut conn = self.conn().await?;
        let found = Self::with_user(&mut conn, &sql, Key::Text(name), Self::lockout_row).await?;
        Ok(found.map(
            |(user, (password_hash, failed_logins, locked_until))| Credentials {
                user,
                password_hash,
                failed_logins,
                locked_until,
            },
        ))
    }

    /// One statement: two failed logins at once in two processes count two.
    pub async fn login_failed(
        &self,
        user: UserId,
        lock_until: Option<DateTime<Utc>>,
    ) -> Result<u32> {
        let count: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET failed_logins = failed_logins + 1, \
             locked_until = COALESCE($1, locked_until) WHERE id = $2 RETURNING failed_logins",
        )
        .bind(lock_until.map(kept_time))
        .bind(user.0)
        .fetch_optional(self.0.write_pool())
        .await
        .map_err(db("记录登录失败"))?;
        login_count(count.ok_or_else(|| no_user(user))?)
    }

    pub async fn create_session(
        &self,
        user: UserId,
        secret_hash: &[u8; 32],
        csrf: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.unaudited_tx().await?;
        Self::clear_lockout(&mut tx, user).await?;
        sqlx::query(
            "INSERT INTO sessions (secret_hash, user_id, csrf, created, last_seen) \
             VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(hex(secret_hash).as_str())
        .bind(user.0)
        .bind(csrf)
        .bind(kept_time(now))
        .execute(&mut *tx)
        .await
        .map_err(db("创建会话"))
        .map_err(conflict("会话已存在".into()))?;
        tx.commit().await.map_err(db("提交事务"))
    }

    pub async fn session(&self, secret_hash: &[u8; 32]) -> Result<Option<Session>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, sessions.csrf AS csrf, sessions.created AS session_created, \
             sessions.last_seen AS last_seen \
             FROM sessions JOIN users ON users.id = sessions.user_id \
             WHERE sessions.secret_hash = $1"
        );
        let hash = hex(secret_hash);
        let mut conn = self.conn().await?;
        let found = Self::with_user(&mut conn, &sql, Key::Text(&hash), Self::session_row).await?;
        Ok(found.map(|(user, (csrf, created, last_seen))| Session {
            user,
            csrf,
            created,
            last_seen,
        }))
    }

    /// Never moves `last_seen` back: requests of one session answered by several processes
    /// may record their times out of order.
    pub async fn touch_session(&self, secret_hash: &[u8; 32], now: DateTime<Utc>) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen = $1 WHERE secret_hash = $2 AND last_seen < $1")
            .bind(kept_time(now))
            .bind(hex(secret_hash).as_str())
            .execute(self.0.write_pool())
            .await
            .map_err(db("记录会话使用时间"))?;
        Ok(())
    }

    pub async fn delete_session(&self, secret_hash: &[u8; 32]) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE secret_hash = $1")
            .bind(hex(secret_hash).as_str())
            .execute(self.0.write_pool())
            .await
            .map_err(db("结束会话"))?;
        Ok(())
    }

    /// `INSERT … ON CONFLICT DO NOTHING`: the database decides which of two calls at once takes
    /// the key. No audit entry: a key is bookkeeping of the API, not a change of records.
    pub async fn claim_key(
        &self,
        user: UserId,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> Result<KeyClaim> {
        let pool = self.0.write_pool();
        sqlx::query("DELETE FROM idempotency_keys WHERE created < $1")
            .bind(kept_time(forget_before))
            .execute(pool)
            .await
            .map_err(db("清理幂等键"))?;
        let taken: Option<i64> = sqlx::query_scalar(
            "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, idem_key) DO NOTHING RETURNING user_id",
        )
        .bind(user.0)
        .bind(key)
        .bind(request_hash)
        .bind(kept_time(now))
        .fetch_optional(pool)
        .await
        .map_err(db("登记幂等键"))?;
        if taken.is_some() {
            return Ok(KeyClaim::New);
        }
        let row = sqlx::query(
            "SELECT request_hash, status, body FROM idempotency_keys \
             WHERE user_id = $1 AND idem_key = $2",
        )
        .bind(user.0)
        .bind(key)
        .fetch_optional(pool)
        .await
        .map_err(db("读取幂等键"))?;
        // Forgotten between the two statements (a claim far in the past): take it again.
        let Some(row) = row else {
            return Box::pin(self.claim_key(user, key, request_hash, now, forget_before)).await;
        };
        let get = db("读取幂等键");
        let request_hash: String = row.try_get("request_hash").map_err(&get)?;
        let status: Option<i64> = row.try_get("status").map_err(&get)?;
        let body: Option<String> = row.try_get("body").map_err(&get)?;
        Ok(match (status, body) {
            (Some(status), Some(body)) => KeyClaim::Answered {
                request_hash,
                status: u16::try_from(status)
                    .map_err(|_| StoreError::Backend(format!("幂等键的状态码无效：{status}")))?,
                body,
            },
            _ => KeyClaim::Running { request_hash },
        })
    }

    pub async fn answer_key(&self, user: UserId, key: &str, status: u16, body: &str) -> Result<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $3, body = $4 \
             WHERE user_id = $1 AND idem_key = $2",
        )
        .bind(user.0)
        .bind(key)
        .bind(i64::from(status))
        .bind(body)
        .execute(self.0.write_pool())
        .await
        .map_err(db("记录幂等键的答复"))?;
        Ok(())
    }

    pub async fn release_key(&self, user: UserId, key: &str) -> Result<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND status IS NULL",
        )
        .bind(user.0)
        .bind(key)
        .execute(self.0.write_pool())
        .await
        .map_err(db("释放幂等键"))?;
        Ok(())
    }

    /// Counted by `RETURNING`: the generic driver API has no count of affected rows.
    pub async fn purge_sessions(
        &self,
        created_before: DateTime<Utc>,
        seen_before: DateTime<Utc>,
    ) -> Result<u64> {
        let purged: Vec<i64> = sqlx::query_scalar(
            "DELETE FROM sessions WHERE created < $1 OR last_seen < $2 RETURNING user_id",
        )
        .bind(kept_time(created_before))
        .bind(kept_time(seen_before))
        .fetch_all(self.0.write_pool())
        .await
        .map_err(db("清理过期会话"))?;
        Ok(purged.len() as u64)
    }

    /// The audit entry names the account, the token's id and prefix and its expiry; the hash
    /// is no part of it (the prefix, 32 bits of it, is what listings show anyway).
    pub async fn create_token(
        &self,
        user: UserId,
        secret_hash: &[u8; 32],
        expires: Option<DateTime<Utc>>,
        mut audit: Draft,
    ) -> Result<ApiToken> {
        let (created, expires) = (kept_time(Utc::now()), expires.map(kept_time));
        let hash = hex(secret_hash);
        let mut tx = self.write_tx().await?;
        let account = Self::locked_user(&mut tx, user).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (user_id, secret_hash, created, expires) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(user.0)
        .bind(hash.as_str())
        .bind(created)
        .bind(expires)
        .fetch_one(&mut *tx)
        .await
        .map_err(db("创建令牌"))
        .map_err(conflict("令牌已存在".into()))?;
        let token = ApiToken {
            id: TokenId(id),
            user,
            created,
            expires,
            prefix: token_prefix(&hash)?,
        };
        audit
            .set("user", account.name.as_str())
            .set("token", id)
            .set("prefix", token.prefix.as_str())
            .set("expires", expires.map(|t| t.to_rfc3339()));
        Self::finish(tx, &audit).await?;
        Ok(token)
    }

    pub async fn token(&self, secret_hash: &[u8; 32]) -> Result<Option<(ApiToken, User)>> {
        let sql = token_sql("api_tokens.secret_hash = $1");
        let hash = hex(secret_hash);
        let mut conn = self.conn().await?;
        let found = Self::with_user(&mut conn, &sql, Key::Text(&hash), Self::token_row).await?;
        Ok(found.map(|(user, token)| (token, user)))
    }

    /// Newest first; tokens made in the same moment, the later id first.
    pub async fn tokens_of(&self, user: UserId) -> Result<Vec<ApiToken>> {
        let sql = format!(
            "SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 \
             ORDER BY created DESC, id DESC"
        );
        let rows = Self::children(&mut *self.conn().await?, &sql, user.0, "读取令牌").await?;
        rows.iter().map(Self::token_row).collect()
    }

    pub async fn revoke_token(&self, id: TokenId, mut audit: Draft) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "{} {}",
            token_sql("api_tokens.id = $1"),
            B::lock_rows("api_tokens")
        );
        let (account, token) = Self::with_user(&mut tx, &sql, Key::Id(id.0), Self::token_row)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("令牌 id {} 不存在", id.0)))?;
        sqlx::query("DELETE FROM api_tokens WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db("撤销令牌"))?;
        audit
            .set("user", account.name.as_str())
            .set("token", id.0)
            .set("prefix", token.prefix.as_str());
        Self::finish(tx, &audit).await
    }

    /// The one account a `WHERE` clause on `users` selects (`filter`, binding `key` to `$1`).
    async fn load_user(
        conn: &mut DB::Connection,
        filter: &str,
        key: Key<'_>,
    ) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE {filter}");
        let found = Self::with_user(conn, &sql, key, |_| Ok(())).await?;
        Ok(found.map(|(user, ())| user))
    }

    /// The account `id` inside a write transaction, its row locked, or
    /// [`StoreError::NotFound`].
    async fn locked_user(conn: &mut DB::Connection, id: UserId) -> Result<User> {
        let filter = format!("users.id = $1 {}", B::lock_rows("users"));
        Self::load_user(conn, &filter, Key::Id(id.0))
            .await?
            .ok_or_else(|| no_user(id))
    }

    /// The row `sql` selects with `key` bound to `$1`, if any: the account of its
    /// [`USER_COLUMNS`] (with the account's roles) and what `rest` reads of its other columns.
    async fn with_user<T>(
        conn: &mut DB::Connection,
        sql: &str,
        key: Key<'_>,
        rest: impl FnOnce(&DB::Row) -> Result<T>,
    ) -> Result<Option<(User, T)>> {
        let row = key
            .bind(sqlx::query(sql))
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取用户"))?;
        let Some(row) = row else { return Ok(None) };
        let mut user = [Self::user_row(&row)?];
        Self::add_roles(conn, &mut user).await?;
        let [user] = user;
        Ok(Some((user, rest(&row)?)))
    }

    /// An account's columns ([`USER_COLUMNS`]) of a row, without its roles.
    fn user_row(row: &DB::Row) -> Result<User> {
        let get = || -> Result<User, sqlx::Error> {
            Ok(User {
                id: UserId(row.try_get("user_id")?),
                name: row.try_get("user_name")?,
                disabled: row.try_get("user_disabled")?,
                created: row.try_get("user_created")?,
                roles: Vec::new(),
                email: row.try_get("user_email")?,
            })
        };
        get().map_err(db("读取用户"))
    }

    /// Fills in the roles of `users`, each ordered by agency then role: of the one account
    /// when there is one, else every account's.
    async fn add_roles(conn: &mut DB::Connection, users: &mut [User]) -> Result<()> {
        let query = match users {
            [one] => {
                sqlx::query_as("SELECT user_id, agency_id, role FROM user_roles WHERE user_id = $1")
                    .bind(one.id.0)
            }
            _ => sqlx::query_as("SELECT user_id, agency_id, role FROM user_roles"),
        };
        let rows: Vec<(i64, i64, String)> = query
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取用户角色"))?;
        let index: HashMap<i64, usize> =
            users.iter().enumerate().map(|(i, u)| (u.id.0, i)).collect();
        for (user, agency, text) in rows {
            let role = Role::parse(&text)
                .ok_or_else(|| StoreError::Backend(format!("数据库中的角色无法识别：{text:?}")))?;
            if let Some(&i) = index.get(&user) {
                users[i].roles.push((AgencyId(agency), role));
            }
        }
        for user in users {
            user.roles.sort_unstable();
        }
        Ok(())
    }

    /// What a login checks besides the account: its password hash, failures and lockout.
    fn lockout_row(row: &DB::Row) -> Result<(String, u32, Option<DateTime<Utc>>)> {
        let get = || -> Result<(String, i64, Option<DateTime<Utc>>), sqlx::Error> {
            Ok((
                row.try_get("password_hash")?,
                row.try_get("failed_logins")?,
                row.try_get("locked_until")?,
            ))
        };
        let (hash, failed, locked_until) = get().map_err(db("读取登录信息"))?;
        Ok((hash, login_count(failed)?, locked_until))
    }

    /// A session's own columns: its CSRF token, when it was created and last seen.
    fn session_row(row: &DB::Row) -> Result<(String, DateTime<Utc>, DateTime<Utc>)> {
        let get = || -> Result<_, sqlx::Error> {
            Ok((
                row.try_get("csrf")?,
                row.try_get("session_created")?,
                row.try_get("last_seen")?,
            ))
        };
        get().map_err(db("读取会话"))
    }

    /// A token's columns ([`TOKEN_COLUMNS`]) of a row.
    fn token_row(row: &DB::Row) -> Result<ApiToken> {
        let get = || -> Result<(ApiToken, String), sqlx::Error> {
            Ok((
                ApiToken {
                    id: TokenId(row.try_get("token_id")?),
                    user: UserId(row.try_get("token_user")?),
                    created: row.try_get("token_created")?,
                    expires: row.try_get("token_expires")?,
                    prefix: String::new(),
                },
                row.try_get("token_hash")?,
            ))
        };
        let (mut token, hash) = get().map_err(db("读取令牌"))?;
        token.prefix = token_prefix(&hash)?;
        Ok(token)
    }

    /// Resets the failed-login count and lifts the lockout of an account
    /// ([`StoreError::NotFound`] if there is none).
    async fn clear_lockout(conn: &mut DB::Connection, user: UserId) -> Result<()> {
        let found: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1 RETURNING id",
        )
        .bind(user.0)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db("清除登录失败记录"))?;
        found.map(|_| ()).ok_or_else(|| no_user(user))
    }

    /// Deletes the sessions of an account but `keep`; returns how many.
    async fn end_sessions(
        conn: &mut DB::Connection,
        user: UserId,
        keep: Option<&[u8; 32]>,
    ) -> Result<u64> {
        // No session's hash is empty: keeping "" keeps none.
        let keep = keep.map(hex).unwrap_or_default();
        let ended: Vec<i64> = sqlx::query_scalar(
            "DELETE FROM sessions WHERE user_id = $1 AND secret_hash <> $2 RETURNING user_id",
        )
        .bind(user.0)
        .bind(keep.as_str())
        .fetch_all(&mut *conn)
        .await
        .map_err(db("结束会话"))?;
        Ok(ended.len() as u64)
    }

    pub async fn audit_page(&self, after: i64, limit: usize) -> Result<Vec<Entry>> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT {}",
            limit.max(1)
        );
        let rows = sqlx::query(&sql)
            .bind(after)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取审计日志"))?;
        rows.iter().map(Self::audit_row).collect()
    }

    pub async fn audit_recent(&self, agency: Option<AgencyId>, limit: usize) -> Result<Vec<Entry>> {
        let filter = match agency {
            Some(a) => format!("WHERE agency_id = {}", a.0),
            None => String::new(),
        };
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log {filter} ORDER BY seq DESC LIMIT {}",
            limit.max(1)
        );
        let rows = Self::rows_of(&mut *self.conn().await?, &sql, "读取审计日志").await?;
        rows.iter().map(Self::audit_row).collect()
    }

    pub async fn audit_last(&self) -> Result<Option<Entry>> {
        Ok(self.audit_recent(None, 1).await?.into_iter().next())
    }

    /// Two lookups at the end of the `(agency_id, seq)` index.
    pub async fn audit_version(&self, agencies: &[AgencyId]) -> Result<i64> {
        let of_agencies = if agencies.is_empty() {
            String::new()
        } else {
            format!(
                "SELECT MAX(seq) AS s FROM audit_log WHERE agency_id IN {} UNION ALL ",
                id_list(agencies.iter().map(|a| a.0))
            )
        };
        let sql = format!(
            "SELECT COALESCE(MAX(s), 0) FROM ({of_agencies}\
             SELECT MAX(seq) AS s FROM audit_log WHERE agency_id IS NULL) v"
        );
        sqlx::query_scalar(&sql)
            .fetch_one(self.0.pool())
            .await
            .map_err(db("读取审计日志"))
    }

    fn audit_row(row: &DB::Row) -> Result<Entry> {
        let e = db("读取审计日志");
        let hash = |col: &str| -> Result<Hash> {
            let text: String = row.try_get(col).map_err(&e)?;
            text.parse()
                .map_err(|err| StoreError::Backend(format!("审计日志的 {col}：{err}")))
        };
        Ok(Entry {
            seq: row.try_get("seq").map_err(&e)?,
            at: row.try_get("at").map_err(&e)?,
            actor: row.try_get("actor").map_err(&e)?,
            agency_id: row.try_get("agency_id").map_err(&e)?,
            agency: row.try_get("agency").map_err(&e)?,
            action: row.try_get("action").map_err(&e)?,
            object: row.try_get("object").map_err(&e)?,
            summary: row.try_get("summary").map_err(&e)?,
            prev: hash("prev")?,
            hash: hash("hash")?,
        })
    }

    /// Made on first use: 32 bytes from the operating system's generator, kept in hexadecimal.
    pub async fn installation_key(&self) -> Result<Vec<u8>> {
        let read = |text: String| -> Result<Vec<u8>> {
            let h: Hash = text
                .parse()
                .map_err(|e| StoreError::Backend(format!("系统密钥：{e}")))?;
            Ok(h.0.to_vec())
        };
        let key: Option<String> = sqlx::query_scalar("SELECT key FROM installation WHERE id = 1")
            .fetch_optional(self.0.pool())
            .await
            .map_err(db("读取系统密钥"))?;
        if let Some(k) = key {
            return read(k);
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| StoreError::Backend(format!("无法生成系统密钥：{e}")))?;
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO installation (id, key) VALUES (1, $1) ON CONFLICT DO NOTHING")
            .bind(Hash(bytes).to_string().as_str())
            .execute(&mut *tx)
            .await
            .map_err(db("保存系统密钥"))?;
        // Another process may have made it first: the stored key is the key.
        let key: String = sqlx::query_scalar("SELECT key FROM installation WHERE id = 1")
            .fetch_one(&mut *tx)
            .await
            .map_err(db("读取系统密钥"))?;
        tx.commit().await.map_err(db("提交事务"))?;
        read(key)
    }

    pub async fn table_counts(&self) -> Result<Vec<(String, i64)>> {
        Self::counts(&mut *self.conn().await?).await
    }

    async fn counts(conn: &mut DB::Connection) -> Result<Vec<(String, i64)>> {
        let mut out = Vec::new();
        for t in transfer::SCHEMA {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", t.name))
                .fetch_one(&mut *conn)
                .await
                .map_err(db("统计数据表"))?;
            out.push((t.name.to_owned(), n));
        }
        Ok(out)
    }

    pub async fn snapshot_into(&self, path: &std::path::Path) -> Result<bool> {
        let Some(statement) = B::SNAPSHOT else {
            return Ok(false);
        };
        if path.exists() {
            return Err(StoreError::Conflict(format!(
                "{} 已存在：备份不会覆盖已有文件",
                path.display()
            )));
        }
        let target = path.to_str().ok_or_else(|| {
            StoreError::Invalid(format!("备份路径不是有效的 UTF-8：{}", path.display()))
        })?;
        sqlx::query(statement)
            .bind(target)
            .execute(self.0.pool())
            .await
            .map_err(db("备份数据库"))?;
        Ok(true)
    }

    pub async fn rows(
        &self,
        t: &'static TableDef,
        offset: u64,
        limit: usize,
    ) -> Result<Vec<transfer::Row>> {
        let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {} LIMIT {} OFFSET {offset}",
            cols.join(", "),
            t.name,
            t.key.join(", "),
            limit.max(1)
        );
        let rows = sqlx::query(&sql)
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取数据表"))?;
        rows.iter()
            .map(|row| {
                t.columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, col))| Self::cell(row, i, *col))
                    .collect::<Result<_, sqlx::Error>>()
                    .map_err(db("读取数据表"))
            })
            .collect()
    }

    fn cell(row: &DB::Row, i: usize, col: Col) -> Result<Cell, sqlx::Error> {
        Ok(match col {
            Col::Int => Cell::Int(row.try_get(i)?),
            Col::Int32 => Cell::Int(i64::from(row.try_get::<i32, _>(i)?)),
            Col::OptInt => row
                .try_get::<Option<i64>, _>(i)?
                .map_or(Cell::Null, Cell::Int),
            Col::Text => Cell::Text(row.try_get(i)?),
            Col::OptText => row
                .try_get::<Option<String>, _>(i)?
                .map_or(Cell::Null, Cell::Text),
            Col::Date => Cell::Date(row.try_get(i)?),
            Col::OptDate => row
                .try_get::<Option<NaiveDate>, _>(i)?
                .map_or(Cell::Null, Cell::Date),
            Col::Time => Cell::Time(row.try_get(i)?),
            Col::OptTime => row
                .try_get::<Option<DateTime<Utc>>, _>(i)?
                .map_or(Cell::Null, Cell::Time),
            Col::Bool => Cell::Bool(row.try_get(i)?),
            Col::Bytes => Cell::Bytes(row.try_get(i)?),
        })
    }

    pub async fn copy_from<T: gongkai_store::Transfer>(
        &self,
        source: &T,
        mut progress: impl FnMut(&str, u64) + Send,
    ) -> Result<Vec<(String, i64)>> {
        let mut tx = self.write_tx().await?;
        // A target opened for the copy may have made its own key: the source's replaces it.
        sqlx::query("DELETE FROM installation")
            .execute(&mut *tx)
            .await
            .map_err(db("清空目标数据库"))?;
        if let Some((table, n)) = Self::counts(&mut tx)
            .await?
            .into_iter()
            .find(|(_, n)| *n > 0)
        {
            return Err(StoreError::Conflict(format!(
                "目标数据库不是空的（{table} 表已有 {n} 行）：只能迁移到一个新的空数据库"
            )));
        }
        for t in transfer::SCHEMA {
            let mut offset = 0u64;
            loop {
                let page_rows = transfer::page_rows(t);
                let page = source.rows(t, offset, page_rows).await?;
                if page.is_empty() {
                    break;
                }
                Self::insert_rows(&mut tx, t, &page).await?;
                offset += page.len() as u64;
                progress(t.name, offset);
                if page.len() < page_rows {
                    break;
                }
            }
        }
        for statement in B::after_copy() {
            sqlx::query(&statement)
                .execute(&mut *tx)
                .await
                .map_err(db("更新编号生成器"))?;
        }
        let counts = Self::counts(&mut tx).await?;
        tx.commit().await.map_err(db("提交迁移"))?;
        Ok(counts)
    }

    async fn insert_rows(
        conn: &mut DB::Connection,
        t: &'static TableDef,
        rows: &[transfer::Row],
    ) -> Result<()> {
        let cols: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
        let head = format!("INSERT INTO {} ({}) ", t.name, cols.join(", "));
        // Within both databases' limits on parameters per statement.
        let chunk = (30_000 / t.columns.len()).clamp(1, transfer::page_rows(t));
        let bad = || StoreError::Backend(format!("迁移 {}：数据与表结构不符", t.name));
        let fits = |col: Col, cell: &Cell| {
            matches!(
                (col, cell),
                (Col::Int | Col::Int32, Cell::Int(_))
                    | (Col::OptInt, Cell::Int(_) | Cell::Null)
                    | (Col::Text, Cell::Text(_))
                    | (Col::OptText, Cell::Text(_) | Cell::Null)
                    | (Col::Date, Cell::Date(_))
                    | (Col::OptDate, Cell::Date(_) | Cell::Null)
                    | (Col::Time, Cell::Time(_))
                    | (Col::OptTime, Cell::Time(_) | Cell::Null)
                    | (Col::Bool, Cell::Bool(_))
                    | (Col::Bytes, Cell::Bytes(_))
            )
        };
        for row in rows {
            if row.len() != t.columns.len()
                || !t
                    .columns
                    .iter()
                    .zip(row)
                    .all(|((_, col), cell)| fits(*col, cell))
            {
                return Err(bad());
            }
        }
        Self::run_values(
            conn,
            (&head, ""),
            rows,
            chunk,
            "写入数据表",
            |b, row| {
                for ((_, col), cell) in t.columns.iter().zip(row) {
                    // Nulls carry their column's type (PostgreSQL checks it).
                    match (col, cell) {
                        (Col::Int | Col::OptInt, Cell::Int(n)) => b.bind(*n),
                        (Col::Int32, Cell::Int(n)) => b.bind(i32::try_from(*n).unwrap_or(i32::MAX)),
                        (Col::OptInt, _) => b.bind(None::<i64>),
                        (Col::Text | Col::OptText, Cell::Text(s)) => b.bind(s.as_str()),
                        (Col::OptText, _) => b.bind(None::<&str>),
                        (Col::Date | Col::OptDate, Cell::Date(d)) => b.bind(*d),
                        (Col::OptDate, _) => b.bind(None::<NaiveDate>),
                        (Col::Time | Col::OptTime, Cell::Time(t)) => b.bind(*t),
                        (Col::OptTime, _) => b.bind(None::<DateTime<Utc>>),
                        (Col::Bool, Cell::Bool(flag)) => b.bind(*flag),
                        (Col::Bytes, Cell::Bytes(bytes)) => b.bind(bytes.as_slice()),
                        // Checked above: no other cell reaches here.
                        (_, _) => b.bind(None::<i64>),
                    };
                }
            },
        )
        .await?;
        Ok(())
    }

    /// An agency's row (`SELECT {AGENCY_COLUMNS}`), without its former names.
    fn agency_row(row: &DB::Row) -> Result<Agency> {
        let get = || -> Result<Agency, sqlx::Error> {
            let mut a = Agency::new(
                AgencyId(row.try_get("id")?),
                row.try_get::<String, _>("name")?,
                row.try_get::<Option<i64>, _>("parent_id")?.map(AgencyId),
            );
            let into: Option<i64> = row.try_get("merged_into")?;
            let on: Option<NaiveDate> = row.try_get("merged_on")?;
            a.merged = into.zip(on).map(|(into, on)| Merger {
                into: AgencyId(into),
                on,
            });
            Ok(a)
        };
        get().map_err(db("读取机关"))
    }

    async fn agencies_exist(conn: &mut DB::Connection, ids: &HashSet<i64>) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT id FROM agencies WHERE id IN {}",
            id_list(ids.iter().copied())
        );
        let found: HashSet<i64> = sqlx::query_scalar(&sql)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("查找机关"))?
            .into_iter()
            .collect();
        let mut missing: Vec<i64> = ids.difference(&found).copied().collect();
        missing.sort_unstable();
        match missing.first() {
            None => Ok(()),
            Some(id) => Err(StoreError::NotFound(format!("机关 id {id} 不存在"))),
        }
    }

    fn event_row(row: &DB::Row) -> Result<TimelineEvent> {
        let kind: String = row.try_get("kind").map_err(db("读取事件"))?;
        let date: NaiveDate = row.try_get("date").map_err(db("读取事件"))?;
        let outcome: Option<String> = row.try_get("outcome").map_err(db("读取事件"))?;
        Ok(TimelineEvent {
            event: codec::event_from(&kind, date)?,
            outcome: outcome.as_deref().map(codec::outcome_from).transpose()?,
            note: row.try_get("note").map_err(db("读取事件"))?,
        })
    }

    /// The rows of `sql`, which selects the rows that belong to the record `id` (its applicants,
    /// events or linked references) in their order.
    async fn children(
        conn: &mut DB::Connection,
        sql: &str,
        id: i64,
        what: &'static str,
    ) -> Result<Vec<DB::Row>> {
        sqlx::query(sql)
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .map_err(db(what))
    }

    async fn load_events(conn: &mut DB::Connection, id: i64) -> Result<Vec<TimelineEvent>> {
        let sql = "SELECT kind, date, outcome, note FROM events WHERE request_id = $1 ORDER BY seq";
        let rows = Self::children(conn, sql, id, "读取时间线").await?;
        rows.iter().map(Self::event_row).collect()
    }

    /// A request's row (`SELECT {REQUEST_COLUMNS}`): its id and data, without applicants.
    fn request_row(row: &DB::Row) -> Result<(i64, NewRequest, Confirmation)> {
        let read = || -> Result<(i64, NewRequest, String, i32), sqlx::Error> {
            Ok((
                row.try_get("id")?,
                NewRequest {
                    agency: AgencyId(row.try_get("agency_id")?),
                    reference: row.try_get("reference")?,
                    applicants: vec![],
                    channel: gongkai_cases::Channel::Other,
                    received: row.try_get("received")?,
                    description: row.try_get("description")?,
                    requested_form: row.try_get("requested_form")?,
                    contact: gongkai_cases::Contact {
                        id_kind: row.try_get("id_kind")?,
                        id_number: row.try_get("id_number")?,
                        phone: row.try_get("phone")?,
                        address: row.try_get("address")?,
                        email: row.try_get("email")?,
                        delivery: row.try_get("delivery")?,
                    },
                },
                row.try_get("channel")?,
                row.try_get("awaiting")?,
            ))
        };
        let (id, mut data, channel, awaiting) = read().map_err(db("读取申请"))?;
        data.channel = codec::channel_from(&channel)?;
        Ok((id, data, applications::confirmation_from(awaiting)?))
    }

    fn applicant_row(row: &DB::Row) -> Result<ApplicantRecord> {
        let kind: String = row.try_get("kind").map_err(db("读取申请人"))?;
        Ok(ApplicantRecord {
            name: row.try_get("name").map_err(db("读取申请人"))?,
            kind: codec::applicant_from(&kind)?,
        })
    }

    /// Loads a whole request by a `WHERE` clause on `requests` binding one value (`$1`) or two
    /// (`$1`, `$2`).
    async fn load_request(
        conn: &mut DB::Connection,
        filter: &str,
        bind: (i64, Option<&str>),
    ) -> Result<Option<Request>> {
        let sql = format!("SELECT {REQUEST_COLUMNS} FROM requests WHERE {filter}");
        let mut q = sqlx::query(&sql).bind(bind.0);
        if let Some(s) = bind.1 {
            q = q.bind(s);
        }
        let Some(row) = q.fetch_optional(&mut *conn).await.map_err(db("读取申请"))? else {
            return Ok(None);
        };
        let (id, mut data, confirmation) = Self::request_row(&row)?;
        let sql = "SELECT name, kind FROM applicants WHERE request_id = $1 ORDER BY position";
        let applicants = Self::children(conn, sql, id, "读取申请人").await?;
        data.applicants = applicants
            .iter()
            .map(Self::applicant_row)
            .collect::<Result<_>>()?;
        let events = Self::load_events(conn, id).await?;
        Ok(Some(Request {
            id: RequestId(id),
            data,
            events,
            confirmation,
        }))
    }

    /// Loads the whole requests of `ids` (distinct, at most [`ID_CHUNK`]) that exist into
    /// `found`, by id: the rows, then the applicants and the events of them all, each in the
    /// order of their request and position.
    async fn load_requests(
        conn: &mut DB::Connection,
        ids: &[i64],
        found: &mut HashMap<i64, Request>,
    ) -> Result<()> {
        let list = id_list(ids.iter().copied());
        let sql = format!("SELECT {REQUEST_COLUMNS} FROM requests WHERE id IN {list}");
        for row in Self::rows_of(conn, &sql, "读取申请").await? {
            let (id, data, confirmation) = Self::request_row(&row)?;
            found.insert(
                id,
                Request {
                    id: RequestId(id),
                    data,
                    events: Vec::new(),
                    confirmation,
                },
            );
        }
        let sql = format!(
            "SELECT request_id, name, kind FROM applicants WHERE request_id IN {list} \
             ORDER BY request_id, position"
        );
        for row in Self::rows_of(conn, &sql, "读取申请人").await? {
            let (id, applicant) = (Self::owner(&row, "读取申请人")?, Self::applicant_row(&row)?);
            if let Some(r) = found.get_mut(&id) {
                r.data.applicants.push(applicant);
            }
        }
        let sql = format!(
            "SELECT request_id, kind, date, outcome, note FROM events WHERE request_id IN {list} \
             ORDER BY request_id, seq"
        );
        for row in Self::rows_of(conn, &sql, "读取时间线").await? {
            let (id, event) = (Self::owner(&row, "读取时间线")?, Self::event_row(&row)?);
            if let Some(r) = found.get_mut(&id) {
                r.events.push(event);
            }
        }
        Ok(())
    }

    /// The rows of a statement binding nothing.
    async fn rows_of(
        conn: &mut DB::Connection,
        sql: &str,
        what: &'static str,
    ) -> Result<Vec<DB::Row>> {
        sqlx::query(sql)
            .fetch_all(&mut *conn)
            .await
            .map_err(db(what))
    }

    /// The `request_id` of a child row.
    fn owner(row: &DB::Row, what: &'static str) -> Result<i64> {
        row.try_get("request_id").map_err(db(what))
    }

    /// Loads a whole remedy case by a `WHERE` clause on `remedies` binding one value (`$1`) or
    /// two (`$1`, `$2`).
    async fn load_remedy(
        conn: &mut DB::Connection,
        filter: &str,
        bind: (i64, Option<&str>),
    ) -> Result<Option<Remedy>> {
        let sql = format!("SELECT {REMEDY_COLUMNS} FROM remedies WHERE {filter}");
        let mut q = sqlx::query(&sql).bind(bind.0);
        if let Some(s) = bind.1 {
            q = q.bind(s);
        }
        let row = q
            .fetch_optional(&mut *conn)
            .await
            .map_err(db("读取复议诉讼案件"))?;
        let Some(row) = row else { return Ok(None) };
        let mut remedy = [Self::remedy_row(&row)?];
        Self::load_links(conn, &mut remedy).await?;
        let [remedy] = remedy;
        Ok(Some(remedy))
    }

    /// A remedy's row (`SELECT {REMEDY_COLUMNS}`), without its linked references.
    fn remedy_row(row: &DB::Row) -> Result<Remedy> {
        let agency = AgencyId(row.try_get("agency_id").map_err(db("读取复议诉讼案件"))?);
        let facts = Self::remedy_facts_row(row, agency)?;
        Ok(Remedy {
            id: facts.id,
            data: NewRemedy {
                agency,
                reference: facts.reference,
                requests: Vec::new(),
                kind: facts.kind,
                received: facts.received,
                closed: facts.closed,
            },
        })
    }

    fn remedy_facts_row(row: &DB::Row, agency: AgencyId) -> Result<RemedyFacts> {
        let e = db("读取复议诉讼案件");
        let kind: String = row.try_get("kind").map_err(&e)?;
        let closed_on: Option<NaiveDate> = row.try_get("closed_on").map_err(&e)?;
        let result: Option<String> = row.try_get("result").map_err(&e)?;
        let closed = match (closed_on, result) {
            (Some(d), Some(r)) => Some((d, codec::remedy_result_from(&r)?)),
            _ => None,
        };
        Ok(RemedyFacts {
            id: RemedyId(row.try_get("id").map_err(&e)?),
            agency,
            reference: row.try_get("reference").map_err(&e)?,
            kind: codec::remedy_kind_from(&kind)?,
            received: row.try_get("received").map_err(&e)?,
            closed,
        })
    }

    /// Runs `head VALUES (…), (…) tail` on `rows`, one statement per `chunk` rows, `bind`
    /// binding the values of each row; returns the rows the statements return (those of a
    /// `RETURNING` or `SELECT` tail).
    async fn run_values<T>(
        conn: &mut DB::Connection,
        (head, tail): (&str, &str),
        rows: &[T],
        chunk: usize,
        what: &'static str,
        bind: impl for<'v, 'q> Fn(&mut Tuple<'v, 'q, DB>, &'q T),
    ) -> Result<Vec<DB::Row>> {
        let mut returned = Vec::new();
        for chunk in rows.chunks(chunk) {
            let (sql, args) = Values::new(head, chunk, |b, row| bind(b, row))
                .push(tail)
                .into_parts(what)?;
            let more = sqlx::query_with(&sql, args)
                .fetch_all(&mut *conn)
                .await
                .map_err(db(what))?;
            returned.extend(more);
        }
        Ok(returned)
    }

    /// Inserts requests or remedy cases (`head` names the table and columns) with multi-row
    /// `INSERT … RETURNING`; returns the ids by (agency, reference) (RETURNING's row order is
    /// not guaranteed).
    async fn insert_keyed<T>(
        conn: &mut DB::Connection,
        head: &str,
        rows: &[T],
        what: &'static str,
        bind: impl for<'v, 'q> Fn(&mut Tuple<'v, 'q, DB>, &'q T),
    ) -> Result<HashMap<(i64, String), i64>> {
        let tail = " RETURNING id, agency_id, reference";
        let returned =
            Self::run_values(conn, (head, tail), rows, REQUEST_CHUNK, what, bind).await?;
        returned
            .iter()
            .map(|row| {
                let get = || -> Result<_, sqlx::Error> {
                    Ok((
                        (row.try_get("agency_id")?, row.try_get("reference")?),
                        row.try_get("id")?,
                    ))
                };
                get().map_err(db(what))
            })
            .collect()
    }

    async fn insert_events(
        conn: &mut DB::Connection,
        rows: &[(i64, usize, &TimelineEvent)],
    ) -> Result<()> {
        let head = "INSERT INTO events (request_id, seq, kind, date, outcome, note) ";
        Self::run_values(
            conn,
            (head, ""),
            rows,
            ROW_CHUNK,
            "保存时间线",
            |b, (id, seq, e)| {
                b.bind(*id)
                    .bind(*seq as i64)
                    .bind(codec::event_kind_str(e.event))
                    .bind(e.event.date())
                    .bind(e.outcome.map(codec::outcome_str))
                    .bind(e.note.as_str());
            },
        )
        .await?;
        Ok(())
    }

    /// Stores new requests with their applicants and events. `rows` are validated already.
    async fn insert_full_requests(
        conn: &mut DB::Connection,
        rows: &[NewRow<'_>],
    ) -> Result<Vec<i64>> {
        let head = "INSERT INTO requests (agency_id, reference, channel, received, description, \
                    requested_form, applicant_kind, decided_on, outcome, id_kind, id_number, \
                    phone, address, email, delivery) ";
        let ids = Self::insert_keyed(conn, head, rows, "保存申请", |b, (r, _, closing)| {
            b.bind(r.agency.0)
                .bind(r.reference.as_str())
                .bind(codec::channel_str(r.channel))
                .bind(r.received)
                .bind(r.description.as_str())
                .bind(r.requested_form.as_str())
                .bind(codec::applicant_str(rules::counted_kind(r)))
                .bind(closing.map(|c| c.0))
                .bind(closing.map(|c| codec::outcome_str(c.1)))
                .bind(r.contact.id_kind.as_str())
                .bind(r.contact.id_number.as_str())
                .bind(r.contact.phone.as_str())
                .bind(r.contact.address.as_str())
                .bind(r.contact.email.as_str())
                .bind(r.contact.delivery.as_str());
        })
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        let mut applicants = Vec::new();
        let mut events = Vec::new();
        for (r, evs, _) in rows {
            let id = *ids.get(&(r.agency.0, r.reference.clone())).ok_or_else(|| {
                StoreError::Backend(format!("保存申请 {} 后未取得 id", r.reference))
            })?;
            out.push(id);
            applicants.extend(r.applicants.iter().enumerate().map(|(i, a)| (id, i, a)));
            events.extend(evs.iter().enumerate().map(|(i, e)| (id, i, e)));
        }
        Self::insert_applicants(conn, &applicants).await?;
        Self::insert_events(conn, &events).await?;
        Ok(out)
    }

    async fn insert_applicants(
        conn: &mut DB::Connection,
        rows: &[(i64, usize, &ApplicantRecord)],
    ) -> Result<()> {
        let head = "INSERT INTO applicants (request_id, position, name, kind) ";
        Self::run_values(
            conn,
            (head, ""),
            rows,
            ROW_CHUNK,
            "保存申请人",
            |b, (id, pos, a)| {
                b.bind(*id)
                    .bind(*pos as i64)
                    .bind(a.name.as_str())
                    .bind(codec::applicant_str(a.kind));
            },
        )
        .await?;
        Ok(())
    }

    /// Records a closing on the request's row (nothing to do while it stays open).
    async fn set_closing(
        conn: &mut DB::Connection,
        id: i64,
        closing: Option<(NaiveDate, Outcome)>,
    ) -> Result<()> {
        if let Some((date, outcome)) = closing {
            sqlx::query("UPDATE requests SET decided_on = $1, outcome = $2 WHERE id = $3")
                .bind(date)
                .bind(codec::outcome_str(outcome))
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(db("记录办理结果"))?;
        }
        Ok(())
    }

    async fn insert_remedies(conn: &mut DB::Connection, rows: &[&NewRemedy]) -> Result<()> {
        let what = "保存复议诉讼案件";
        let head =
            "INSERT INTO remedies (agency_id, reference, kind, received, closed_on, result) ";
        let ids = Self::insert_keyed(conn, head, rows, what, |b, m| {
            b.bind(m.agency.0)
                .bind(m.reference.as_str())
                .bind(codec::remedy_kind_str(m.kind))
                .bind(m.received)
                .bind(m.closed.map(|c| c.0))
                .bind(m.closed.map(|c| codec::remedy_result_str(c.1)));
        })
        .await?;
        let mut links = Vec::new();
        for m in rows {
            let id = *ids.get(&(m.agency.0, m.reference.clone())).ok_or_else(|| {
                StoreError::Backend(format!("{what}：数据库没有返回 {} 的 id", m.reference))
            })?;
            links.extend(m.requests.iter().enumerate().map(|(i, r)| (id, i, r)));
        }
        Self::insert_link_rows(conn, &links).await
    }

    async fn insert_links(conn: &mut DB::Connection, id: i64, refs: &[String]) -> Result<()> {
        let links: Vec<(i64, usize, &String)> =
            refs.iter().enumerate().map(|(i, r)| (id, i, r)).collect();
        Self::insert_link_rows(conn, &links).await
    }

    async fn insert_link_rows(
        conn: &mut DB::Connection,
        links: &[(i64, usize, &String)],
    ) -> Result<()> {
        let head = "INSERT INTO remedy_requests (remedy_id, position, reference) ";
        Self::run_values(
            conn,
            (head, ""),
            links,
            ROW_CHUNK,
            "保存复议诉讼案件",
            |b, (id, pos, r)| {
                b.bind(*id).bind(*pos as i64).bind(r.as_str());
            },
        )
        .await?;
        Ok(())
    }

    /// The records of `kind` already stored under the (agency, reference) pairs of an import:
    /// one look-up, a chunked `VALUES` join, serves requests and remedy cases alike. The rows
    /// found are locked ([`Backend::lock_rows`]): the import may complete them.
    async fn existing(
        conn: &mut DB::Connection,
        kind: Kind,
        keys: &[(i64, &str)],
    ) -> Result<HashMap<(i64, String), i64>> {
        let (table, _, what) = kind.parts();
        let tail = format!(
            ") SELECT {table}.id, {table}.agency_id, {table}.reference \
             FROM v JOIN {table} ON {table}.agency_id = v.a AND {table}.reference = v.r {}",
            B::lock_rows(table)
        );
        let head = "WITH v(a, r) AS (";
        let rows = Self::run_values(
            conn,
            (head, &tail),
            keys,
            REQUEST_CHUNK,
            what,
            |b, (a, r)| {
                b.bind(*a).bind(*r);
            },
        )
        .await?;
        rows.iter()
            .map(|row| {
                let get = || -> Result<_, sqlx::Error> {
                    Ok((
                        (row.try_get("agency_id")?, row.try_get("reference")?),
                        row.try_get("id")?,
                    ))
                };
                get().map_err(db(what))
            })
            .collect()
    }
}

/// A ledger import in progress (see `gongkai_store::ImportSession`): the transaction, what the
/// import has seen so far (a reference twice in one import is refused, whichever chunks they
/// are in) and the running counts.
pub struct ImportTx<B: Backend> {
    tx: Transaction<'static, B::Db>,
    policy: ImportPolicy,
    seen_requests: HashSet<(i64, String)>,
    seen_remedies: HashSet<(i64, String)>,
    /// Agencies known to exist.
    agencies: HashSet<i64>,
    summary: ImportSummary,
}

impl<B: Backend> std::fmt::Debug for ImportTx<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportTx")
            .field("policy", &self.policy)
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

/// The session's operations, with the bounds of [`Sql`]'s (the statements are its own).
impl<B, DB> ImportTx<B>
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
    /// Stores one chunk: the stored records it names are looked up (and locked) a few hundred
    /// at a time, new ones inserted with multi-row `INSERT`s, stored ones completed or compared
    /// with the file (`gongkai_cases::amend::differences`).
    pub async fn add(
        &mut self,
        requests: Vec<(NewRequest, Vec<TimelineEvent>)>,
        remedies: Vec<NewRemedy>,
    ) -> Result<ChunkReport> {
        check_unique(
            &mut self.seen_requests,
            requests
                .iter()
                .map(|(r, _)| (r.agency.0, r.reference.as_str())),
            "受理编号",
        )?;
        check_unique(
            &mut self.seen_remedies,
            remedies.iter().map(|m| (m.agency.0, m.reference.as_str())),
            "案件编号",
        )?;
        for m in &remedies {
            rules::check_new_remedy(m)?;
        }
        // An empty timeline stands for the receipt alone.
        let requests: Vec<(NewRequest, Vec<TimelineEvent>)> = requests
            .into_iter()
            .map(|(r, mut events)| {
                if events.is_empty() {
                    events.push(TimelineEvent {
                        event: gongkai_calendar::Event::Received(r.received),
                        outcome: None,
                        note: String::new(),
                    });
                }
                (r, events)
            })
            .collect();
        let agencies: HashSet<i64> = requests
            .iter()
            .map(|(r, _)| r.agency.0)
            .chain(remedies.iter().map(|m| m.agency.0))
            .filter(|a| !self.agencies.contains(a))
            .collect();
        Sql::<B>::agencies_exist(&mut self.tx, &agencies).await?;
        self.agencies.extend(agencies);

        let mut report = ChunkReport::default();
        for chunk in requests.chunks(REQUEST_CHUNK) {
            self.requests_chunk(chunk, &mut report).await?;
        }
        for chunk in remedies.chunks(REQUEST_CHUNK) {
            self.remedies_chunk(chunk, &mut report).await?;
        }
        self.summary.created += report.summary.created;
        self.summary.updated += report.summary.updated;
        self.summary.changed += report.summary.changed;
        self.summary.unchanged += report.summary.unchanged;
        let (total, chunk) = (&mut self.summary.remedies, report.summary.remedies);
        total.created += chunk.created;
        total.updated += chunk.updated;
        total.changed += chunk.changed;
        total.unchanged += chunk.unchanged;
        Ok(report)
    }

    /// See `gongkai_store::ImportSession::missing_requests`.
    pub async fn missing_requests(
        &mut self,
        agency: AgencyId,
        references: &[String],
    ) -> Result<Vec<String>> {
        let mut missing = Vec::new();
        for chunk in references.chunks(REQUEST_CHUNK) {
            let keys: Vec<(i64, &str)> = chunk.iter().map(|r| (agency.0, r.as_str())).collect();
            let found = Sql::<B>::existing(&mut self.tx, Kind::Request, &keys).await?;
            missing.extend(
                chunk
                    .iter()
                    .filter(|r| !found.contains_key(&(agency.0, (*r).clone())))
                    .cloned(),
            );
        }
        Ok(missing)
    }

    async fn requests_chunk(
        &mut self,
        chunk: &[(NewRequest, Vec<TimelineEvent>)],
        report: &mut ChunkReport,
    ) -> Result<()> {
        let tx = &mut self.tx;
        let keys: Vec<(i64, &str)> = chunk
            .iter()
            .map(|(r, _)| (r.agency.0, r.reference.as_str()))
            .collect();
        let existing = Sql::<B>::existing(tx, Kind::Request, &keys).await?;
        let ids: Vec<i64> = existing.values().copied().collect();
        let mut stored = HashMap::with_capacity(ids.len());
        for ids in ids.chunks(ID_CHUNK) {
            Sql::<B>::load_requests(tx, ids, &mut stored).await?;
        }
        let mut fresh = Vec::new();
        for (r, events) in chunk {
            let Some(&id) = existing.get(&(r.agency.0, r.reference.clone())) else {
                let closing = rules::check_new_request(r, events)?;
                fresh.push((r, events.as_slice(), closing));
                continue;
            };
            let mut current = stored
                .remove(&id)
                .ok_or_else(|| StoreError::Backend(format!("读取已有申请 {} 失败", r.reference)))?;
            let named = |e: StoreError| rules::name_reference(e, &r.reference);
            let diff = amend::differences(&current, r, events);
            if !diff.is_empty() || rules::closing_event(events).is_some() {
                online::check_confirmed(&current)
                    .map_err(StoreError::from)
                    .map_err(named)?;
            }
            let mut touched = false;
            if !diff.is_empty() {
                let (amended, changes) = amend::apply(&current, &diff)
                    .map_err(StoreError::from)
                    .map_err(named)?;
                report
                    .differences
                    .extend(changes.into_iter().map(|change| Difference {
                        record: "申请",
                        reference: r.reference.clone(),
                        change,
                    }));
                if self.policy.apply_changes {
                    Sql::<B>::replace_request(tx, &amended).await?;
                    current = amended;
                    report.summary.changed += 1;
                    touched = true;
                }
            }
            let open = rules::check_timeline(&current.events)?.is_none();
            if let (true, Some(closing)) = (open, rules::closing_event(events)) {
                let state = rules::check_append(&current.events, closing).map_err(named)?;
                Sql::<B>::insert_events(tx, &[(id, current.events.len(), closing)]).await?;
                Sql::<B>::set_closing(tx, id, rules::closing(state)).await?;
                report.summary.updated += 1;
            } else if !touched {
                report.summary.unchanged += 1;
            }
        }
        Sql::<B>::insert_full_requests(tx, &fresh).await?;
        report.summary.created += fresh.len();
        Ok(())
    }

    async fn remedies_chunk(
        &mut self,
        chunk: &[NewRemedy],
        report: &mut ChunkReport,
    ) -> Result<()> {
        let tx = &mut self.tx;
        let keys: Vec<(i64, &str)> = chunk
            .iter()
            .map(|m| (m.agency.0, m.reference.as_str()))
            .collect();
        let existing = Sql::<B>::existing(tx, Kind::Remedy, &keys).await?;
        let mut fresh = Vec::new();
        for m in chunk {
            let Some(&id) = existing.get(&(m.agency.0, m.reference.clone())) else {
                fresh.push(m);
                continue;
            };
            let mut current = Sql::<B>::load_remedy(tx, "id = $1", (id, None))
                .await?
                .ok_or_else(|| StoreError::Backend(format!("读取已有案件 {} 失败", m.reference)))?;
            let diff = amend::remedy_differences(&current, m);
            let mut touched = false;
            if !diff.is_empty() {
                let (amended, changes) = amend::apply_remedy(&current, &diff)
                    .map_err(StoreError::from)
                    .map_err(|e| rules::name_reference(e, &m.reference))?;
                report
                    .differences
                    .extend(changes.into_iter().map(|change| Difference {
                        record: "复议诉讼案件",
                        reference: m.reference.clone(),
                        change,
                    }));
                if self.policy.apply_changes {
                    Sql::<B>::replace_remedy(tx, &amended).await?;
                    current = amended;
                    report.summary.remedies.changed += 1;
                    touched = true;
                }
            }
            match (current.data.closed, m.closed) {
                (None, Some(closed)) => {
                    Sql::<B>::set_remedy_closing(tx, id, Some(closed)).await?;
                    report.summary.remedies.updated += 1;
                }
                _ if !touched => report.summary.remedies.unchanged += 1,
                _ => {}
            }
        }
        Sql::<B>::insert_remedies(tx, &fresh).await?;
        report.summary.remedies.created += fresh.len();
        Ok(())
    }

    /// Appends the import's audit entry (completed with the counts) and commits.
    pub async fn commit(mut self, mut audit: Draft) -> Result<ImportSummary> {
        let s = self.summary;
        audit
            .set("created", s.created)
            .set("updated", s.updated)
            .set("changed", s.changed)
            .set("unchanged", s.unchanged)
            .set("remedies_created", s.remedies.created)
            .set("remedies_updated", s.remedies.updated)
            .set("remedies_changed", s.remedies.changed)
            .set("remedies_unchanged", s.remedies.unchanged);
        Sql::<B>::append_audits(&mut self.tx, &[&audit]).await?;
        self.tx.commit().await.map_err(db("提交导入"))?;
        Ok(s)
    }
}

/// The session of every backend (`ImportTx::add`, `ImportTx::commit`).
impl<B, DB> gongkai_store::ImportSession for ImportTx<B>
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
    async fn add(
        &mut self,
        requests: Vec<(NewRequest, Vec<TimelineEvent>)>,
        remedies: Vec<NewRemedy>,
    ) -> Result<ChunkReport> {
        ImportTx::add(self, requests, remedies).await
    }

    async fn missing_requests(
        &mut self,
        agency: AgencyId,
        references: &[String],
    ) -> Result<Vec<String>> {
        ImportTx::missing_requests(self, agency, references).await
    }

    async fn commit(self, audit: Draft) -> Result<ImportSummary> {
        ImportTx::commit(self, audit).await
    }
}

/// The columns of `audit_log` that [`Sql::audit_row`] reads.
const AUDIT_COLUMNS: &str =
    "seq, at, actor, agency_id, agency, action, object, summary, prev, hash";

/// The columns of `agencies` that [`Sql::agency_row`] reads.
const AGENCY_COLUMNS: &str = "id, name, parent_id, merged_into, merged_on";

/// The columns of `remedies` that [`Sql::remedy_row`] reads.
const REMEDY_COLUMNS: &str = "id, agency_id, reference, kind, received, closed_on, result";

/// How a record is found, by the `$1` of a `WHERE` clause: an agency or account by id or by
/// name, a session or token by the hash of its secret.
#[derive(Clone, Copy)]
enum Key<'a> {
    Id(i64),
    Text(&'a str),
}

impl<'a> Key<'a> {
    /// `query` with the key bound as its next parameter.
    fn bind<DB: Database>(
        self,
        query: Query<'a, DB, DB::Arguments<'a>>,
    ) -> Query<'a, DB, DB::Arguments<'a>>
    where
        i64: Encode<'a, DB> + Type<DB>,
        &'a str: Encode<'a, DB> + Type<DB>,
    {
        match self {
            Key::Id(id) => query.bind(id),
            Key::Text(text) => query.bind(text),
        }
    }
}

/// The columns of `users` that [`Sql::user_row`] reads, named so that they stay apart from
/// those of a table joined to it.
const USER_COLUMNS: &str = "users.id AS user_id, users.name AS user_name, \
     users.disabled AS user_disabled, users.created AS user_created, users.email AS user_email";

/// The columns of `api_tokens` that [`Sql::token_row`] reads, named likewise.
const TOKEN_COLUMNS: &str = "api_tokens.id AS token_id, api_tokens.user_id AS token_user, \
     api_tokens.secret_hash AS token_hash, api_tokens.created AS token_created, \
     api_tokens.expires AS token_expires";

/// The token (and its account) that a `WHERE` clause on `api_tokens` selects.
fn token_sql(filter: &str) -> String {
    format!(
        "SELECT {USER_COLUMNS}, {TOKEN_COLUMNS} FROM api_tokens \
         JOIN users ON users.id = api_tokens.user_id WHERE {filter}"
    )
}

/// A moment as both backends keep it: PostgreSQL keeps microseconds, so SQLite (which would
/// keep the nanoseconds sqlx writes) is given no more, and a time reads back, and compares, the
/// same on both.
fn kept_time(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// How a SHA-256 is stored: 64 lower-case hexadecimal digits.
fn hex(hash: &[u8; 32]) -> String {
    Hash(*hash).to_string()
}

/// A token's prefix: the first 8 hexadecimal digits of its stored hash.
fn token_prefix(hash: &str) -> Result<String> {
    hash.get(..8)
        .map(str::to_owned)
        .ok_or_else(|| StoreError::Backend(format!("数据库中的令牌哈希无效：{hash:?}")))
}

/// A stored count of failed logins.
fn login_count(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::Backend(format!("数据库中的登录失败次数无效：{n}")))
}

/// The error of an account that does not exist.
fn no_user(id: UserId) -> StoreError {
    StoreError::NotFound(format!("用户 id {} 不存在", id.0))
}

/// The columns of `requests` that [`Sql::request_row`] reads.
const REQUEST_COLUMNS: &str = "id, agency_id, reference, channel, received, description, requested_form, id_kind, \
     id_number, phone, address, email, delivery, awaiting";

/// `IN (1, 2, 3)` for ids: integers only, so inlining them is safe, and the list has no bind
/// limit.
fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    let list: Vec<String> = ids.into_iter().map(|i| i.to_string()).collect();
    format!("({})", list.join(", "))
}

/// Facts of the records of `table` of `agencies` relevant to a year whose first and last days
/// are bound as `$1` and `$2`, as three index range scans: received in the year (on
/// `received_index`, led by `(agency_id, received)`), received before and closed in or after
/// the year, received before and still open (both on `closed_index`, led by
/// `(agency_id, closed_col)`). The three are disjoint. [`Backend::index_hint`] names the indexes
/// where the backend wants them named. `each` ends every scan (a `GROUP BY`, or nothing).
/// Unordered: the caller sorts (cheaper in Rust than in the query).
fn facts_sql<B: Backend>(
    table: &str,
    cols: &str,
    closed_col: &str,
    (received_index, closed_index): (&str, &str),
    agencies: &[AgencyId],
    each: &str,
) -> String {
    let ids = id_list(agencies.iter().map(|a| a.0));
    let (by_received, by_closed) = (B::index_hint(received_index), B::index_hint(closed_index));
    format!(
        "SELECT {cols} FROM {table} {by_received} \
         WHERE agency_id IN {ids} AND received >= $1 AND received <= $2 {each} \
         UNION ALL \
         SELECT {cols} FROM {table} {by_closed} \
         WHERE agency_id IN {ids} AND {closed_col} >= $1 AND received < $1 {each} \
         UNION ALL \
         SELECT {cols} FROM {table} {by_closed} \
         WHERE agency_id IN {ids} AND {closed_col} IS NULL AND received < $1 {each}"
    )
}

/// The two kinds of records with a reference, a receipt and a closing: requests and remedy
/// cases.
#[derive(Clone, Copy)]
enum Kind {
    Request,
    Remedy,
}

/// Fixed strings, never input.
impl Kind {
    /// Table, closing-date column and what to call looking records up in messages.
    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::Request => ("requests", "decided_on", "查找已有申请"),
            Kind::Remedy => ("remedies", "closed_on", "查找已有复议诉讼案件"),
        }
    }

    /// The indexes led by `(agency_id, received)` and `(agency_id, closing date)`.
    fn indexes(self) -> (&'static str, &'static str) {
        match self {
            Kind::Request => ("requests_facts_received", "requests_facts_decided"),
            Kind::Remedy => ("remedies_agency_received", "remedies_agency_closed"),
        }
    }

    /// What to call counting the records for a report in messages.
    fn counting(self) -> &'static str {
        match self {
            Kind::Request => "统计申请",
            Kind::Remedy => "统计复议诉讼案件",
        }
    }
}

/// Says `message` for a [`StoreError::Conflict`], which names the operation only; passes other
/// errors on.
fn conflict(message: String) -> impl FnOnce(StoreError) -> StoreError {
    move |e| match e {
        StoreError::Conflict(_) => StoreError::Conflict(message),
        other => other,
    }
}

/// Refuses an import that names one (agency, reference) twice, in this chunk or an earlier one.
fn check_unique<'a>(
    seen: &mut HashSet<(i64, String)>,
    keys: impl Iterator<Item = (i64, &'a str)>,
    what: &str,
) -> Result<(), StoreError> {
    for (agency, reference) in keys {
        if !seen.insert((agency, reference.to_owned())) {
            return Err(StoreError::Conflict(format!(
                "导入数据中{what} {reference} 出现了不止一次"
            )));
        }
    }
    Ok(())
}
