//! The PostgreSQL backend of `gongkai-store`, for deployments that outgrow one machine
//! (several stateless web nodes sharing one database).
//!
//! - The schema is brought up to date by the append-only migrations in `migrations/` when the
//!   store connects; tables live in the first schema of the connection's `search_path`
//!   ([`PgStore::connect_schema`] chooses one).
//! - Every write is one transaction. Appending an event locks the request row
//!   (`SELECT … FOR UPDATE`) before loading and checking its timeline, so two appends to one
//!   request are checked one after the other; the ledger import locks the stored requests it
//!   may complete the same way.
//! - The ledger import inserts with multi-row `INSERT`s of a few hundred rows, all in the one
//!   transaction.
#![forbid(unsafe_code)]

use chrono::NaiveDate;
use gongkai_cases::{
    Agency, AgencyId, ApplicantRecord, CaseFacts, NewRemedy, NewRequest, Outcome, Remedy,
    RemedyFacts, RemedyId, Request, RequestId, TimelineEvent, YearFigures,
};
use gongkai_store::{
    Agencies, CalendarOverrides, Figures, ImportSummary, LedgerImport, Remedies, Requests,
    StoreError, codec, rules,
};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions, PgRow};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};
use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::Duration;

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A validated new request, its timeline and the closing to record on its row.
type NewRow<'a> = (
    &'a NewRequest,
    &'a [TimelineEvent],
    Option<(NaiveDate, Outcome)>,
);

/// Rows per multi-row `INSERT` of requests (9 parameters each; PostgreSQL allows 65535).
const REQUEST_CHUNK: usize = 500;
/// Rows per multi-row `INSERT` of applicants, events and other small rows.
const ROW_CHUNK: usize = 2000;

/// A gongkai store in a PostgreSQL database. Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`) and applies pending
    /// migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_options(url, None).await
    }

    /// Like [`connect`](Self::connect), with the tables in `schema` (which must exist): the
    /// connections' `search_path` is set to it. Lets several stores share a database (tests,
    /// tenants).
    pub async fn connect_schema(url: &str, schema: &str) -> Result<Self> {
        Self::connect_options(url, Some(schema)).await
    }

    async fn connect_options(url: &str, schema: Option<&str>) -> Result<Self> {
        let mut options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Backend(format!("数据库地址无效：{e}")))?;
        if let Some(schema) = schema {
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Backend(format!("无法连接数据库：{e}")))?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Backend(format!("数据库迁移失败：{e}")))?;
        Ok(Self { pool })
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn write_tx(&self) -> Result<sqlx::Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(db("开始写事务"))
    }
}

/// Translates a database error, naming the operation: uniqueness → `Conflict`, a missing
/// referenced row → `NotFound`, anything else → `Backend`.
fn db(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(format!("{what}：已存在"))
        }
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
            StoreError::NotFound(format!("{what}：引用的记录不存在"))
        }
        _ => StoreError::Backend(format!("{what}：{e}")),
    }
}

/// `IN (1, 2, 3)` for ids: integers only, so inlining them is safe, and the list has no bind
/// limit.
fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    let list: Vec<String> = ids.into_iter().map(|i| i.to_string()).collect();
    format!("({})", list.join(", "))
}

fn agency_row(row: &PgRow) -> Result<Agency> {
    let get = || -> Result<Agency, sqlx::Error> {
        Ok(Agency {
            id: AgencyId(row.try_get("id")?),
            name: row.try_get("name")?,
            parent: row.try_get::<Option<i64>, _>("parent_id")?.map(AgencyId),
        })
    };
    get().map_err(db("读取机关"))
}

async fn agencies_exist(conn: &mut PgConnection, ids: &HashSet<i64>) -> Result<()> {
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

fn event_row(row: &PgRow) -> Result<TimelineEvent> {
    let kind: String = row.try_get("kind").map_err(db("读取事件"))?;
    let date: NaiveDate = row.try_get("date").map_err(db("读取事件"))?;
    let outcome: Option<String> = row.try_get("outcome").map_err(db("读取事件"))?;
    Ok(TimelineEvent {
        event: codec::event_from(&kind, date)?,
        outcome: outcome.as_deref().map(codec::outcome_from).transpose()?,
        note: row.try_get("note").map_err(db("读取事件"))?,
    })
}

async fn load_events(conn: &mut PgConnection, id: i64) -> Result<Vec<TimelineEvent>> {
    let rows = sqlx::query(
        "SELECT kind, date, outcome, note FROM events WHERE request_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await
    .map_err(db("读取时间线"))?;
    rows.iter().map(event_row).collect()
}

/// Loads a whole request by a `WHERE` clause on `requests` binding one value.
async fn load_request(
    conn: &mut PgConnection,
    filter: &str,
    bind: (i64, Option<&str>),
) -> Result<Option<Request>> {
    let sql = format!(
        "SELECT id, agency_id, reference, channel, received, description, requested_form \
         FROM requests WHERE {filter}"
    );
    let mut q = sqlx::query(&sql).bind(bind.0);
    if let Some(s) = bind.1 {
        q = q.bind(s);
    }
    let Some(row) = q.fetch_optional(&mut *conn).await.map_err(db("读取申请"))? else {
        return Ok(None);
    };
    let read = |row: &PgRow| -> Result<(i64, NewRequest), sqlx::Error> {
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
        ))
    };
    let (id, mut data) = read(&row).map_err(db("读取申请"))?;
    let channel: String = row.try_get("channel").map_err(db("读取申请"))?;
    data.channel = codec::channel_from(&channel)?;
    let applicants =
        sqlx::query("SELECT name, kind FROM applicants WHERE request_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(&mut *conn)
            .await
            .map_err(db("读取申请人"))?;
    for a in &applicants {
        let kind: String = a.try_get("kind").map_err(db("读取申请人"))?;
        data.applicants.push(ApplicantRecord {
            name: a.try_get("name").map_err(db("读取申请人"))?,
            kind: codec::applicant_from(&kind)?,
        });
    }
    let events = load_events(conn, id).await?;
    Ok(Some(Request {
        id: RequestId(id),
        data,
        events,
    }))
}

async fn load_remedy(
    conn: &mut PgConnection,
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
    let facts = remedy_facts_row(&row, agency)?;
    let requests: Vec<String> = sqlx::query_scalar(
        "SELECT reference FROM remedy_requests WHERE remedy_id = $1 ORDER BY position",
    )
    .bind(facts.id.0)
    .fetch_all(&mut *conn)
    .await
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

fn remedy_facts_row(row: &PgRow, agency: AgencyId) -> Result<RemedyFacts> {
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

/// Inserts requests (not their children) with one multi-row `INSERT … RETURNING`; returns the
/// ids by reference (RETURNING's row order is not guaranteed).
async fn insert_requests(
    conn: &mut PgConnection,
    rows: &[(&NewRequest, Option<(NaiveDate, Outcome)>)],
) -> Result<HashMap<(i64, String), i64>> {
    let mut ids = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(REQUEST_CHUNK) {
        let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO requests (agency_id, reference, channel, received, description, \
             requested_form, applicant_kind, decided_on, outcome) ",
        );
        qb.push_values(chunk, |mut b, (r, closing)| {
            b.push_bind(r.agency.0)
                .push_bind(r.reference.as_str())
                .push_bind(codec::channel_str(r.channel))
                .push_bind(r.received)
                .push_bind(r.description.as_str())
                .push_bind(r.requested_form.as_str())
                .push_bind(codec::applicant_str(rules::counted_kind(r)))
                .push_bind(closing.map(|c| c.0))
                .push_bind(closing.map(|c| codec::outcome_str(c.1)));
        });
        qb.push(" RETURNING id, agency_id, reference");
        let returned = qb
            .build()
            .fetch_all(&mut *conn)
            .await
            .map_err(db("保存申请"))?;
        for row in returned {
            let get = || -> Result<_, sqlx::Error> {
                Ok((
                    (row.try_get("agency_id")?, row.try_get("reference")?),
                    row.try_get("id")?,
                ))
            };
            let (key, id) = get().map_err(db("保存申请"))?;
            ids.insert(key, id);
        }
    }
    Ok(ids)
}

async fn insert_applicants(
    conn: &mut PgConnection,
    rows: &[(i64, usize, &ApplicantRecord)],
) -> Result<()> {
    for chunk in rows.chunks(ROW_CHUNK) {
        let mut qb: QueryBuilder<Postgres> =
            QueryBuilder::new("INSERT INTO applicants (request_id, position, name, kind) ");
        qb.push_values(chunk, |mut b, (id, pos, a)| {
            b.push_bind(*id)
                .push_bind(*pos as i64)
                .push_bind(a.name.as_str())
                .push_bind(codec::applicant_str(a.kind));
        });
        qb.build()
            .execute(&mut *conn)
            .await
            .map_err(db("保存申请人"))?;
    }
    Ok(())
}

async fn insert_events(
    conn: &mut PgConnection,
    rows: &[(i64, usize, &TimelineEvent)],
) -> Result<()> {
    for chunk in rows.chunks(ROW_CHUNK) {
        let mut qb: QueryBuilder<Postgres> =
            QueryBuilder::new("INSERT INTO events (request_id, seq, kind, date, outcome, note) ");
        qb.push_values(chunk, |mut b, (id, seq, e)| {
            b.push_bind(*id)
                .push_bind(*seq as i64)
                .push_bind(codec::event_kind_str(e.event))
                .push_bind(e.event.date())
                .push_bind(e.outcome.map(codec::outcome_str))
                .push_bind(e.note.as_str());
        });
        qb.build()
            .execute(&mut *conn)
            .await
            .map_err(db("保存时间线"))?;
    }
    Ok(())
}

/// Stores new requests with their applicants and events. `rows` are validated already.
async fn insert_full_requests(conn: &mut PgConnection, rows: &[NewRow<'_>]) -> Result<Vec<i64>> {
    let heads: Vec<_> = rows.iter().map(|(r, _, c)| (*r, *c)).collect();
    let ids = insert_requests(conn, &heads).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut applicants = Vec::new();
    let mut events = Vec::new();
    for (r, evs, _) in rows {
        let id = *ids
            .get(&(r.agency.0, r.reference.clone()))
            .ok_or_else(|| StoreError::Backend(format!("保存申请 {} 后未取得 id", r.reference)))?;
        out.push(id);
        applicants.extend(r.applicants.iter().enumerate().map(|(i, a)| (id, i, a)));
        events.extend(evs.iter().enumerate().map(|(i, e)| (id, i, e)));
    }
    insert_applicants(conn, &applicants).await?;
    insert_events(conn, &events).await?;
    Ok(out)
}

async fn set_closing(
    conn: &mut PgConnection,
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

async fn insert_remedies(conn: &mut PgConnection, rows: &[&NewRemedy]) -> Result<()> {
    let mut ids = HashMap::new();
    for chunk in rows.chunks(REQUEST_CHUNK) {
        let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(
            "INSERT INTO remedies (agency_id, reference, kind, received, closed_on, result) ",
        );
        qb.push_values(chunk, |mut b, m| {
            b.push_bind(m.agency.0)
                .push_bind(m.reference.as_str())
                .push_bind(codec::remedy_kind_str(m.kind))
                .push_bind(m.received)
                .push_bind(m.closed.map(|c| c.0))
                .push_bind(m.closed.map(|c| codec::remedy_result_str(c.1)));
        });
        qb.push(" RETURNING id, agency_id, reference");
        for row in qb
            .build()
            .fetch_all(&mut *conn)
            .await
            .map_err(db("保存复议诉讼案件"))?
        {
            let get = || -> Result<_, sqlx::Error> {
                Ok((
                    (
                        row.try_get::<i64, _>("agency_id")?,
                        row.try_get::<String, _>("reference")?,
                    ),
                    row.try_get::<i64, _>("id")?,
                ))
            };
            let (key, id) = get().map_err(db("保存复议诉讼案件"))?;
            ids.insert(key, id);
        }
    }
    let mut links = Vec::new();
    for m in rows {
        let id = ids[&(m.agency.0, m.reference.clone())];
        links.extend(m.requests.iter().enumerate().map(|(i, r)| (id, i, r)));
    }
    for chunk in links.chunks(ROW_CHUNK) {
        let mut qb: QueryBuilder<Postgres> =
            QueryBuilder::new("INSERT INTO remedy_requests (remedy_id, position, reference) ");
        qb.push_values(chunk, |mut b, (id, pos, r)| {
            b.push_bind(*id)
                .push_bind(*pos as i64)
                .push_bind(r.as_str());
        });
        qb.build()
            .execute(&mut *conn)
            .await
            .map_err(db("保存复议诉讼案件"))?;
    }
    Ok(())
}

/// Facts of the requests of `agencies` relevant to `year`, as three index range scans: received
/// in the year (on `(agency_id, received)`), received before and decided in or after the year,
/// received before and still open (both on `(agency_id, decided_on)`). The three are disjoint.
/// Unordered: the caller sorts (cheaper in Rust than in the query).
fn facts_sql(table: &str, cols: &str, closed_col: &str, agencies: &[AgencyId]) -> String {
    let ids = id_list(agencies.iter().map(|a| a.0));
    format!(
        "SELECT {cols} FROM {table} WHERE agency_id IN {ids} AND received >= $1 AND received <= $2 \
         UNION ALL \
         SELECT {cols} FROM {table} WHERE agency_id IN {ids} AND {closed_col} >= $1 AND received < $1 \
         UNION ALL \
         SELECT {cols} FROM {table} WHERE agency_id IN {ids} AND {closed_col} IS NULL AND received < $1"
    )
}

/// One `case_facts` row: `id, agency_id, applicant_kind, received, decided_on, outcome`, read
/// by position and the enum texts borrowed, not copied (this runs once per request counted).
fn case_facts_row(row: &PgRow) -> Result<CaseFacts> {
    let e = db("统计申请");
    let kind: &str = row.try_get(2).map_err(&e)?;
    let decided_on: Option<NaiveDate> = row.try_get(4).map_err(&e)?;
    let outcome: Option<&str> = row.try_get(5).map_err(&e)?;
    let decided = match (decided_on, outcome) {
        (Some(d), Some(o)) => Some((d, codec::outcome_from(o)?)),
        _ => None,
    };
    Ok(CaseFacts {
        id: RequestId(row.try_get(0).map_err(&e)?),
        agency: AgencyId(row.try_get(1).map_err(&e)?),
        kind: codec::applicant_from(kind)?,
        received: row.try_get(3).map_err(&e)?,
        decided,
    })
}

impl Agencies for PgStore {
    async fn create_agency(&self, name: &str, parent: Option<AgencyId>) -> Result<Agency> {
        let mut tx = self.pool.begin().await.map_err(db("开始事务"))?;
        if let Some(p) = parent {
            agencies_exist(&mut tx, &HashSet::from([p.0])).await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agencies (name, parent_id) VALUES ($1, $2) RETURNING id",
        )
        .bind(name)
        .bind(parent.map(|p| p.0))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match db("创建机关")(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("机关名称“{name}”已存在")),
            other => other,
        })?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(Agency {
            id: AgencyId(id),
            name: name.to_owned(),
            parent,
        })
    }

    async fn agency(&self, id: AgencyId) -> Result<Option<Agency>> {
        let row = sqlx::query("SELECT id, name, parent_id FROM agencies WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("读取机关"))?;
        row.as_ref().map(agency_row).transpose()
    }

    async fn agency_by_name(&self, name: &str) -> Result<Option<Agency>> {
        let row = sqlx::query("SELECT id, name, parent_id FROM agencies WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(db("读取机关"))?;
        row.as_ref().map(agency_row).transpose()
    }

    async fn agencies(&self) -> Result<Vec<Agency>> {
        let rows = sqlx::query("SELECT id, name, parent_id FROM agencies ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db("读取机关"))?;
        rows.iter().map(agency_row).collect()
    }
}

impl Requests for PgStore {
    async fn create_request(&self, new: NewRequest, first: TimelineEvent) -> Result<Request> {
        let events = vec![first];
        let closing = rules::check_new_request(&new, &events)?;
        let mut tx = self.pool.begin().await.map_err(db("开始事务"))?;
        agencies_exist(&mut tx, &HashSet::from([new.agency.0])).await?;
        let ids = insert_full_requests(&mut tx, &[(&new, &events, closing)])
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    StoreError::Conflict(format!("受理编号 {} 已存在", new.reference))
                }
                other => other,
            })?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(Request {
            id: RequestId(ids[0]),
            data: new,
            events,
        })
    }

    async fn append_event(&self, id: RequestId, event: TimelineEvent) -> Result<Request> {
        let mut tx = self.write_tx().await?;
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT id FROM requests WHERE id = $1 FOR UPDATE")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db("读取申请"))?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("申请 id {}", id.0)));
        }
        let events = load_events(&mut tx, id.0).await?;
        let state = rules::check_append(&events, &event)?;
        insert_events(&mut tx, &[(id.0, events.len(), &event)]).await?;
        set_closing(&mut tx, id.0, rules::closing(state)).await?;
        let request = load_request(&mut tx, "id = $1", (id.0, None))
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("申请 id {}", id.0)))?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(request)
    }

    async fn request(&self, id: RequestId) -> Result<Option<Request>> {
        let mut conn = self.pool.acquire().await.map_err(db("连接数据库"))?;
        load_request(&mut conn, "id = $1", (id.0, None)).await
    }

    async fn request_by_reference(
        &self,
        agency: AgencyId,
        reference: &str,
    ) -> Result<Option<Request>> {
        let mut conn = self.pool.acquire().await.map_err(db("连接数据库"))?;
        load_request(
            &mut conn,
            "agency_id = $1 AND reference = $2",
            (agency.0, Some(reference)),
        )
        .await
    }

    async fn case_facts(&self, agencies: &[AgencyId], year: i32) -> Result<Vec<CaseFacts>> {
        let (start, end) = rules::year_bounds(year)?;
        if agencies.is_empty() {
            return Ok(vec![]);
        }
        let sql = facts_sql(
            "requests",
            "id, agency_id, applicant_kind, received, decided_on, outcome",
            "decided_on",
            agencies,
        );
        let rows = sqlx::query(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(&self.pool)
            .await
            .map_err(db("统计申请"))?;
        let mut facts = rows
            .iter()
            .map(case_facts_row)
            .collect::<Result<Vec<_>>>()?;
        facts.sort_unstable_by_key(|f| f.id);
        Ok(facts)
    }
}

impl Remedies for PgStore {
    async fn create_remedy(&self, new: NewRemedy) -> Result<Remedy> {
        rules::check_new_remedy(&new)?;
        let mut tx = self.pool.begin().await.map_err(db("开始事务"))?;
        agencies_exist(&mut tx, &HashSet::from([new.agency.0])).await?;
        insert_remedies(&mut tx, &[&new])
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    StoreError::Conflict(format!("案件编号 {} 已存在", new.reference))
                }
                other => other,
            })?;
        let stored = load_remedy(&mut tx, new.agency, &new.reference)
            .await?
            .ok_or_else(|| StoreError::Backend("保存复议诉讼案件后读取失败".into()))?;
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(stored)
    }

    async fn remedy_by_reference(
        &self,
        agency: AgencyId,
        reference: &str,
    ) -> Result<Option<Remedy>> {
        let mut conn = self.pool.acquire().await.map_err(db("连接数据库"))?;
        load_remedy(&mut conn, agency, reference).await
    }

    async fn remedy_facts(&self, agencies: &[AgencyId], year: i32) -> Result<Vec<RemedyFacts>> {
        let (start, end) = rules::year_bounds(year)?;
        if agencies.is_empty() {
            return Ok(vec![]);
        }
        let sql = facts_sql(
            "remedies",
            "id, agency_id, reference, kind, received, closed_on, result",
            "closed_on",
            agencies,
        );
        let rows = sqlx::query(&sql)
            .bind(start)
            .bind(end)
            .fetch_all(&self.pool)
            .await
            .map_err(db("统计复议诉讼案件"))?;
        let mut facts = rows
            .iter()
            .map(|row| {
                let agency = AgencyId(row.try_get("agency_id").map_err(db("统计复议诉讼案件"))?);
                remedy_facts_row(row, agency)
            })
            .collect::<Result<Vec<_>>>()?;
        facts.sort_unstable_by_key(|f| f.id);
        Ok(facts)
    }
}

/// What the store already holds of one imported request.
struct Existing {
    id: i64,
    closed: bool,
}

/// The stored records an import names: requests or remedy cases.
#[derive(Clone, Copy)]
enum Kind {
    Request,
    Remedy,
}

impl Kind {
    /// Table, closing-date column and what to call it in messages. Fixed strings, never input.
    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Kind::Request => ("requests", "decided_on", "查找已有申请"),
            Kind::Remedy => ("remedies", "closed_on", "查找已有复议诉讼案件"),
        }
    }
}

/// The records of `kind` already stored under the (agency, reference) pairs of an import.
async fn existing(
    conn: &mut PgConnection,
    kind: Kind,
    keys: &[(i64, &str)],
) -> Result<HashMap<(i64, String), Existing>> {
    let (table, closed_on, what) = kind.parts();
    let mut found = HashMap::new();
    for chunk in keys.chunks(REQUEST_CHUNK) {
        let mut qb: QueryBuilder<Postgres> = QueryBuilder::new("WITH v(a, r) AS (");
        qb.push_values(chunk, |mut b, (a, r)| {
            b.push_bind(*a).push_bind(*r);
        });
        qb.push(format!(
            ") SELECT {table}.id, {table}.agency_id, {table}.reference, \
             {table}.{closed_on} IS NOT NULL AS closed \
             FROM v JOIN {table} ON {table}.agency_id = v.a AND {table}.reference = v.r FOR UPDATE OF {table}"
        ));
        for row in qb.build().fetch_all(&mut *conn).await.map_err(db(what))? {
            let get = || -> Result<_, sqlx::Error> {
                Ok((
                    (row.try_get("agency_id")?, row.try_get("reference")?),
                    Existing {
                        id: row.try_get("id")?,
                        closed: row.try_get("closed")?,
                    },
                ))
            };
            let (key, e) = get().map_err(db(what))?;
            found.insert(key, e);
        }
    }
    Ok(found)
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

impl LedgerImport for PgStore {
    async fn import(
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
        agencies_exist(&mut tx, &agencies).await?;

        for chunk in requests.chunks(REQUEST_CHUNK) {
            let keys: Vec<(i64, &str)> = chunk
                .iter()
                .map(|(r, _)| (r.agency.0, r.reference.as_str()))
                .collect();
            let existing = existing(&mut tx, Kind::Request, &keys).await?;
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
            insert_full_requests(&mut tx, &fresh).await?;
            summary.created += fresh.len();
            for (id, r, event) in to_close {
                let stored = load_events(&mut tx, id).await?;
                let state = rules::check_append(&stored, event).map_err(|e| match e {
                    StoreError::Invalid(m) => {
                        StoreError::Invalid(format!("受理编号 {}：{m}", r.reference))
                    }
                    other => other,
                })?;
                insert_events(&mut tx, &[(id, stored.len(), event)]).await?;
                set_closing(&mut tx, id, rules::closing(state)).await?;
                summary.updated += 1;
            }
        }

        for chunk in remedies.chunks(REQUEST_CHUNK) {
            let keys: Vec<(i64, &str)> = chunk
                .iter()
                .map(|m| (m.agency.0, m.reference.as_str()))
                .collect();
            let existing = existing(&mut tx, Kind::Remedy, &keys).await?;
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
            insert_remedies(&mut tx, &fresh).await?;
            summary.remedies.created += fresh.len();
        }

        tx.commit().await.map_err(db("提交导入"))?;
        Ok(summary)
    }
}

impl Figures for PgStore {
    async fn set_figures(&self, figures: YearFigures) -> Result<()> {
        let cells = rules::check_figures(&figures)?;
        let (agency, year) = (figures.agency.0, figures.year);
        let mut tx = self.pool.begin().await.map_err(db("开始事务"))?;
        agencies_exist(&mut tx, &HashSet::from([agency])).await?;
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
        if !cells.is_empty() {
            let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(
                "INSERT INTO figure_cells (agency_id, year, position, cell_key, value) ",
            );
            qb.push_values(cells.iter().enumerate(), |mut b, (i, (k, v))| {
                b.push_bind(agency)
                    .push_bind(year)
                    .push_bind(i as i64)
                    .push_bind(k.as_str())
                    .push_bind(v.as_str());
            });
            qb.build()
                .execute(&mut *tx)
                .await
                .map_err(db("保存表二数据"))?;
        }
        tx.commit().await.map_err(db("提交事务"))?;
        Ok(())
    }

    async fn figures(&self, agency: AgencyId, year: i32) -> Result<Option<YearFigures>> {
        let mut conn = self.pool.acquire().await.map_err(db("连接数据库"))?;
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
}

impl CalendarOverrides for PgStore {
    async fn calendar_overrides(&self) -> Result<Vec<String>> {
        sqlx::query_scalar("SELECT toml FROM calendar_overrides ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .map_err(db("读取日历补充"))
    }

    async fn add_calendar_override(&self, toml: &str) -> Result<()> {
        sqlx::query("INSERT INTO calendar_overrides (toml) VALUES ($1)")
            .bind(toml)
            .execute(&self.pool)
            .await
            .map_err(db("保存日历补充"))?;
        Ok(())
    }
}
