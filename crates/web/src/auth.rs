//! 身份与权限: who is asking (the signed-in principal) and over what (their scope).
//! A session comes from the `lz_session` cookie (pages) or an `Authorization: Bearer` token (API).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use lianzheng_core::crypto::sm3_hex;
use lianzheng_core::org::{Permission, Role, Scope};
use lianzheng_store::audit::Actor;
use lianzheng_store::sessions::{self, Session};
use lianzheng_store::users::{self, Grant, User};
use lianzheng_store::now;

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

/// The client address: the first `X-Forwarded-For` hop when a proxy in front sets it, else the peer.
pub fn client_ip(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|s| s.split(',').next())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s.len() < 64)
}

/// The client address as an extractor (sign-in handlers, which have no principal yet).
pub struct ClientAddr(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(peer_ip(parts)))
    }
}

/// Who is behind a request's token, without the session checks of the extractor: for logging
/// a refused request. None without a live session.
pub async fn actor_of(st: &AppState, headers: &HeaderMap) -> Option<Actor> {
    let (token, _) = request_token(headers)?;
    let hash = token_hash(&token);
    if let Some(p) = st.caches.principals.get(&hash) {
        return Some(p.actor());
    }
    let session = sessions::get(&st.db, &hash).await.ok()??;
    let user = users::get(&st.db, session.user_id).await.ok()??;
    Some(Actor { user_id: Some(user.id), name: format!("{}（{}）", user.display_name, user.username), ip: None })
}

fn peer_ip(parts: &Parts) -> Option<String> {
    client_ip(&parts.headers).or_else(|| parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip().to_string()))
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
        Actor { user_id: Some(self.user.id), name: format!("{}（{}）", self.user.display_name, self.user.username), ip: self.ip.clone() }
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
    let hash = token_hash(&token);
    let cache = &st.caches.principals;
    let ticket = cache.ticket();
    let (mut p, fresh) = match cache.get(&hash) {
        Some(p) => (p, false),
        None => {
            let session = sessions::get(&st.db, &hash).await?.ok_or(AppError::Unauthorized)?;
            let user = users::get(&st.db, session.user_id).await?.ok_or(AppError::Unauthorized)?;
            let grants = users::grants_of(&st.db, user.id).await?;
            (Principal { user, grants, session, ip: None }, true)
        }
    };
    // the session's clocks are checked on every request, cached or not
    let t = now();
    let idle = p.session.kind == "web" && t - p.session.last_seen_at > st.policy.idle_timeout_minutes * 60;
    if p.session.expires_at < t || idle || p.user.disabled {
        cache.remove(&hash);
        if !p.user.disabled {
            sessions::delete(&st.db, &hash).await?;
        }
        return Err(AppError::Unauthorized);
    }
    // one write a minute at most per session
    let touch = p.session.kind == "web" && t - p.session.last_seen_at >= 60;
    if touch {
        sessions::touch(&st.db, &hash, t).await?;
        p.session.last_seen_at = t;
    }
    if touch || fresh {
        cache.insert(hash, ticket, p.clone());
    }
    p.ip = peer_ip(parts);
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
        if p.user.must_change_password {
            return Err(AppError::Gate { page: "/account/password", message: "请先修改初始密码".into() });
        }
        if p.needs_second_factor(st) {
            let page = if p.user.totp_enabled { "/login/totp" } else { "/account/totp" };
            return Err(AppError::Gate { page, message: "管理员账号须先完成双因素认证".into() });
        }
        Ok(p)
    }
}

/// A session just opened.
pub struct SignedIn {
    pub token: String,
    pub user: User,
    pub second_factor_ok: bool,
}

/// Checks a username and password (and a TOTP code when given) and opens a session of `kind`
/// ("web" or "api"). Failures count towards lockout; every outcome is audited.
pub async fn sign_in(st: &AppState, username: &str, password: &str, totp_code: Option<&str>, kind: &str, ip: Option<String>) -> Result<SignedIn, AppError> {
    let limiter_key = format!("login:{}", ip.as_deref().unwrap_or("-"));
    if !st.limiter.check(&limiter_key, st.policy.login_rate_per_minute) {
        return Err(AppError::TooManyRequests);
    }
    let bad = || AppError::invalid("用户名或密码错误");
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        return Err(AppError::invalid("请输入用户名和密码"));
    }
    let Some(user) = users::get_by_username(&st.db, username).await? else {
        // same work as a real check, so timing does not tell which usernames exist
        let _ = st.hasher.hash(password);
        return Err(bad());
    };
    let actor = Actor { user_id: Some(user.id), name: format!("{}（{}）", user.display_name, user.username), ip: ip.clone() };
    let t = now();
    if let Some(until) = user.locked_until
        && until > t
    {
        let minutes = (until - t + 59) / 60;
        return Err(AppError::invalid(format!("账号已锁定，请{minutes}分钟后再试，或联系系统管理员解锁")));
    }
    if user.disabled {
        return Err(AppError::invalid("账号已停用，请联系系统管理员"));
    }
    if !st.hasher.verify(password, &user.password_hash) {
        let mut tx = st.db.begin().await?;
        let locked = users::record_failure(&mut tx, &actor, user.id, st.policy.lockout_attempts, st.policy.lockout_minutes * 60).await?;
        tx.commit().await?;
        return Err(if locked {
            AppError::invalid(format!("密码连续错误{}次，账号已锁定{}分钟", st.policy.lockout_attempts, st.policy.lockout_minutes))
        } else {
            bad()
        });
    }
    let mut second_factor_ok = false;
    if user.totp_enabled
        && let Some(code) = totp_code.filter(|c| !c.trim().is_empty())
    {
        if !verify_totp(st, &user, code)? {
            let mut tx = st.db.begin().await?;
            users::record_failure(&mut tx, &actor, user.id, st.policy.lockout_attempts, st.policy.lockout_minutes * 60).await?;
            tx.commit().await?;
            return Err(AppError::field("totp", "动态验证码错误"));
        }
        second_factor_ok = true;
    }
    if kind == "api" && user.totp_enabled && !second_factor_ok {
        return Err(AppError::field("totp", "该账号已开启双因素认证，请提供动态验证码 totp"));
    }
    let mut tx = st.db.begin().await?;
    users::record_login(&mut tx, &actor, user.id).await?;
    tx.commit().await?;
    let (token, hash) = new_token();
    let (csrf, _) = new_token();
    let ttl = if kind == "api" { st.policy.api_token_hours } else { st.policy.session_hours } * 3600;
    sessions::create(&st.db, &hash, user.id, kind, &csrf, second_factor_ok, ttl, ip).await?;
    Ok(SignedIn { token, user, second_factor_ok })
}

pub fn verify_totp(st: &AppState, user: &User, code: &str) -> Result<bool, AppError> {
    let Some(enc) = &user.totp_secret_enc else { return Ok(false) };
    let secret = lianzheng_core::crypto::decrypt_str(st.crypto.as_ref(), enc).map_err(|e| AppError::Internal(format!("TOTP 密钥解密失败：{e}")))?;
    let t = u64::try_from(now()).unwrap_or(0);
    Ok(lianzheng_core::totp::verify(&secret, code, t))
}

/// `Set-Cookie` value for a session token (or to clear it).
pub fn session_cookie(st: &AppState, token: Option<&str>) -> String {
    let secure = if st.policy.secure_cookies { "; Secure" } else { "" };
    match token {
        Some(t) => format!("{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    }
}
