//! The store operations, written once for every [`Backend`].

use crate::values::{Tuple, Values};
use crate::{Backend, db};
use chrono::NaiveDate;
use gongkai_cases::{
    Agency, AgencyId, ApplicantRecord, CaseFacts, NewRemedy, NewRequest, Outcome, Remedy,
    RemedyFacts, RemedyId, Request, RequestId, TimelineEvent, YearFigures,
};
use gongkai_store::{ImportSummary, Result, StoreError, codec, rules};
use sqlx::pool::PoolConnection;
use sqlx::{
    ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Transaction, Type,
};
use std::collections::{HashMap, HashSet};

/// A validated new request, its timeline and the closing to record on its row.
type NewRow<'a> = (
    &'a NewRequest,
    &'a [TimelineEvent],
    Option<(NaiveDate, Outcome)>,
);

/// Rows per multi-row `INSERT` of requests (9 parameters each; SQLite allows 32766, PostgreSQL
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
/// connections and reads and writes the column types the schema uses (integers, text, dates
/// and the `IS NOT NULL` flags of the import's look-up).
impl<B, DB> Sql<'_, B>
where
    B: Backend<Db = DB>,
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    usize: ColumnIndex<DB::Row>,
    for<'s> &'s str: ColumnIndex<DB::Row> + Encode<'s, DB> + Type<DB>,
    for<'s> Option<&'s str>: Encode<'s, DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
    for<'q> i32: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> NaiveDate: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> Option<NaiveDate>: Encode<'q, DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
{
    /// Begins a transaction that reads before it writes (see [`Backend::BEGIN_WRITE`]).
    async fn write_tx(&self) -> Result<Transaction<'static, DB>> {
        self.0
            .pool()
            .begin_with(B::BEGIN_WRITE)
            .await
            .map_err(db("开始写事务"))
    }

    /// Begins an ordinary transaction, for writes whose reads need no lock (that the agency
    /// exists, which the foreign keys check again).
    async fn tx(&self) -> Result<Transaction<'static, DB>> {
        self.0.pool().begin().await.map_err(db("开始事务"))
    }

    /// A connection of the pool, for a read of several statements.
    async fn conn(&self) -> Result<PoolConnection<DB>> {
        self.0.pool().acquire().await.map_err(db("连接数据库"))
    }

    pub async fn create_agency(&self, name: &str, parent: Option<AgencyId>) -> Result<Agency> {
        let mut tx = self.tx().await?;
        if let Some(p) = parent {
            Self::agencies_exist(&mut tx, &HashSet::from([p.0])).await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agencies (name, parent_id) VALUES ($1, $2) RETURNING id",
        )
        .bind(name)
        .bind(parent.map(|p| p.0))
        .fetch_one(&mut *tx)
        .await
        .map_err(db("创建机关"))
        .map_err(conflict(format!("机关名称“{name}”已存在")))?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(Agency {
            id: AgencyId(id),
            name: name.to_owned(),
            parent,
        })
    }

    pub async fn agency(&self, id: AgencyId) -> Result<Option<Agency>> {
        let row = sqlx::query("SELECT id, name, parent_id FROM agencies WHERE id = $1")
            .bind(id.0)
            .fetch_optional(self.0.pool())
            .await
            .map_err(db("读取机关"))?;
        row.as_ref().map(Self::agency_row).transpose()
    }

    pub async fn agency_by_name(&self, name: &str) -> Result<Option<Agency>> {
        let row = sqlx::query("SELECT id, name, parent_id FROM agencies WHERE name = $1")
            .bind(name)
            .fetch_optional(self.0.pool())
            .await
            .map_err(db("读取机关"))?;
        row.as_ref().map(Self::agency_row).transpose()
    }

    pub async fn agencies(&self) -> Result<Vec<Agency>> {
        let rows = sqlx::query("SELECT id, name, parent_id FROM agencies ORDER BY id")
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取机关"))?;
        rows.iter().map(Self::agency_row).collect()
    }

    pub async fn create_request(&self, new: NewRequest, first: TimelineEvent) -> Result<Request> {
        let events = vec![first];
        let closing = rules::check_new_request(&new, &events)?;
        let mut tx = self.tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([new.agency.0])).await?;
        let ids = Self::insert_full_requests(&mut tx, &[(&new, &events, closing)])
            .await
            .map_err(conflict(format!("受理编号 {} 已存在", new.reference)))?;
        let id = *ids
            .first()
            .ok_or_else(|| StoreError::Backend("保存申请：数据库没有返回新记录的 id".into()))?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(Request {
            id: RequestId(id),
            data: new,
            events,
        })
    }

    /// Locks the request row (where the backend has row locks; SQLite's write transaction holds
    /// the whole database) before loading and checking its timeline, so that two appends to one
    /// request are checked one after the other.
    pub async fn append_event(&self, id: RequestId, event: TimelineEvent) -> Result<Request> {
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "SELECT id FROM requests WHERE id = $1 {}",
            B::lock_rows("requests")
        );
        let exists: Option<i64> = sqlx::query_scalar(&sql)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db("读取申请"))?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("申请 id {}", id.0)));
        }
        let events = Self::load_events(&mut tx, id.0).await?;
        let state = rules::check_append(&events, &event)?;
        Self::insert_events(&mut tx, &[(id.0, events.len(), &event)]).await?;
        Self::set_closing(&mut tx, id.0, rules::closing(state)).await?;
        let request = Self::load_request(&mut tx, "id = $1", (id.0, None))
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("申请 id {}", id.0)))?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(request)
    }

    pub async fn request(&self, id: RequestId) -> Result<Option<Request>> {
        Self::load_request(&mut *self.conn().await?, "id = $1", (id.0, None)).await
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
        facts.sort_unstable_by_key(|f| f.id);
        Ok(facts)
    }

    pub async fn create_remedy(&self, new: NewRemedy) -> Result<Remedy> {
        rules::check_new_remedy(&new)?;
        let mut tx = self.tx().await?;
        Self::agencies_exist(&mut tx, &HashSet::from([new.agency.0])).await?;
        Self::insert_remedies(&mut tx, &[&new])
            .await
            .map_err(conflict(format!("案件编号 {} 已存在", new.reference)))?;
        let stored = Self::load_remedy(&mut tx, new.agency, &new.reference)
            .await?
            .ok_or_else(|| StoreError::Backend("保存复议诉讼案件后读取失败".into()))?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(stored)
    }

    pub async fn remedy_by_reference(
        &self,
        agency: AgencyId,
        reference: &str,
    ) -> Result<Option<Remedy>> {
        Self::load_remedy(&mut *self.conn().await?, agency, reference).await
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

    /// ONE transaction for the whole ledger, begun like [`append_event`](Self::append_event)'s:
    /// on any error nothing is stored. The stored records it names are looked up a chunk at a
    /// time (`existing`), new ones inserted with multi-row `INSERT`s.
    pub async fn import(
        &self,
        requests: Vec<(NewRequest, Vec<TimelineEvent>)>,
        remedies: Vec<NewRemedy>,
    ) -> Result<ImportSummary> {
        check_unique(
            requests
                .iter()
                .map(|(r, _)| (r.agency.0, r.reference.as_str())),
            "受理编号",
        )?;
        check_unique(
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
            .collect();

        let mut summary = ImportSummary::default();
        let mut tx = self.write_tx().await?;
        Self::agencies_exist(&mut tx, &agencies).await?;

        for chunk in requests.chunks(REQUEST_CHUNK) {
            let keys: Vec<(i64, &str)> = chunk
                .iter()
                .map(|(r, _)| (r.agency.0, r.reference.as_str()))
                .collect();
            let existing = Self::existing(&mut tx, Kind::Request, &keys).await?;
            let mut fresh = Vec::new();
            let mut to_close = Vec::new();
            for (r, events) in chunk {
                match existing.get(&(r.agency.0, r.reference.clone())) {
                    None => {
                        let closing = rules::check_new_request(r, events)?;
                        fresh.push((r, events.as_slice(), closing));
                    }
                    Some(e) if !e.closed => match rules::closing_event(events) {
                        Some(closing) => to_close.push((e.id, r, closing)),
                        None => summary.unchanged += 1,
                    },
                    Some(_) => summary.unchanged += 1,
                }
            }
            Self::insert_full_requests(&mut tx, &fresh).await?;
            summary.created += fresh.len();
            for (id, r, event) in to_close {
                let stored = Self::load_events(&mut tx, id).await?;
                let state = rules::check_append(&stored, event).map_err(|e| match e {
                    StoreError::Invalid(m) => {
                        StoreError::Invalid(format!("受理编号 {}：{m}", r.reference))
                    }
                    other => other,
                })?;
                Self::insert_events(&mut tx, &[(id, stored.len(), event)]).await?;
                Self::set_closing(&mut tx, id, rules::closing(state)).await?;
                summary.updated += 1;
            }
        }

        for chunk in remedies.chunks(REQUEST_CHUNK) {
            let keys: Vec<(i64, &str)> = chunk
                .iter()
                .map(|m| (m.agency.0, m.reference.as_str()))
                .collect();
            let existing = Self::existing(&mut tx, Kind::Remedy, &keys).await?;
            let mut fresh = Vec::new();
            for m in chunk {
                match (existing.get(&(m.agency.0, m.reference.clone())), m.closed) {
                    (None, _) => fresh.push(m),
                    (Some(e), Some((date, result))) if !e.closed => {
                        sqlx::query(
                            "UPDATE remedies SET closed_on = $1, result = $2 WHERE id = $3",
                        )
                        .bind(date)
                        .bind(codec::remedy_result_str(result))
                        .bind(e.id)
                        .execute(&mut *tx)
                        .await
                        .map_err(db("记录结案"))?;
                        summary.remedies.updated += 1;
                    }
                    (Some(_), _) => summary.remedies.unchanged += 1,
                }
            }
            Self::insert_remedies(&mut tx, &fresh).await?;
            summary.remedies.created += fresh.len();
        }

        tx.commit().await.map_err(db("提交导入"))?;
        Ok(summary)
    }

    pub async fn set_figures(&self, figures: YearFigures) -> Result<()> {
        let cells = rules::check_figures(&figures)?;
        let (agency, year) = (figures.agency.0, figures.year);
        let mut tx = self.tx().await?;
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
        let head = "INSERT INTO figure_cells (agency_id, year, position, cell_key, value) ";
        let what = "保存表二数据";
        Self::run_values(
            &mut tx,
            (head, ""),
            &cells,
            ROW_CHUNK,
            what,
            |b, (i, (k, v))| {
                b.bind(agency)
                    .bind(year)
                    .bind(*i as i64)
                    .bind(k.as_str())
                    .bind(v.as_str());
            },
        )
        .await?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(())
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
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT cell_key, value FROM figure_cells WHERE agency_id = $1 AND year = $2 \
             ORDER BY position",
        )
        .bind(agency.0)
        .bind(year)
        .fetch_all(&mut *conn)
        .await
        .map_err(db("读取表二数据"))?;
        let cells = rows
            .iter()
            .map(|(k, v)| codec::figure_from(k, v))
            .collect::<Result<_>>()?;
        Ok(Some(YearFigures {
            agency,
            year,
            cells,
        }))
    }

    pub async fn calendar_overrides(&self) -> Result<Vec<String>> {
        sqlx::query_scalar("SELECT toml FROM calendar_overrides ORDER BY id")
            .fetch_all(self.0.pool())
            .await
            .map_err(db("读取日历补充"))
    }

    pub async fn add_calendar_override(&self, toml: &str) -> Result<()> {
        sqlx::query("INSERT INTO calendar_overrides (toml) VALUES ($1)")
            .bind(toml)
            .execute(self.0.pool())
            .await
            .map_err(db("保存日历补充"))?;
        Ok(())
    }

    fn agency_row(row: &DB::Row) -> Result<Agency> {
        let get = || -> Result<Agency, sqlx::Error> {
            Ok(Agency {
                id: AgencyId(row.try_get("id")?),
                name: row.try_get("name")?,
                parent: row.try_get::<Option<i64>, _>("parent_id")?.map(AgencyId),
            })
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
    fn request_row(row: &DB::Row) -> Result<(i64, NewRequest)> {
        let read = || -> Result<(i64, NewRequest, String), sqlx::Error> {
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
                },
                row.try_get("channel")?,
            ))
        };
        let (id, mut data, channel) = read().map_err(db("读取申请"))?;
        data.channel = codec::channel_from(&channel)?;
        Ok((id, data))
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
        let (id, mut data) = Self::request_row(&row)?;
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
            let (id, data) = Self::request_row(&row)?;
            found.insert(
                id,
                Request {
                    id: RequestId(id),
                    data,
                    events: Vec::new(),
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

    async fn load_remedy(
        conn: &mut DB::Connection,
        agency: AgencyId,
        reference: &str,
    ) -> Result<Option<Remedy>> {
        let row = sqlx::query(
            "SELECT id, reference, kind, received, closed_on, result FROM remedies \
             WHERE agency_id = $1 AND reference = $2",
        )
        .bind(agency.0)
        .bind(reference)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db("读取复议诉讼案件"))?;
        let Some(row) = row else { return Ok(None) };
        let facts = Self::remedy_facts_row(&row, agency)?;
        let sql = "SELECT reference FROM remedy_requests WHERE remedy_id = $1 ORDER BY position";
        let requests = Self::children(conn, sql, facts.id.0, "读取复议诉讼案件")
            .await?
            .iter()
            .map(|row| row.try_get("reference"))
            .collect::<Result<_, _>>()
            .map_err(db("读取复议诉讼案件"))?;
        Ok(Some(Remedy {
            id: facts.id,
            data: NewRemedy {
                agency,
                reference: facts.reference,
                requests,
                kind: facts.kind,
                received: facts.received,
                closed: facts.closed,
            },
        }))
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
                    requested_form, applicant_kind, decided_on, outcome) ";
        let ids = Self::insert_keyed(conn, head, rows, "保存申请", |b, (r, _, closing)| {
            b.bind(r.agency.0)
                .bind(r.reference.as_str())
                .bind(codec::channel_str(r.channel))
                .bind(r.received)
                .bind(r.description.as_str())
                .bind(r.requested_form.as_str())
                .bind(codec::applicant_str(rules::counted_kind(r)))
                .bind(closing.map(|c| c.0))
                .bind(closing.map(|c| codec::outcome_str(c.1)));
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
        let head = "INSERT INTO applicants (request_id, position, name, kind) ";
        Self::run_values(
            conn,
            (head, ""),
            &applicants,
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
        Self::insert_events(conn, &events).await?;
        Ok(out)
    }

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
        let head = "INSERT INTO remedy_requests (remedy_id, position, reference) ";
        Self::run_values(
            conn,
            (head, ""),
            &links,
            ROW_CHUNK,
            what,
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
    ) -> Result<HashMap<(i64, String), Existing>> {
        let (table, closed_on, what) = kind.parts();
        let tail = format!(
            ") SELECT {table}.id, {table}.agency_id, {table}.reference, \
             {table}.{closed_on} IS NOT NULL AS closed \
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
                        Existing {
                            id: row.try_get("id")?,
                            closed: row.try_get("closed")?,
                        },
                    ))
                };
                get().map_err(db(what))
            })
            .collect()
    }
}

/// The columns of `requests` that [`Sql::request_row`] reads.
const REQUEST_COLUMNS: &str =
    "id, agency_id, reference, channel, received, description, requested_form";

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

/// What the store already holds of one imported request or remedy case.
struct Existing {
    id: i64,
    closed: bool,
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

/// Refuses an import that names one (agency, reference) twice.
fn check_unique<'a>(
    keys: impl Iterator<Item = (i64, &'a str)>,
    what: &str,
) -> Result<(), StoreError> {
    let mut seen = HashSet::new();
    for key in keys {
        if !seen.insert(key) {
            return Err(StoreError::Conflict(format!(
                "导入数据中{what} {} 出现了不止一次",
                key.1
            )));
        }
    }
    Ok(())
}
