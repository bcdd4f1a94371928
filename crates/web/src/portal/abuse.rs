//! Abuse resistance of the public forms without outside services (issue 12 §5): per-address
//! rate limits shared by every server process (the counters live in the database), the form
//! token that makes a submission come from our own form page (the portal's CSRF protection:
//! there is no session to tie a token to), and the honeypot field a person never fills.

use super::public;
use crate::error::{WebError, WebResult};
use crate::{Shared, WebStore, now};
use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{IpAddr, SocketAddr};

/// The name of the honeypot field: hidden from people (and from screen readers), filled by
/// the robots that fill every field.
pub const HONEYPOT: &str = "website";

/// How long a form token is good for: an applicant may take a while over the form.
const TOKEN_HOURS: i64 = 12;

/// Who is asking, for the rate limits: the connection's address; behind the reverse proxies
/// of `server.trusted_proxies`, the address they name in `X-Forwarded-For` (the last one
/// that is not one of them: a client may write anything before it).
pub fn client<S>(app: &Shared<S>, parts: &Parts) -> String {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    client_behind(peer, &parts.headers, &app.options.trusted_proxies)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

fn client_behind(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let mut client = peer?;
    if !trusted.contains(&client) {
        return Some(client);
    }
    // Each proxy appends the address it was reached from: read from the right, past our own.
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    for address in forwarded.into_iter().rev() {
        client = address;
        if !trusted.contains(&address) {
            break;
        }
    }
    Some(client)
}

/// Counts one more `action` of `client` in this minute and refuses it past the configured
/// limit (`portal.rate_limit_per_minute`) with 429 and `Retry-After`.
pub async fn limit<S: WebStore>(app: &Shared<S>, action: &str, client: &str) -> WebResult<()> {
    let settings = app.settings();
    let hits = public(app, &settings)?
        .count_hit(action, client, now())
        .await?;
    if hits > app.options.rate_limit_per_minute {
        return Err(WebError::too_many(
            "提交过于频繁，请一分钟后再试（每个网络地址每分钟的次数有限）",
        ));
    }
    Ok(())
}

/// The key of the form tokens: the installation's key (the audit log's pseudonym key, which
/// the server holds from its start).
fn key<S>(app: &Shared<S>) -> Vec<u8> {
    app.options.settings.audit_key.clone().unwrap_or_default()
}

fn mac(key: &[u8], text: &str) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| <Hmac<Sha256> as Mac>::new_from_slice(b"-").expect("any key length"));
    m.update(text.as_bytes());
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new form token: random, with the time it was issued, signed with the installation's key.
/// It is also the submission's one-time token: the same form sent twice is stored once.
pub fn form_token<S>(app: &Shared<S>) -> WebResult<String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| WebError::internal(&e))?;
    let random: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let body = format!("{random}.{}", now().timestamp());
    Ok(format!("{body}.{}", mac(&key(app), &body)))
}

/// Checks a form token: ours, and issued within [`TOKEN_HOURS`].
pub fn check_token<S>(app: &Shared<S>, token: &str) -> WebResult<()> {
    let refused = || WebError::forbidden("表单已过期或来源不明，请重新打开申请页面填写");
    let (body, signature) = token.rsplit_once('.').ok_or_else(refused)?;
    let expected = mac(&key(app), body);
    if !crate::auth::same_secret(signature, &expected) {
        return Err(refused());
    }
    let issued: i64 = body
        .rsplit_once('.')
        .and_then(|(_, t)| t.parse().ok())
        .ok_or_else(refused)?;
    let age = now().timestamp() - issued;
    if !(0..=TOKEN_HOURS * 3600).contains(&age) {
        return Err(refused());
    }
    Ok(())
}

/// Refuses a public form posted from another site (`Sec-Fetch-Site` or `Origin`).
pub fn same_origin<S>(app: &Shared<S>, headers: &HeaderMap) -> WebResult<()> {
    if crate::auth::same_origin(headers, app.options.public_origin.as_deref()) {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "请求来源不是本网站的页面，已拒绝（跨站请求）",
        ))
    }
}

/// Refuses a submission whose honeypot field holds anything, answering like a bad form.
pub fn honeypot(value: Option<&str>) -> WebResult<()> {
    if value.is_some_and(|v| !v.trim().is_empty()) {
        return Err(WebError::invalid("提交的内容无法受理"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_client_is_named_by_trusted_proxies_only() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        let header = forwarded(&["6.6.6.6, 203.0.113.7", "10.0.0.3"]);
        // Straight from the client: its own address, whatever it writes.
        assert_eq!(
            client_behind(Some(ip("198.51.100.9")), &header, &trusted),
            Some(ip("198.51.100.9"))
        );
        // Through the proxies: the last address that is not one of them, not the forged one.
        assert_eq!(
            client_behind(Some(proxy), &header, &trusted),
            Some(ip("203.0.113.7"))
        );
        // A proxy that names nobody: the proxy itself.
        assert_eq!(
            client_behind(Some(proxy), &HeaderMap::new(), &trusted),
            Some(proxy)
        );
        // No proxy is trusted by default.
        assert_eq!(client_behind(Some(proxy), &header, &[]), Some(proxy));
        assert_eq!(client_behind(None, &header, &trusted), None);
    }
}
