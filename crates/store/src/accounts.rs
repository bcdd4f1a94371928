//! Accounts of the web platform: users with their roles on agencies, login sessions, API
//! tokens, and the counters that throttle password guessing. Everything lives in the database,
//! so that any number of `gongkai serve` processes on one PostgreSQL share it and a session
//! survives a restart (`docs/web.md` §5).
//!
//! The store keeps what it is given: password hashes (Argon2id PHC strings, made by the
//! services), and for sessions and tokens only the SHA-256 of the secret the browser or client
//! holds, so that a copy of the database opens no account.

use crate::{Draft, Result};
use chrono::{DateTime, Utc};
use gongkai_access::Role;
use gongkai_cases::AgencyId;
use std::future::Future;

/// An account's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

/// An account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// The login name; unique; also the actor recorded with the account's writes.
    pub name: String,
    /// A disabled account cannot log in, and its sessions and tokens no longer work.
    pub disabled: bool,
    pub created: DateTime<Utc>,
    /// Its roles, each on an agency, ordered by agency then role.
    pub roles: Vec<(AgencyId, Role)>,
    /// Where its daily digest of due and overdue requests is sent (`gongkai remind`), if
    /// anywhere.
    pub email: Option<String>,
}

/// What a login checks: the account, its password hash and its lockout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: User,
    /// The Argon2id hash in PHC string form.
    pub password_hash: String,
    /// Failed logins since the last successful one.
    pub failed_logins: u32,
    /// No login is accepted before this moment (a temporary lockout after repeated failures).
    pub locked_until: Option<DateTime<Utc>>,
}

/// A login session, found by the SHA-256 of its cookie's secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    /// The token every state-changing form of the session must carry (CSRF), random, stored
    /// as is (it is no credential by itself).
    pub csrf: String,
    pub created: DateTime<Utc>,
    /// The last request seen: the idle timeout counts from it.
    pub last_seen: DateTime<Utc>,
}

/// An API token's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenId(pub i64);

/// An API token (the secret itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: TokenId,
    pub user: UserId,
    pub created: DateTime<Utc>,
    /// After this moment the token no longer works; `None`: until revoked.
    pub expires: Option<DateTime<Utc>>,
    /// The first 8 hexadecimal characters of the token's SHA-256, to tell tokens apart in a
    /// listing and to revoke one.
    pub prefix: String,
}

/// What an `Idempotency-Key` already stands for (docs/web.md §2: the same key with the same
/// body answers the first response again and creates nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// The key was free: it now stands for this call, whose answer is to be recorded.
    New,
    /// An earlier call took it and its answer was never recorded: it is still running, or its
    /// process died while it ran (whether its write happened is then unknown).
    Running { request_hash: String },
    /// An earlier call's answer.
    Answered {
        request_hash: String,
        status: u16,
        body: String,
    },
}

/// Users, roles, sessions and tokens.
pub trait Accounts: Send + Sync {
    /// Creates an account with a password hash and, when given, its first role on an agency,
    /// in one transaction (one audit entry). Names are unique ([`crate::StoreError::Conflict`]);
    /// the agency must exist ([`crate::StoreError::NotFound`]).
    fn create_user(
        &self,
        name: &str,
        password_hash: &str,
        role: Option<(AgencyId, Role)>,
        audit: Draft,
    ) -> impl Future<Output = Result<User>> + Send;

    /// The account of this name, if any.
    fn user_by_name(&self, name: &str) -> impl Future<Output = Result<Option<User>>> + Send;

    /// The account with this id, if any.
    fn user(&self, id: UserId) -> impl Future<Output = Result<Option<User>>> + Send;

    /// Every account, ordered by name.
    fn users(&self) -> impl Future<Output = Result<Vec<User>>> + Send;

    /// Grants a role on an agency (both must exist: [`crate::StoreError::NotFound`]).
    /// Granting a role the account already holds there changes nothing.
    fn grant_role(
        &self,
        user: UserId,
        agency: AgencyId,
        role: Role,
        audit: Draft,
    ) -> impl Future<Output = Result<User>> + Send;

    /// Takes a role back ([`crate::StoreError::NotFound`] when the account does not hold it
    /// there).
    fn revoke_role(
        &self,
        user: UserId,
        agency: AgencyId,
        role: Role,
        audit: Draft,
    ) -> impl Future<Output = Result<User>> + Send;

    /// Disables or re-enables an account. Disabling ends its sessions (they are deleted) and
    /// its tokens stop working.
    fn set_disabled(
        &self,
        user: UserId,
        disabled: bool,
        audit: Draft,
    ) -> impl Future<Output = Result<User>> + Send;

    /// Sets a new password hash, clears the lockout, and ends every session of the account
    /// but `keep` (the session that changed its own password stays logged in).
    fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep: Option<&[u8; 32]>,
        audit: Draft,
    ) -> impl Future<Output = Result<()>> + Send;

    /// What a login by this name checks, if the account exists.
    fn credentials(&self, name: &str) -> impl Future<Output = Result<Option<Credentials>>> + Send;

    /// Records a failed login: the counter goes up by one, and `lock_until` (when given) is
    /// stored as the lockout. Returns the new count. Not audited (not a change of records).
    fn login_failed(
        &self,
        user: UserId,
        lock_until: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<u32>> + Send;

    /// Starts a session after a successful login: the failure counter and lockout are cleared
    /// and a session stored under the SHA-256 of its secret, created and last seen `now`.
    fn create_session(
        &self,
        user: UserId,
        secret_hash: &[u8; 32],
        csrf: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The session stored under this hash, if any, with its account (disabled or not: the
    /// caller decides).
    fn session(
        &self,
        secret_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<Session>>> + Send;

    /// Records that a session was used at `now` (the idle timeout counts from it).
    fn touch_session(
        &self,
        secret_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Ends a session (logout, or found expired). Ending one that does not exist is not an error.
    fn delete_session(&self, secret_hash: &[u8; 32]) -> impl Future<Output = Result<()>> + Send;

    /// Deletes every session created before `created_before` or last seen before
    /// `seen_before`; returns how many.
    fn purge_sessions(
        &self,
        created_before: DateTime<Utc>,
        seen_before: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64>> + Send;

    /// Stores a new API token of an account under the SHA-256 of its secret.
    fn create_token(
        &self,
        user: UserId,
        secret_hash: &[u8; 32],
        expires: Option<DateTime<Utc>>,
        audit: Draft,
    ) -> impl Future<Output = Result<ApiToken>> + Send;

    /// The token stored under this hash, if any, with its account.
    fn token(
        &self,
        secret_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<(ApiToken, User)>>> + Send;

    /// An account's tokens, newest first.
    fn tokens_of(&self, user: UserId) -> impl Future<Output = Result<Vec<ApiToken>>> + Send;

    /// Deletes a token ([`crate::StoreError::NotFound`] if it does not exist).
    fn revoke_token(&self, id: TokenId, audit: Draft) -> impl Future<Output = Result<()>> + Send;

    /// Takes the `Idempotency-Key` `key` of `user` for a call whose body hashes to
    /// `request_hash`, unless an earlier call holds it: then what that call left. Keys taken
    /// before `forget_before` are forgotten first. Taking is atomic: of two calls with one key
    /// at once, exactly one gets [`KeyClaim::New`].
    fn claim_key(
        &self,
        user: UserId,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> impl Future<Output = Result<KeyClaim>> + Send;

    /// Records the answer of the call that holds the key.
    fn answer_key(
        &self,
        user: UserId,
        key: &str,
        status: u16,
        body: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Frees a key whose call wrote nothing (it failed before its transaction committed), so
    /// that a retry runs again.
    fn release_key(&self, user: UserId, key: &str) -> impl Future<Output = Result<()>> + Send;

    /// Sets (or, with `None`, clears) the account's e-mail address.
    fn set_email(
        &self,
        user: UserId,
        email: Option<&str>,
        audit: Draft,
    ) -> impl Future<Output = Result<User>> + Send;

    /// Stores the account's calendar feed under the SHA-256 of its secret token, replacing the
    /// feed it had (a rotation: the old address stops working). Returns when it was created.
    fn set_feed(
        &self,
        user: UserId,
        secret_hash: &[u8; 32],
        audit: Draft,
    ) -> impl Future<Output = Result<DateTime<Utc>>> + Send;

    /// Deletes the account's calendar feed ([`crate::StoreError::NotFound`] when it has none).
    fn revoke_feed(&self, user: UserId, audit: Draft) -> impl Future<Output = Result<()>> + Send;

    /// The account whose feed is stored under this hash, if any (disabled or not: the caller
    /// decides).
    fn feed_user(
        &self,
        secret_hash: &[u8; 32],
    ) -> impl Future<Output = Result<Option<User>>> + Send;

    /// When the account's calendar feed was created, if it has one.
    fn feed_of(&self, user: UserId) -> impl Future<Output = Result<Option<DateTime<Utc>>>> + Send;
}
