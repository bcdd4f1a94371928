//! Accounts of the web platform: users and their roles (managed by admins of a subtree, or the
//! operator on the command line), API tokens, and the login, session and token checks that
//! turn a browser cookie or a bearer token into a [`Scope`].
//!
//! Passwords are hashed with Argon2id (the OWASP parameters, the `argon2` crate's default: 19
//! MiB, 2 passes); sessions and tokens are random 256-bit secrets of which the store keeps only
//! the SHA-256. A login by a name that does not exist still verifies a hash, so that timing does
//! not tell which names exist; repeated failures lock the account for a while.

use crate::{Capability, Ctx, Result, ServiceError};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use gongkai_access::{AccessError, Actor, Role, Scope};
use gongkai_cases::Agency;
use gongkai_store::Store;
use gongkai_store::accounts::{Accounts, ApiToken, KeyClaim, User, UserId};
use sha2::{Digest, Sha256};

/// How stale a session's `last_seen` may grow before a use records it again.
const SESSION_TOUCH_SECONDS: i64 = 60;

/// How long an `Idempotency-Key`'s answer is kept: a day, as clients expect of such keys.
pub const IDEMPOTENCY_HOURS: i64 = 24;

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest: Argon2 takes any length, but a megabyte "password" is an attack on the CPU.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// How logins and sessions behave (from the `[server]` configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session unused this long ends.
    pub idle: Duration,
    /// A session ends this long after login.
    pub absolute: Duration,
    /// Failed logins in a row that lock the account.
    pub max_failures: u32,
    /// How long a locked account stays locked.
    pub lockout: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
            max_failures: 5,
            lockout: Duration::minutes(15),
        }
    }
}

/// A new random secret (a session cookie's, a token's): 256 bits as 64 hexadecimal characters.
pub(crate) fn new_secret() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Invalid(format!("系统随机数不可用：{e}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the store keeps of a secret.
pub fn secret_hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Runs a password's Argon2id computation (some tens of milliseconds and 19 MiB) on the
/// blocking threads, at most [`ARGON2_AT_ONCE`] at a time: on the async threads a few logins at
/// once would stall every other request of the server, and a flood of them would take its
/// memory.
async fn argon2<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    static PERMITS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(ARGON2_AT_ONCE);
    let _permit = PERMITS
        .acquire()
        .await
        .map_err(|e| ServiceError::Invalid(format!("无法校验密码：{e}")))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ServiceError::Invalid(format!("无法校验密码：{e}")))
}

/// Password computations at once, per process.
const ARGON2_AT_ONCE: usize = 4;

/// [`hash_password`] off the async threads.
async fn hash_password_async(password: &str) -> Result<String> {
    let password = password.to_owned();
    argon2(move || hash_password(&password)).await?
}

/// [`verify_password`] off the async threads.
async fn verify_password_async(password: &str, hash: &str) -> Result<bool> {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    argon2(move || verify_password(&password, &hash)).await
}

/// The Argon2id hash of a password in PHC form, after the length rules.
pub fn hash_password(password: &str) -> Result<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(ServiceError::Invalid(format!(
            "密码至少需要 {MIN_PASSWORD_CHARS} 个字符"
        )));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(ServiceError::Invalid(format!(
            "密码不能超过 {MAX_PASSWORD_CHARS} 个字符"
        )));
    }
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| ServiceError::Invalid(format!("系统随机数不可用：{e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| ServiceError::Invalid(format!("无法生成密码盐：{e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Invalid(format!("无法计算密码哈希：{e}")))
}

/// Whether `password` matches a stored PHC hash (a malformed hash matches nothing).
fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash no password matches, verified when the name is unknown so that a failed login takes
/// as long whether the account exists or not.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0dpL6kpUUu5eh0aMJCCcbyWxPPMBmzB4JDGYp9rD3Gg";

/// The scope of an account: its roles, with its name as the actor of its writes.
pub fn scope_of(user: &User) -> Result<Scope> {
    Ok(Scope::roles(Actor::new(&user.name)?, user.roles.clone()))
}

/// A successful login: the cookie's secret and the session's CSRF token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedIn {
    pub user: User,
    /// Goes into the session cookie, and nowhere else.
    pub secret: String,
    /// Goes into every form of the session.
    pub csrf: String,
}

/// Why a login failed. One message for a wrong name and a wrong password, so that the answer
/// does not tell which names exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("用户名或密码不正确")]
    Wrong,
    /// Locked after repeated failures, until this moment.
    #[error("登录失败次数过多，账号已暂时锁定，请于北京时间 {} 之后再试", china_time(.0))]
    Locked(DateTime<Utc>),
    #[error("账号已停用，请联系管理员")]
    Disabled,
}

/// A moment as the clock on an officer's wall shows it (UTC+8).
fn china_time(at: &DateTime<Utc>) -> String {
    chrono::FixedOffset::east_opt(8 * 3600)
        .map(|tz| at.with_timezone(&tz).format("%H:%M").to_string())
        .unwrap_or_default()
}

/// The checks that need no scope: a login, a session cookie, a bearer token.
#[derive(Debug, Clone, Copy)]
pub struct Auth<'a, S> {
    pub store: &'a S,
    pub policy: SessionPolicy,
}

impl<'a, S: Store + Accounts> Auth<'a, S> {
    pub fn new(store: &'a S, policy: SessionPolicy) -> Self {
        Auth { store, policy }
    }

    /// Checks a name and password at `now` and starts a session.
    pub async fn login(
        &self,
        name: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<LoggedIn, LoginError>> {
        let Some(cred) = self.store.credentials(name.trim()).await? else {
            verify_password_async(password, DECOY_HASH).await?;
            return Ok(Err(LoginError::Wrong));
        };
        if let Some(until) = cred.locked_until
            && until > now
        {
            return Ok(Err(LoginError::Locked(until)));
        }
        if !verify_password_async(password, &cred.password_hash).await? {
            let lock = (cred.failed_logins + 1 >= self.policy.max_failures)
                .then(|| now + self.policy.lockout);
            self.store.login_failed(cred.user.id, lock).await?;
            return Ok(Err(match lock {
                Some(until) => LoginError::Locked(until),
                None => LoginError::Wrong,
            }));
        }
        if cred.user.disabled {
            return Ok(Err(LoginError::Disabled));
        }
        let secret = new_secret()?;
        let csrf = new_secret()?;
        self.store
            .create_session(cred.user.id, &secret_hash(&secret), &csrf, now)
            .await?;
        Ok(Ok(LoggedIn {
            user: cred.user,
            secret,
            csrf,
        }))
    }

    /// The account and CSRF token of a session cookie's secret, if the session is still valid
    /// at `now` (not idle too long, not too old, account enabled); an expired session is
    /// deleted. A valid one is marked as used.
    pub async fn session(
        &self,
        secret: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(User, String)>> {
        let hash = secret_hash(secret);
        let Some(session) = self.store.session(&hash).await? else {
            return Ok(None);
        };
        let expired = now - session.last_seen > self.policy.idle
            || now - session.created > self.policy.absolute;
        if expired || session.user.disabled {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        // Marked at most once a minute: every page a user opens would otherwise be a write (a
        // commit, an fsync) of its own. The idle timeout is then kept to within that minute.
        if now - session.last_seen >= Duration::seconds(SESSION_TOUCH_SECONDS) {
            self.store.touch_session(&hash, now).await?;
        }
        Ok(Some((session.user, session.csrf)))
    }

    /// Ends a session.
    pub async fn logout(&self, secret: &str) -> Result<()> {
        Ok(self.store.delete_session(&secret_hash(secret)).await?)
    }

    /// The account of a bearer token, if the token exists, has not expired at `now` and its
    /// account is enabled.
    pub async fn token(&self, secret: &str, now: DateTime<Utc>) -> Result<Option<User>> {
        Ok(self
            .store
            .token(&secret_hash(secret))
            .await?
            .filter(|(t, u)| !u.disabled && t.expires.is_none_or(|e| e > now))
            .map(|(_, u)| u))
    }
}

/// The account names accepted: an actor's rules (they are the actor of the account's writes).
fn user_name(name: &str) -> Result<String> {
    Ok(Actor::new(name)?.name().to_owned())
}

impl<S: Store + Accounts> Ctx<'_, S> {
    /// Every agency an account's role is on, to check that the scope administers all of them.
    async fn administers(&self, user: &User) -> Result<()> {
        if self.scope.is_operator() {
            return Ok(());
        }
        let tree = self.tree().await?;
        for (agency, _) in &user.roles {
            let Some(a) = tree.iter().find(|a| a.id == *agency) else {
                continue;
            };
            self.scope.agency(a, &tree, Capability::Administer)?;
        }
        // An account without roles belongs to whoever may create accounts at all.
        if user.roles.is_empty() && !self.scope.granted().iter().any(|(_, r)| *r == Role::Admin) {
            return Err(AccessError::NotOperator {
                actor: self.scope.actor().to_string(),
            }
            .into());
        }
        Ok(())
    }

    /// An account by name, which the scope must administer.
    pub(crate) async fn managed_user(&self, name: &str) -> Result<User> {
        let user = self
            .store
            .user_by_name(name.trim())
            .await?
            .ok_or_else(|| ServiceError::Invalid(format!("没有名为“{}”的用户", name.trim())))?;
        self.administers(&user).await?;
        Ok(user)
    }

    /// The agency a role is granted on, which the scope must administer.
    async fn role_agency(&self, agency: &str) -> Result<(Agency, gongkai_access::Grant)> {
        let agency = self.agency(agency).await?;
        let grant = self.grant(&agency, Capability::Administer).await?;
        Ok((agency, grant))
    }

    /// Creates an account with a password and its first role on an agency.
    pub async fn add_user(
        &self,
        name: &str,
        password: &str,
        agency: &str,
        role: Role,
    ) -> Result<User> {
        let name = user_name(name)?;
        let (agency, grant) = self.role_agency(agency).await?;
        let hash = hash_password_async(password).await?;
        let mut audit = self
            .draft(&grant, "user.add", format!("用户 {name}"))
            .await?;
        audit.set("role", role.as_str());
        Ok(self
            .store
            .create_user(&name, &hash, Some((agency.id, role)), audit)
            .await?)
    }

    /// Grants a role on an agency (and its subtree).
    pub async fn grant_role(&self, name: &str, agency: &str, role: Role) -> Result<User> {
        let (agency, grant) = self.role_agency(agency).await?;
        let user = self
            .store
            .user_by_name(name.trim())
            .await?
            .ok_or_else(|| ServiceError::Invalid(format!("没有名为“{}”的用户", name.trim())))?;
        let audit = self
            .draft(&grant, "user.grant", format!("用户 {}", user.name))
            .await?;
        Ok(self
            .store
            .grant_role(user.id, agency.id, role, audit)
            .await?)
    }

    /// Takes a role back.
    pub async fn revoke_role(&self, name: &str, agency: &str, role: Role) -> Result<User> {
        let (agency, grant) = self.role_agency(agency).await?;
        let user = self.managed_user(name).await?;
        let audit = self
            .draft(&grant, "user.revoke", format!("用户 {}", user.name))
            .await?;
        Ok(self
            .store
            .revoke_role(user.id, agency.id, role, audit)
            .await?)
    }

    /// The audit grant of a change to an account itself: on the first agency it holds a role
    /// on, or installation-wide for an account without roles.
    pub(crate) async fn account_grant(&self, user: &User) -> Result<gongkai_access::Grant> {
        let tree = self.tree().await?;
        match user
            .roles
            .iter()
            .find_map(|(id, _)| tree.iter().find(|a| a.id == *id))
        {
            Some(agency) => Ok(self.scope.agency(agency, &tree, Capability::Administer)?),
            None => Ok(self.scope.installation()?),
        }
    }

    /// Disables (or re-enables) an account: it can no longer log in, its sessions end and its
    /// tokens stop working.
    pub async fn set_user_disabled(&self, name: &str, disabled: bool) -> Result<User> {
        let user = self.managed_user(name).await?;
        let grant = self.account_grant(&user).await?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        let audit = self
            .draft(&grant, action, format!("用户 {}", user.name))
            .await?;
        Ok(self.store.set_disabled(user.id, disabled, audit).await?)
    }

    /// An admin sets a new password for an account (every session of it ends).
    pub async fn reset_password(&self, name: &str, password: &str) -> Result<()> {
        let user = self.managed_user(name).await?;
        let hash = hash_password_async(password).await?;
        let grant = self.account_grant(&user).await?;
        let audit = self
            .draft(&grant, "user.reset_password", format!("用户 {}", user.name))
            .await?;
        Ok(self.store.set_password(user.id, &hash, None, audit).await?)
    }

    /// The logged-in account changes its own password, giving the current one; its other
    /// sessions end, the one in `keep` stays.
    pub async fn change_password(
        &self,
        current: &str,
        new: &str,
        keep: Option<&str>,
    ) -> Result<()> {
        let name = self.scope.actor().name().to_owned();
        let cred = self
            .store
            .credentials(&name)
            .await?
            .ok_or_else(|| ServiceError::Invalid("当前账号不存在".into()))?;
        if !verify_password_async(current, &cred.password_hash).await? {
            return Err(ServiceError::Invalid("当前密码不正确".into()));
        }
        let hash = hash_password_async(new).await?;
        let grant = self.own_grant()?;
        let audit = self
            .draft(&grant, "user.change_password", format!("用户 {name}"))
            .await?;
        let keep = keep.map(secret_hash);
        Ok(self
            .store
            .set_password(cred.user.id, &hash, keep.as_ref(), audit)
            .await?)
    }

    /// The grant of a change an account makes to itself.
    fn own_grant(&self) -> Result<gongkai_access::Grant> {
        Ok(self.scope.own_account())
    }

    /// The accounts the scope administers (every one for the operator), by name.
    pub async fn list_users(&self) -> Result<Vec<User>> {
        let mut out = Vec::new();
        for user in self.store.users().await? {
            if self.administers(&user).await.is_ok() {
                out.push(user);
            }
        }
        Ok(out)
    }

    /// Takes the `Idempotency-Key` `key` of `user` for the call `operation` with `body`, or tells
    /// what an earlier call with it left (docs/web.md §2). A key is remembered for
    /// [`IDEMPOTENCY_HOURS`]; the body is compared by its SHA-256.
    pub async fn claim_idempotency_key(
        &self,
        user: UserId,
        key: &str,
        operation: &str,
        body: &[u8],
    ) -> Result<(KeyClaim, String)> {
        let mut hash = Sha256::new();
        hash.update(operation.as_bytes());
        hash.update([0]);
        hash.update(body);
        let request_hash = gongkai_audit::Hash(hash.finalize().into()).to_string();
        let now = Utc::now();
        let claim = self
            .store
            .claim_key(
                user,
                key,
                &request_hash,
                now,
                now - Duration::hours(IDEMPOTENCY_HOURS),
            )
            .await?;
        Ok((claim, request_hash))
    }

    /// Records the answer of the call holding the key; or, when the call wrote nothing
    /// (`answer` is `None`), frees the key for a retry.
    pub async fn settle_idempotency_key(
        &self,
        user: UserId,
        key: &str,
        answer: Option<(u16, &str)>,
    ) -> Result<()> {
        match answer {
            Some((status, body)) => self.store.answer_key(user, key, status, body).await?,
            None => self.store.release_key(user, key).await?,
        }
        Ok(())
    }

    /// A new API token for an account, valid `days` days (`None`: until revoked). Returns the
    /// secret, shown once and never stored.
    pub async fn create_token(
        &self,
        name: &str,
        days: Option<u32>,
        now: DateTime<Utc>,
    ) -> Result<(String, ApiToken)> {
        let user = self.managed_user(name).await?;
        let grant = self.account_grant(&user).await?;
        let secret = new_secret()?;
        let expires = days.map(|d| now + Duration::days(i64::from(d)));
        let mut audit = self
            .draft(&grant, "token.create", format!("用户 {}", user.name))
            .await?;
        if let Some(d) = days {
            audit.set("days", d);
        }
        let token = self
            .store
            .create_token(user.id, &secret_hash(&secret), expires, audit)
            .await?;
        Ok((secret, token))
    }

    /// Revokes an account's token, named by the first characters of its hash as listed.
    pub async fn revoke_token(&self, name: &str, prefix: &str) -> Result<ApiToken> {
        let user = self.managed_user(name).await?;
        let prefix = prefix.trim().to_ascii_lowercase();
        let tokens = self.store.tokens_of(user.id).await?;
        let mut matching = tokens.into_iter().filter(|t| t.prefix.starts_with(&prefix));
        let token = match (prefix.len() >= 4, matching.next(), matching.next()) {
            (true, Some(t), None) => t,
            (true, Some(_), Some(_)) => {
                return Err(ServiceError::Invalid(format!(
                    "有多个令牌以 {prefix} 开头，请给出更多字符"
                )));
            }
            _ => {
                return Err(ServiceError::Invalid(format!(
                    "用户 {} 没有以 {prefix} 开头的令牌（至少给出 4 个字符）",
                    user.name
                )));
            }
        };
        let grant = self.account_grant(&user).await?;
        let audit = self
            .draft(&grant, "token.revoke", format!("用户 {}", user.name))
            .await?;
        self.store.revoke_token(token.id, audit).await?;
        Ok(token)
    }

    /// An account's tokens, newest first.
    pub async fn tokens(&self, name: &str) -> Result<Vec<ApiToken>> {
        let user = self.managed_user(name).await?;
        Ok(self.store.tokens_of(user.id).await?)
    }

    /// The account with this id, if the scope administers it.
    pub async fn user(&self, id: UserId) -> Result<Option<User>> {
        match self.store.user(id).await? {
            Some(u) if self.administers(&u).await.is_ok() => Ok(Some(u)),
            _ => Ok(None),
        }
    }
}
