//! The audit log (审计日志) as values: one [`Entry`] per write — who, when, on which agency,
//! what action on what object, and a summary of the change — chained by SHA-256 so that an
//! entry edited, deleted or inserted behind the program's back is found ([`Verifier`]).
//!
//! - Each entry's hash covers every field of the entry and the previous entry's hash
//!   ([`entry_hash`]); the first entry follows [`Hash::GENESIS`]. Sequence numbers run 1, 2, 3…
//!   without gaps.
//! - Entries removed from the end leave a valid chain; keeping the latest hash elsewhere
//!   (`gongkai audit head`) and giving it to the verification catches that too.
//! - Personal data (names, identity and phone numbers) never enters an entry in clear: it is
//!   replaced by a keyed hash ([`Pseudonyms`]), so that a later purge of personal data under a
//!   retention rule removes it from the records without touching the log, whose chain stays
//!   intact, while equal values still compare equal inside the log.
//! - A write builds a [`Draft`] from the [`gongkai_access::Grant`] of its access check; the
//!   store completes it with what the write did and appends it in the same transaction.
#![forbid(unsafe_code)]

use chrono::{DateTime, SecondsFormat, Utc};
use gongkai_access::Grant;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// A SHA-256 hash, written as 64 lower-case hexadecimal digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// What the first entry of a log follows.
    pub const GENESIS: Hash = Hash([0; 32]);
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({self})")
    }
}

/// A text that is not a hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{0}”不是 64 位十六进制的哈希值")]
pub struct BadHash(pub String);

impl FromStr for Hash {
    type Err = BadHash;

    fn from_str(s: &str) -> Result<Hash, BadHash> {
        let t = s.trim();
        let bad = || BadHash(s.chars().take(80).collect());
        if t.len() != 64 || !t.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&t[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(Hash(out))
    }
}

/// One recorded write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1, 2, 3, … in the order written.
    pub seq: i64,
    /// When, as RFC 3339 UTC with microseconds (`2024-03-05T08:30:00.123456Z`): text, so that
    /// the hash does not depend on how a database stores times.
    pub at: String,
    /// Who (an account, or the name given on the command line).
    pub actor: String,
    /// The agency the write concerns, if any, by id and by its name at the time.
    pub agency_id: Option<i64>,
    pub agency: String,
    /// What was done: `request.register`, `request.amend`, `ledger.import`, ….
    pub action: String,
    /// What it was done to: `申请 YS2024-001`, `台账 2024.csv`, ….
    pub object: String,
    /// The change: a JSON object (old and new values, counts, the file's SHA-256), personal
    /// data as pseudonyms. Kept as the exact text hashed.
    pub summary: String,
    /// The previous entry's hash ([`Hash::GENESIS`] for the first).
    pub prev: Hash,
    /// [`entry_hash`] of this entry.
    pub hash: Hash,
}

/// Appends a field to the hashed bytes, prefixed by its length, so that no two different
/// entries encode to the same bytes.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

/// The hash of an entry: SHA-256 over a version tag and every field but the hash itself, each
/// length-prefixed, the previous hash last.
pub fn entry_hash(e: &Entry) -> Hash {
    let mut h = Sha256::new();
    field(&mut h, b"gongkai-audit/1");
    field(&mut h, e.seq.to_string().as_bytes());
    field(&mut h, e.at.as_bytes());
    field(&mut h, e.actor.as_bytes());
    field(
        &mut h,
        e.agency_id
            .map(|i| i.to_string())
            .unwrap_or_default()
            .as_bytes(),
    );
    field(&mut h, e.agency.as_bytes());
    field(&mut h, e.action.as_bytes());
    field(&mut h, e.object.as_bytes());
    field(&mut h, e.summary.as_bytes());
    field(&mut h, &e.prev.0);
    Hash(h.finalize().into())
}

/// A write's entry before the store appends it: made from the access check's grant, completed
/// by the use case and by the store with what was done.
#[derive(Debug, Clone)]
pub struct Draft {
    actor: String,
    agency: Option<(i64, String)>,
    action: &'static str,
    object: String,
    summary: Map<String, Value>,
    pseudonyms: Option<Pseudonyms>,
}

impl Draft {
    /// The entry of a write allowed by `grant`: who and on which agency come from the grant.
    pub fn new(grant: &Grant, action: &'static str, object: impl Into<String>) -> Draft {
        Draft {
            actor: grant.actor().name().to_owned(),
            agency: grant.agency().map(|(id, name)| (id.0, name.to_owned())),
            action,
            object: object.into(),
            summary: Map::new(),
            pseudonyms: None,
        }
    }

    /// The key that turns personal data into pseudonyms in this entry.
    pub fn with_pseudonyms(mut self, pseudonyms: Pseudonyms) -> Draft {
        self.pseudonyms = Some(pseudonyms);
        self
    }

    /// Adds a value to the summary (a later value of the same name replaces it).
    pub fn set(&mut self, name: &str, value: impl Into<Value>) -> &mut Draft {
        self.summary.insert(name.to_owned(), value.into());
        self
    }

    /// Adds personal data to the summary as its pseudonym, or as `"***"` when no key was given
    /// (never in clear).
    pub fn set_personal(&mut self, name: &str, text: &str) -> &mut Draft {
        let p = self.pseudonym(text);
        self.set(name, p)
    }

    /// The pseudonym this entry would record for `text`.
    pub fn pseudonym(&self, text: &str) -> String {
        match &self.pseudonyms {
            Some(p) => p.of(text),
            None => "***".to_owned(),
        }
    }

    pub fn action(&self) -> &'static str {
        self.action
    }

    /// Who acts (from the grant).
    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn object(&self) -> &str {
        &self.object
    }

    /// The entry this draft becomes as number `seq` after `prev`, written at `at`.
    pub fn seal(&self, seq: i64, at: DateTime<Utc>, prev: Hash) -> Entry {
        let mut e = Entry {
            seq,
            at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
            actor: self.actor.clone(),
            agency_id: self.agency.as_ref().map(|(id, _)| *id),
            agency: self
                .agency
                .as_ref()
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            action: self.action.to_owned(),
            object: self.object.clone(),
            summary: Value::Object(self.summary.clone()).to_string(),
            prev,
            hash: Hash::GENESIS,
        };
        e.hash = entry_hash(&e);
        e
    }
}

/// Keyed hashes (HMAC-SHA-256) standing for personal data: the same text gives the same
/// pseudonym under one key, and without the key nobody can test a guess against it.
#[derive(Clone)]
pub struct Pseudonyms {
    key: Vec<u8>,
}

impl fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pseudonyms(***)")
    }
}

impl Pseudonyms {
    /// Pseudonyms under `key` (the installation's key, or `audit.key` of the configuration).
    pub fn new(key: &[u8]) -> Pseudonyms {
        Pseudonyms { key: key.to_vec() }
    }

    /// `hmac:` and the first 16 bytes of HMAC-SHA-256(key, text) in hexadecimal: enough to keep
    /// distinct values apart, short enough to read.
    pub fn of(&self, text: &str) -> String {
        let mut out = String::from("hmac:");
        for b in &self.tag(text)[..16] {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }

    /// HMAC-SHA-256(key, text), whole.
    pub fn tag(&self, text: &str) -> [u8; 32] {
        // HMAC accepts a key of any length: `new_from_slice` cannot fail for it.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return [0; 32];
        };
        mac.update(text.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

/// Where a chain does not hold, for the officer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Break {
    /// The entry's hash is not the hash of its fields: the entry was changed.
    #[error("第 {seq} 条记录的内容与其哈希不符：该记录被修改过")]
    Edited { seq: i64 },
    /// The entry does not follow the one before it: an entry before it was deleted or replaced,
    /// or it was inserted.
    #[error("第 {seq} 条记录与前一条记录（第 {previous} 条）不衔接：其间有记录被删除、插入或替换")]
    Unlinked { seq: i64, previous: i64 },
    /// A sequence number out of order.
    #[error("第 {seq} 条记录的序号不连续（应为第 {expected} 条）：有记录被删除或插入")]
    Gap { seq: i64, expected: i64 },
    /// The hash kept elsewhere is not in the chain: entries were removed from the end, or the
    /// whole chain was rewritten.
    #[error(
        "保存的最新哈希 {head} 不在日志中（日志现有 {entries} 条记录）：末尾的记录被删除，或日志被整体改写"
    )]
    HeadMissing { head: Hash, entries: i64 },
}

impl Break {
    /// The sequence number of the first entry that does not match, if one is named.
    pub fn seq(&self) -> Option<i64> {
        match self {
            Break::Edited { seq } | Break::Unlinked { seq, .. } | Break::Gap { seq, .. } => {
                Some(*seq)
            }
            Break::HeadMissing { .. } => None,
        }
    }
}

/// Checks a log entry by entry, in sequence order, without holding it (a log of millions of
/// entries is verified a page at a time).
#[derive(Debug, Clone)]
pub struct Verifier {
    expected_seq: i64,
    prev: Hash,
    head: Option<Hash>,
    head_seen: bool,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier::new(None)
    }
}

impl Verifier {
    /// A verifier; with `head`, the hash kept elsewhere that must be found in the chain.
    pub fn new(head: Option<Hash>) -> Verifier {
        Verifier {
            expected_seq: 1,
            prev: Hash::GENESIS,
            head,
            head_seen: false,
        }
    }

    /// The next entry.
    ///
    /// # Errors
    /// The first break found: the caller stops there.
    pub fn push(&mut self, e: &Entry) -> Result<(), Break> {
        if e.seq != self.expected_seq {
            return Err(Break::Gap {
                seq: e.seq,
                expected: self.expected_seq,
            });
        }
        if entry_hash(e) != e.hash {
            return Err(Break::Edited { seq: e.seq });
        }
        if e.prev != self.prev {
            return Err(Break::Unlinked {
                seq: e.seq,
                previous: e.seq - 1,
            });
        }
        if self.head == Some(e.hash) {
            self.head_seen = true;
        }
        self.prev = e.hash;
        self.expected_seq += 1;
        Ok(())
    }

    /// The end of the log: the number of entries verified and the latest hash.
    ///
    /// # Errors
    /// The head given was not found.
    pub fn finish(self) -> Result<(i64, Hash), Break> {
        let entries = self.expected_seq - 1;
        match self.head {
            Some(head) if !self.head_seen => Err(Break::HeadMissing { head, entries }),
            _ => Ok((entries, self.prev)),
        }
    }
}

/// Verifies a whole log held in memory (see [`Verifier`]).
///
/// # Errors
/// The first break.
pub fn verify(entries: &[Entry], head: Option<Hash>) -> Result<(i64, Hash), Break> {
    let mut v = Verifier::new(head);
    for e in entries {
        v.push(e)?;
    }
    v.finish()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use chrono::TimeZone;
    use gongkai_access::{Actor, Scope};

    fn chain(n: usize) -> Vec<Entry> {
        let grant = Scope::operator(Actor::new("张三").unwrap())
            .installation()
            .unwrap();
        let mut prev = Hash::GENESIS;
        (1..=n as i64)
            .map(|seq| {
                let mut d = Draft::new(&grant, "calendar.import", format!("放假安排 {seq}"));
                d.set("years", vec![2027]);
                let at = Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).unwrap();
                let e = d.seal(seq, at, prev);
                prev = e.hash;
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies_and_gives_its_head() {
        let log = chain(5);
        let (n, head) = verify(&log, None).unwrap();
        assert_eq!(n, 5);
        assert_eq!(head, log[4].hash);
        assert_eq!(verify(&log, Some(log[2].hash)).unwrap().0, 5);
        assert_eq!(verify(&[], None).unwrap(), (0, Hash::GENESIS));
        assert!(log[0].at.ends_with('Z'));
        assert_eq!(log[0].summary, r#"{"years":[2027]}"#);
    }

    #[test]
    fn edits_deletions_and_insertions_are_found() {
        let log = chain(5);
        let mut edited = log.clone();
        edited[2].object = "放假安排 99".into();
        assert_eq!(verify(&edited, None), Err(Break::Edited { seq: 3 }));

        let mut deleted = log.clone();
        deleted.remove(2);
        assert_eq!(
            verify(&deleted, None),
            Err(Break::Gap {
                seq: 4,
                expected: 3
            })
        );
        // Deleted and renumbered, with the hash recomputed: the link to the previous breaks.
        for (i, e) in deleted.iter_mut().enumerate().skip(2) {
            e.seq = i as i64 + 1;
            e.hash = entry_hash(e);
        }
        assert_eq!(
            verify(&deleted, None),
            Err(Break::Unlinked {
                seq: 3,
                previous: 2
            })
        );

        let mut inserted = log.clone();
        let mut fake = log[1].clone();
        fake.seq = 3;
        fake.hash = entry_hash(&fake);
        inserted.insert(2, fake);
        for (i, e) in inserted.iter_mut().enumerate().skip(3) {
            e.seq = i as i64 + 1;
            e.hash = entry_hash(e);
        }
        assert_eq!(
            verify(&inserted, None),
            Err(Break::Unlinked {
                seq: 3,
                previous: 2
            })
        );
    }

    #[test]
    fn entries_removed_from_the_end_are_found_only_with_the_head() {
        let log = chain(5);
        let head = log[4].hash;
        let cut = &log[..3];
        assert!(verify(cut, None).is_ok());
        assert_eq!(
            verify(cut, Some(head)),
            Err(Break::HeadMissing { head, entries: 3 })
        );
    }

    #[test]
    fn hashes_print_and_parse() {
        let h = chain(1)[0].hash;
        assert_eq!(h.to_string().len(), 64);
        assert_eq!(h.to_string().parse::<Hash>().unwrap(), h);
        assert!("xyz".parse::<Hash>().is_err());
        assert!("é".repeat(32).parse::<Hash>().is_err());
    }

    #[test]
    fn personal_data_is_a_keyed_pseudonym() {
        let a = Pseudonyms::new(b"key one");
        let b = Pseudonyms::new(b"key two");
        assert_eq!(a.of("张三"), a.of("张三"));
        assert_ne!(a.of("张三"), a.of("李四"));
        assert_ne!(a.of("张三"), b.of("张三"));
        assert!(a.of("张三").starts_with("hmac:"));
        assert!(!format!("{a:?}").contains("key"));
        let grant = Scope::operator(Actor::new("x").unwrap())
            .installation()
            .unwrap();
        let mut d = Draft::new(&grant, "request.amend", "申请 1");
        d.set_personal("applicant", "张三");
        let e = d.seal(
            1,
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            Hash::GENESIS,
        );
        assert!(!e.summary.contains("张三"));
        assert!(e.summary.contains("***"));
    }
}
