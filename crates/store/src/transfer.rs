//! The schema as data, for copying a whole installation between backends (`gongkai migrate
//! --to postgres://…`, and a backup of a PostgreSQL installation into one SQLite file): every
//! table, its columns with their types, and its key, in an order in which each table's
//! references come before it. Both backends' migrations must agree with it: the copy tests
//! prove that every table is here and every column reads.

use chrono::{DateTime, NaiveDate, Utc};

/// A column's type, as both backends store it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// 64-bit integer (`INTEGER` / `BIGINT`).
    Int,
    OptInt,
    /// 32-bit integer (`INTEGER` / `INTEGER`): years.
    Int32,
    Text,
    OptText,
    /// A date (`TEXT 'YYYY-MM-DD'` / `DATE`).
    Date,
    OptDate,
    /// A moment (`TEXT` / `TIMESTAMPTZ`).
    Time,
    OptTime,
    /// A flag (`INTEGER` 0 or 1 / `BOOLEAN`).
    Bool,
    /// Bytes (`BLOB` / `BYTEA`): attachment content. A table with such a column is copied a few
    /// rows at a time ([`page_rows`]).
    Bytes,
}

/// One table.
#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Col)],
    /// The primary key's columns: rows are copied in this order.
    pub key: &'static [&'static str],
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
    Date(NaiveDate),
    Time(DateTime<Utc>),
    Bool(bool),
    Bytes(Vec<u8>),
}

/// A row: one cell per column of its table, in the table's order.
pub type Row = Vec<Cell>;

use Col::*;

/// Every table of the schema.
pub const SCHEMA: &[TableDef] = &[
    TableDef {
        name: "agencies",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("parent_id", OptInt),
            ("merged_into", OptInt),
            ("merged_on", OptDate),
        ],
        key: &["id"],
    },
    TableDef {
        name: "agency_former_names",
        columns: &[("agency_id", Int), ("until", Date), ("name", Text)],
        key: &["agency_id", "until"],
    },
    TableDef {
        name: "agency_aliases",
        columns: &[("alias", Text), ("agency_id", Int)],
        key: &["alias"],
    },
    TableDef {
        name: "requests",
        columns: &[
            ("id", Int),
            ("agency_id", Int),
            ("reference", Text),
            ("channel", Text),
            ("received", Date),
            ("description", Text),
            ("requested_form", Text),
            ("applicant_kind", Text),
            ("decided_on", OptDate),
            ("outcome", OptText),
            ("id_kind", Text),
            ("id_number", Text),
            ("phone", Text),
            ("address", Text),
            ("email", Text),
            ("delivery", Text),
            ("awaiting", Int32),
            ("words", OptInt),
        ],
        key: &["id"],
    },
    TableDef {
        name: "applicants",
        columns: &[
            ("request_id", Int),
            ("position", Int),
            ("name", Text),
            ("kind", Text),
        ],
        key: &["request_id", "position"],
    },
    TableDef {
        name: "events",
        columns: &[
            ("request_id", Int),
            ("seq", Int),
            ("kind", Text),
            ("date", Date),
            ("outcome", OptText),
            ("note", Text),
        ],
        key: &["request_id", "seq"],
    },
    TableDef {
        name: "remedies",
        columns: &[
            ("id", Int),
            ("agency_id", Int),
            ("reference", Text),
            ("kind", Text),
            ("received", Date),
            ("closed_on", OptDate),
            ("result", OptText),
        ],
        key: &["id"],
    },
    TableDef {
        name: "remedy_requests",
        columns: &[("remedy_id", Int), ("position", Int), ("reference", Text)],
        key: &["remedy_id", "position"],
    },
    TableDef {
        name: "figure_sets",
        columns: &[("agency_id", Int), ("year", Int32)],
        key: &["agency_id", "year"],
    },
    TableDef {
        name: "figure_cells",
        columns: &[
            ("agency_id", Int),
            ("year", Int32),
            ("position", Int),
            ("cell_key", Text),
            ("value", Text),
            ("reason", Text),
        ],
        key: &["agency_id", "year", "position"],
    },
    TableDef {
        name: "report_text_sets",
        columns: &[("agency_id", Int), ("year", Int32)],
        key: &["agency_id", "year"],
    },
    TableDef {
        name: "report_texts",
        columns: &[
            ("agency_id", Int),
            ("year", Int32),
            ("part", Text),
            ("text", Text),
        ],
        key: &["agency_id", "year", "part"],
    },
    TableDef {
        name: "calendar_overrides",
        columns: &[("id", Int), ("toml", Text), ("added_at", Time)],
        key: &["id"],
    },
    TableDef {
        name: "users",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("password_hash", Text),
            ("disabled", Bool),
            ("created", Time),
            ("failed_logins", Int),
            ("locked_until", OptTime),
            ("email", OptText),
        ],
        key: &["id"],
    },
    TableDef {
        name: "user_roles",
        columns: &[("user_id", Int), ("agency_id", Int), ("role", Text)],
        key: &["user_id", "agency_id", "role"],
    },
    // Copied too, so that moving an installation logs nobody out.
    TableDef {
        name: "sessions",
        columns: &[
            ("secret_hash", Text),
            ("user_id", Int),
            ("csrf", Text),
            ("created", Time),
            ("last_seen", Time),
        ],
        key: &["secret_hash"],
    },
    TableDef {
        name: "api_tokens",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("secret_hash", Text),
            ("created", Time),
            ("expires", OptTime),
        ],
        key: &["id"],
    },
    TableDef {
        name: "calendar_feeds",
        columns: &[("user_id", Int), ("secret_hash", Text), ("created", Time)],
        key: &["user_id"],
    },
    // Copied too, so that a client retrying across the move still gets its first answer.
    TableDef {
        name: "idempotency_keys",
        columns: &[
            ("user_id", Int),
            ("idem_key", Text),
            ("request_hash", Text),
            ("created", Time),
            ("status", OptInt),
            ("body", OptText),
        ],
        key: &["user_id", "idem_key"],
    },
    // The catalogue (政府信息公开目录). `interprets` may name a later document (an earlier one
    // updated to interpret it): its foreign key is checked at commit.
    TableDef {
        name: "documents",
        columns: &[
            ("id", Int),
            ("agency_id", Int),
            ("index_number", Text),
            ("index_key", Text),
            ("index_parts", OptText),
            ("title", Text),
            ("doc_number", OptText),
            ("doc_number_key", OptText),
            ("doc_number_parts", OptText),
            ("written", OptDate),
            ("published", Date),
            ("category", OptText),
            ("item", OptText),
            ("topic", Text),
            ("genre", Text),
            ("method", Text),
            ("scope", Text),
            ("validity", Text),
            ("validity_on", OptDate),
            ("repealed_by", OptText),
            ("interprets", OptInt),
            ("body_html", Text),
            ("body_text", Text),
            ("revision", Int),
        ],
        key: &["id"],
    },
    TableDef {
        name: "document_attachments",
        columns: &[
            ("document_id", Int),
            ("position", Int),
            ("sha256", Text),
            ("name", Text),
            ("media_type", Text),
            ("size", Int),
        ],
        key: &["document_id", "position"],
    },
    TableDef {
        name: "blobs",
        columns: &[("sha256", Text), ("bytes", Bytes), ("size", Int)],
        key: &["sha256"],
    },
    TableDef {
        name: "guides",
        columns: &[
            ("agency_id", Int),
            ("office", Text),
            ("address", Text),
            ("postcode", Text),
            ("hours", Text),
            ("phone", Text),
            ("fax", Text),
            ("email", Text),
            ("website", Text),
            ("channels", Text),
            ("forms", Text),
            ("proactive", Text),
            ("how_to_apply", Text),
            ("time_limits", Text),
            ("fees", Text),
            ("remedies", Text),
            ("id_photo", Text),
        ],
        key: &["agency_id"],
    },
    TableDef {
        name: "published_reports",
        columns: &[
            ("agency_id", Int),
            ("year", Int32),
            ("version", Int32),
            ("report", Text),
            ("note", OptText),
            ("published_at", Time),
            ("published_by", Text),
        ],
        key: &["agency_id", "year", "version"],
    },
    TableDef {
        name: "filing_steps",
        columns: &[
            ("agency_id", Int),
            ("year", Int32),
            ("seq", Int32),
            ("action", Text),
            ("report", OptText),
            ("explanations", OptText),
            ("note", OptText),
            ("remarks", OptText),
            ("version", OptInt),
            ("taken_at", Time),
            ("taken_by", Text),
        ],
        key: &["agency_id", "year", "seq"],
    },
    // The letter templates agencies edit (gongkai_letters).
    TableDef {
        name: "letter_templates",
        columns: &[("agency_id", Int), ("kind", Text), ("body", Text)],
        key: &["agency_id", "kind"],
    },
    // The portal's page views per agency and day (section 二 of the report).
    TableDef {
        name: "page_views",
        columns: &[("agency_id", Int), ("day", Date), ("views", Int)],
        key: &["agency_id", "day"],
    },
    // The standard item directories and the channel register (issue 15), after the documents
    // that link to them.
    TableDef {
        name: "directory_items",
        columns: &[
            ("agency_id", Int),
            ("code", Text),
            ("position", Int),
            ("domain", Text),
            ("name", Text),
            ("content", Text),
            ("basis", Text),
            ("time_limit", Text),
            ("body", Text),
            ("channels", Text),
        ],
        key: &["agency_id", "code"],
    },
    TableDef {
        name: "document_items",
        columns: &[("document_id", Int), ("position", Int), ("item_code", Text)],
        key: &["document_id", "position"],
    },
    TableDef {
        name: "channels",
        columns: &[
            ("id", Int),
            ("agency_id", Int),
            ("platform", Text),
            ("name", Text),
            ("operator", Text),
            ("opened", Date),
            ("closed", OptDate),
            ("filed", Bool),
        ],
        key: &["id"],
    },
    TableDef {
        name: "document_channels",
        columns: &[("document_id", Int), ("position", Int), ("channel_id", Int)],
        key: &["document_id", "position"],
    },
    TableDef {
        name: "channel_post_counts",
        columns: &[
            ("channel_id", Int),
            ("year", Int32),
            ("month", Int32),
            ("posts", Int),
        ],
        key: &["channel_id", "year", "month"],
    },
    // Online applications (the portal), after the requests and blobs they name.
    TableDef {
        name: "applications",
        columns: &[
            ("request_id", Int),
            ("tracking_hash", Text),
            ("nonce", OptText),
            ("content_hash", OptText),
            ("submitted_at", Time),
            ("confirmed_at", OptTime),
            ("confirmed_by", OptText),
        ],
        key: &["request_id"],
    },
    TableDef {
        name: "application_files",
        columns: &[
            ("request_id", Int),
            ("position", Int),
            ("sha256", Text),
            ("name", Text),
            ("media_type", Text),
            ("size", Int),
        ],
        key: &["request_id", "position"],
    },
    TableDef {
        name: "reply_documents",
        columns: &[
            ("id", Int),
            ("request_id", Int),
            ("sha256", Text),
            ("name", Text),
            ("media_type", Text),
            ("size", Int),
            ("added_at", Time),
            ("added_by", Text),
            ("released_at", OptTime),
            ("released_by", OptText),
        ],
        key: &["id"],
    },
    // Redaction (区分处理, 第三十七条): the boxes of reply documents and their released copies,
    // after the documents.
    TableDef {
        name: "redaction_boxes",
        columns: &[
            ("document_id", Int),
            ("position", Int),
            ("page", Int),
            ("x", Int),
            ("y", Int),
            ("w", Int),
            ("h", Int),
            ("reason", Text),
            ("pattern", Bool),
            ("added_at", Time),
            ("added_by", Text),
        ],
        key: &["document_id", "position"],
    },
    TableDef {
        name: "released_copies",
        columns: &[
            ("document_id", Int),
            ("sha256", Text),
            ("name", Text),
            ("media_type", Text),
            ("size", Int),
            ("built_at", Time),
            ("built_by", Text),
        ],
        key: &["document_id"],
    },
    // The applicants' identity-document photos (encrypted blobs) and the public log of
    // answered requests (issue 16).
    TableDef {
        name: "application_id_photos",
        columns: &[
            ("request_id", Int),
            ("sha256", Text),
            ("name", Text),
            ("media_type", Text),
            ("size", Int),
        ],
        key: &["request_id"],
    },
    TableDef {
        name: "disclosures",
        columns: &[
            ("id", Int),
            ("request_id", Int),
            ("agency_id", Int),
            ("title", Text),
            ("documents", Text),
            ("published_at", Time),
            ("published_by", Text),
        ],
        key: &["id"],
    },
    // Public messages (互动交流), after the agencies and requests they name; a message merged
    // into a later one names it before it is copied (the reference is checked at commit).
    TableDef {
        name: "messages",
        columns: &[
            ("id", Int),
            ("agency_id", Int),
            ("addressed_id", Int),
            ("kind", Text),
            ("title", Text),
            ("body", Text),
            ("name", Text),
            ("phone", Text),
            ("received", Date),
            ("submitted_at", Time),
            ("tracking_hash", Text),
            ("nonce", OptText),
            ("content_hash", OptText),
            ("reply_body", OptText),
            ("replied_on", OptDate),
            ("replied_at", OptTime),
            ("replied_by", OptText),
            ("public", Bool),
            ("abusive", OptText),
            ("merged_into", OptInt),
            ("request_id", OptInt),
            ("from_request", Bool),
        ],
        key: &["id"],
    },
    // The queue of messages to applicants and staff (issue 16 §3), after the requests and
    // accounts they name: a move keeps what was sent, and sends what was not yet.
    TableDef {
        name: "notifications",
        columns: &[
            ("id", Int),
            ("request_id", OptInt),
            ("user_id", OptInt),
            ("milestone", Text),
            ("channel", Text),
            ("address", Text),
            ("subject", Text),
            ("body", Text),
            ("dedup", Text),
            ("state", Text),
            ("attempts", Int),
            ("next_attempt", Time),
            ("lease_until", OptTime),
            ("last_error", OptText),
            ("created", Time),
            ("sent_at", OptTime),
        ],
        key: &["id"],
    },
    // Routing inside a government (签收, 转办, 协办, 退回), the words of requests for finding
    // near-identical ones, the links of the same request (同一申请), and the agency a reply names
    // as responsible (第三十六条第（五）项).
    TableDef {
        name: "routing_steps",
        columns: &[
            ("request_id", Int),
            ("seq", Int32),
            ("action", Text),
            ("from_agency", Int),
            ("to_agency", OptInt),
            ("note", Text),
            ("due", OptDate),
            ("task", OptInt),
            ("taken_at", Time),
            ("taken_by", Text),
        ],
        key: &["request_id", "seq"],
    },
    TableDef {
        name: "request_words",
        columns: &[("word", Text), ("request_id", Int), ("size", Int)],
        key: &["word", "request_id"],
    },
    TableDef {
        name: "request_links",
        columns: &[
            ("request_id", Int),
            ("other_id", Int),
            ("linked_at", Time),
            ("linked_by", Text),
        ],
        key: &["request_id", "other_id"],
    },
    TableDef {
        name: "request_referrals",
        columns: &[("request_id", Int), ("agency", Text), ("contact", Text)],
        key: &["request_id"],
    },
    // Rate-limit counters: copied like sessions, so that a move does not reset a limit.
    TableDef {
        name: "rate_hits",
        columns: &[("key", Text), ("slot", Int), ("hits", Int)],
        key: &["key", "slot"],
    },
    TableDef {
        name: "audit_log",
        columns: &[
            ("seq", Int),
            ("at", Text),
            ("actor", Text),
            ("agency_id", OptInt),
            ("agency", Text),
            ("action", Text),
            ("object", Text),
            ("summary", Text),
            ("prev", Text),
            ("hash", Text),
        ],
        key: &["seq"],
    },
    TableDef {
        name: "installation",
        columns: &[("id", Int32), ("key", Text)],
        key: &["id"],
    },
];

/// The tables whose `id` the database generates: after a copy with explicit ids, the
/// generator must continue after the largest.
pub const GENERATED_IDS: &[&str] = &[
    "agencies",
    "requests",
    "remedies",
    "calendar_overrides",
    "users",
    "api_tokens",
    "reply_documents",
    "documents",
    "channels",
    "messages",
    "notifications",
    "disclosures",
];

/// Rows of `table` a copy reads and writes at a time: [`COPY_PAGE`], or a few for a table of
/// blobs, whose rows may be megabytes each.
pub fn page_rows(table: &TableDef) -> usize {
    if table.columns.iter().any(|(_, c)| *c == Col::Bytes) {
        8
    } else {
        COPY_PAGE
    }
}

/// Rows of a table a copy reads per query.
pub const COPY_PAGE: usize = 10_000;

/// The definition of a table by name.
pub fn table(name: &str) -> Option<&'static TableDef> {
    SCHEMA.iter().find(|t| t.name == name)
}
