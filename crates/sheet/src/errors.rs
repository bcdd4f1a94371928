//! The errors an import reports: the first [`MAX_KEPT_ERRORS`] and how many there are in all.

use std::fmt;

/// How many errors an [`ErrorList`] keeps: enough to fix a file, few enough to print. A file of
/// a million bad rows is still counted to the end.
pub const MAX_KEPT_ERRORS: usize = 100;

/// The problems found in a file: the first ones in file order, and how many there are in all.
/// Display: each kept error on its own line, then `……另有 N 处错误未列出（共 M 处）` when some
/// were left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorList<E> {
    /// The first errors, in file order.
    pub errors: Vec<E>,
    /// Every error found, kept or not (at least `errors.len()`).
    pub total: usize,
}

impl<E> ErrorList<E> {
    /// All of `errors` (not capped: the caller decides how many it holds).
    pub fn new(errors: Vec<E>) -> Self {
        let total = errors.len();
        ErrorList { errors, total }
    }

    /// How many errors were found but not kept.
    pub fn left_out(&self) -> usize {
        self.total.saturating_sub(self.errors.len())
    }
}

impl<E> From<E> for ErrorList<E> {
    fn from(e: E) -> Self {
        ErrorList::new(vec![e])
    }
}

impl<E: fmt::Display> fmt::Display for ErrorList<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        let left_out = self.left_out();
        if left_out > 0 {
            if !self.errors.is_empty() {
                f.write_str("\n")?;
            }
            write!(f, "……另有 {left_out} 处错误未列出（共 {} 处）", self.total)?;
        }
        Ok(())
    }
}

impl<E: fmt::Display + fmt::Debug> std::error::Error for ErrorList<E> {}

/// Collects errors as a file is read: the first [`MAX_KEPT_ERRORS`] and the count.
#[derive(Debug)]
pub struct ErrorLog<E> {
    kept: Vec<E>,
    total: usize,
}

impl<E> Default for ErrorLog<E> {
    fn default() -> Self {
        ErrorLog {
            kept: Vec::new(),
            total: 0,
        }
    }
}

impl<E> ErrorLog<E> {
    pub fn push(&mut self, e: E) {
        self.push_with(|| e);
    }

    /// Counts an error, and makes it only if it is kept: nothing is allocated once the log is
    /// full.
    pub fn push_with(&mut self, e: impl FnOnce() -> E) {
        self.total = self.total.saturating_add(1);
        if self.kept.len() < MAX_KEPT_ERRORS {
            self.kept.push(e());
        }
    }

    /// Every error counted, kept or not.
    pub fn total(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The file cannot be read further: what was found before no longer matters, only `e`.
    pub fn fatal(&mut self, e: E) {
        self.kept.clear();
        self.total = 0;
        self.push(e);
    }

    /// The errors collected, `None` when there were none.
    pub fn into_errors(self) -> Option<ErrorList<E>> {
        (self.total > 0).then_some(ErrorList {
            errors: self.kept,
            total: self.total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_and_counted() {
        let mut log = ErrorLog::default();
        assert!(log.is_empty());
        for i in 0..250 {
            log.push(format!("错误{i}"));
        }
        assert_eq!(log.total(), 250);
        let list = log.into_errors().expect("errors");
        assert_eq!(list.errors.len(), MAX_KEPT_ERRORS);
        assert_eq!(list.left_out(), 150);
        let text = list.to_string();
        assert_eq!(text.lines().count(), MAX_KEPT_ERRORS + 1);
        assert!(
            text.ends_with("……另有 150 处错误未列出（共 250 处）"),
            "{text}"
        );
        assert!(ErrorLog::<String>::default().into_errors().is_none());
        let mut log = ErrorLog::default();
        log.push("a");
        log.fatal("b");
        assert_eq!(log.into_errors(), Some(ErrorList::from("b")));
    }
}
