//! Statements with a multi-row `VALUES` list, for the bulk inserts and the import's look-up.

use gongkai_store::{Result, StoreError};
use sqlx::error::BoxDynError;
use sqlx::{Arguments, Database, Encode, Type};

/// A statement with a multi-row `VALUES` list: its text and its arguments, built side by side
/// as sqlx's `QueryBuilder::push_values` builds them (the database's placeholders), but taken
/// apart at the end ([`Values::into_parts`]) to run as `sqlx::query_with(&sql, args)`. Code
/// generic in the database cannot run a `QueryBuilder`'s query and then drop the builder: the
/// borrow that runs it must last as long as the arguments' lifetime, which the builder's own
/// type names.
pub(crate) struct Values<'q, DB: Database> {
    sql: String,
    args: DB::Arguments<'q>,
    /// The first value that could not be encoded.
    error: Option<BoxDynError>,
}

impl<'q, DB: Database> Values<'q, DB> {
    /// `head`, then `VALUES (…), (…)` with one row per item of `rows`, whose values `row` binds.
    pub(crate) fn new<I: IntoIterator>(
        head: &str,
        rows: I,
        mut row: impl FnMut(&mut Tuple<'_, 'q, DB>, I::Item),
    ) -> Self {
        let mut values = Values {
            sql: format!("{head}VALUES "),
            args: DB::Arguments::default(),
            error: None,
        };
        for (i, item) in rows.into_iter().enumerate() {
            values.sql.push_str(if i == 0 { "(" } else { ", (" });
            row(
                &mut Tuple {
                    values: &mut values,
                    first: true,
                },
                item,
            );
            values.sql.push(')');
        }
        values
    }

    /// The statement with `sql` appended to its text.
    pub(crate) fn push(mut self, sql: &str) -> Self {
        self.sql.push_str(sql);
        self
    }

    /// The statement's text and arguments; `what` names the operation if a value could not be
    /// encoded.
    pub(crate) fn into_parts(self, what: &str) -> Result<(String, DB::Arguments<'q>)> {
        match self.error {
            None => Ok((self.sql, self.args)),
            Some(e) => Err(StoreError::Backend(format!("{what}：{e}"))),
        }
    }
}

/// The values of one row of a [`Values`] list.
pub(crate) struct Tuple<'v, 'q, DB: Database> {
    values: &'v mut Values<'q, DB>,
    first: bool,
}

impl<'q, DB: Database> Tuple<'_, 'q, DB> {
    /// Binds the row's next value.
    pub(crate) fn bind<T: 'q + Encode<'q, DB> + Type<DB>>(&mut self, value: T) -> &mut Self {
        let v = &mut *self.values;
        if !self.first {
            v.sql.push_str(", ");
        }
        self.first = false;
        let added = v
            .args
            .add(value)
            .and_then(|()| Ok(v.args.format_placeholder(&mut v.sql)?));
        if let Err(e) = added {
            v.error.get_or_insert(e);
        }
        self
    }
}
