//! 身份与权限: who is asking (the signed-in principal) and over what (their scope).
//! A session comes from the `lz_session` cookie (pages) or an `Authorization: Bearer` token (API).

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use lianzheng_core::crypto::sm3_hex;
use lianzheng_core::org::{Permission, Role, Scope};
use lianzheng_store::audit::Actor;
use lianzheng_store::sessions::{self, Session};
use lianzheng_store::users::{self, Grant, User};

use crate::error::AppError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "lz_session";

/// A fresh random token (hex) and the hash that is stored.
pub fn new_token() -> (String, String) {
    let mut b = [0u8; 32];
    rand::fill(&mut b[..]);
    let token = hex::encode(b);
    let hash = sm3_hex(token.as_bytes());
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    sm3_hex(token.as_bytes())
}

/// The token a request carries, and whether it came as a cookie (then CSRF applies).
pub fn request_token(headers: &HeaderMap) -> Option<(String, bool)> {
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
        && let Some(t) = v.strip_prefix("Bearer ")
    {
        return Some((t.trim().to_string(), false));
    }
    cookie(headers, SESSION_COOKIE).map(|t| (t, true))
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    for v in headers.get_all(header::COOKIE) {
        let Ok(s) = v.to_str() else { continue };
        for part in s.split(';') {
            if let Some((k, val)) = part.trim().split_once('=')
                && k == name
            {
                return Some(val.to_string());
            }
        }
    }
    None
}

/// The client address. `X-Forwarded-For` is believed only when the peer itself is a configured
/// proxy (anyone else can write the header): its hops are read from the right, past the trusted
/// proxies, and the first other address is the client's. Without trusted proxies the header is
/// ignored and the peer is the client.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<String> {
    let peer = peer?.to_canonical();
    if !trusted.contains(&peer) {
        return Some(peer.to_string());
    }
    let hops: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|s| s.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // a hop that is not an address ends what can be believed
        let Ok(ip) = hop.parse::<IpAddr>() else { break };
        client = ip.to_canonical();
        if !trusted.contains(&client) {
            break;
        }
    }
    Some(client.to_string())
}

/// The client address as an extractor (sign-in handlers, which have no principal yet).
pub struct ClientAddr(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(peer_ip(parts, st)))
    }
}

/// An account as the audit log names it: "display name（username）".
pub fn user_actor(user: &User, ip: Option<String>) -> Actor {
    Actor { user_id: Some(user.id), name: format!("{}（{}）", user.display_name, user.username), ip }
}

/// Who is behind a request's token, without the session checks of the extractor: for logging
/// a refused request. None without a live session.
pub async fn actor_of_token(st: &AppState, token: &str) -> Option<Actor> {
    let hash = token_hash(token);
    if let Some(p) = st.caches.principals.get(&hash) {
        return Some(p.actor());
    }
    let session = sessions::get(&st.db, &hash).await.ok()??;
    let user = users::get(&st.db, session.user_id).await.ok()??;
    Some(user_actor(&user, None))
}

fn peer_ip(parts: &Parts, st: &AppState) -> Option<String> {
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    client_ip(peer, &parts.headers, &st.policy.trusted_proxies)
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub user: User,
    pub grants: Vec<Grant>,
    pub session: Session,
    pub ip: Option<String>,
}

impl Principal {
    pub fn roles(&self) -> Vec<Role> {
        let mut r: Vec<Role> = self.grants.iter().filter_map(Grant::role).collect();
        r.dedup();
        r
    }
    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role() == Some(role))
    }
    pub fn is_admin(&self) -> bool {
        self.roles().iter().any(|r| r.is_admin())
    }
    pub fn can(&self, perm: Permission) -> bool {
        self.grants.iter().filter_map(Grant::role).any(|r| perm.granted_to(r))
    }
    /// The scope over which the principal holds `perm`, or Forbidden.
    pub fn require(&self, perm: Permission) -> Result<Scope, AppError> {
        if !self.can(perm) {
            return Err(AppError::Forbidden);
        }
        let scope = users::scope_for(&self.grants, perm);
        if scope.is_empty() { Err(AppError::Forbidden) } else { Ok(scope) }
    }
    pub fn actor(&self) -> Actor {
        user_actor(&self.user, self.ip.clone())
    }
    /// Logs a read worth knowing about (a download, an export, a look-up by ID number). If the
    /// entry cannot be written the read is not served.
    pub async fn log_read(&self, st: &AppState, action: &str, entity: &str, entity_id: Option<String>, summary: serde_json::Value) -> Result<(), AppError> {
        lianzheng_store::audit::record_read(&st.db, &self.actor(), action, entity, entity_id, summary).await.map_err(AppError::from)
    }
    /// Admin roles must have passed a second factor in this session before doing anything.
    pub fn needs_second_factor(&self, st: &AppState) -> bool {
        !self.session.second_factor_ok && (self.user.totp_enabled || (st.policy.require_totp_for_admins && self.is_admin()))
    }
}

/// A principal who may still have to change the initial password or pass the second factor:
/// only the account pages take this.
pub struct PendingPrincipal(pub Principal);

async fn load(parts: &Parts, st: &AppState) -> Result<Principal, AppError> {
    let (token, _) = request_token(&parts.headers).ok_or(AppError::Unauthorized)?;
    let mut p = crate::app::account::load_principal(st, &token).await?;
    p.ip = peer_ip(parts, st);
    Ok(p)
}

impl FromRequestParts<AppState> for PendingPrincipal {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(p) = parts.extensions.get::<Principal>() {
            return Ok(PendingPrincipal(p.clone()));
        }
        let p = load(parts, st).await?;
        parts.extensions.insert(p.clone());
        Ok(PendingPrincipal(p))
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let PendingPrincipal(p) = PendingPrincipal::from_request_parts(parts, st).await?;
        match pending_gate(&p, st) {
            Some(gate) => Err(gate),
            None => Ok(p),
        }
    }
}

/// The page a signed-in person must pass before any other, if any. A bound second factor comes
/// first, also before a forced password change.
pub fn pending_gate(p: &Principal, st: &AppState) -> Option<AppError> {
    if p.user.totp_enabled && !p.session.second_factor_ok {
        return Some(AppError::Gate { page: "/login/totp", message: "请先输入动态验证码完成双因素认证".into() });
    }
    if p.user.must_change_password {
        return Some(AppError::Gate { page: "/account/password", message: "请先修改初始密码".into() });
    }
    if p.needs_second_factor(st) {
        return Some(AppError::Gate { page: "/account/totp", message: "管理员账号须先完成双因素认证".into() });
    }
    None
}

/// `Set-Cookie` value for a session token (or to clear it).
pub fn session_cookie(st: &AppState, token: Option<&str>) -> String {
    let secure = if st.policy.secure_cookies { "; Secure" } else { "" };
    match token {
        Some(t) => format!("{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}
