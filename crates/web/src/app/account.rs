//! 账号与授权: sign-in and sign-out, the principal behind a token, the person's own password
//! and second factor, and the three admin roles' work on accounts (三员分立: the 系统管理员
//! keeps accounts, the 安全保密管理员 grants roles and approves password resets).
//!
//! Rules kept here (基座加固, item 5): a reset by the 系统管理员 takes effect only when the
//! 安全保密管理员 approves it; no administrator acts on another administrator's account; a
//! TOTP code counts toward lockout when wrong and is accepted once; a password change ends the
//! account's other sessions; API tokens have an idle timeout and a lifetime; argon2 runs on the
//! blocking pool, at most one per core.

pub use lianzheng_store::schema::ACCOUNT_TABLES as TABLES;
use std::sync::LazyLock;

use lianzheng_core::crypto::{decrypt_str, encrypt_str};
use lianzheng_core::ids::*;
use lianzheng_core::org::{Permission, Role, Scope};
use lianzheng_core::password::{check_policy, generate_one_time_password};
use lianzheng_store::audit::Actor;
use lianzheng_store::users::{self, Failure};
use lianzheng_store::{jobs, now, org, sessions};
use tokio::sync::Semaphore;

pub use lianzheng_store::jobs::Job;
pub use lianzheng_store::users::{Grant, ResetRequest, User, UserInput};

use crate::auth::{Principal, new_token, token_hash};
use crate::error::{AppError, AppResult};
use crate::forms::FieldErrors;
use crate::layout::fmt_time;
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Password hashing: argon2 takes tens of milliseconds of CPU and memory, so it runs on the
// blocking pool (never on an async worker) and at most one per core at a time, so that a burst
// of sign-ins queues instead of starving every other request.

static HASH_SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map(std::num::NonZeroUsize::get).unwrap_or(1)));

async fn hash_password(st: &AppState, pw: &str) -> AppResult<String> {
    let _slot = HASH_SLOTS.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    let (hasher, pw) = (st.hasher.clone(), pw.to_string());
    tokio::task::spawn_blocking(move || hasher.hash(&pw)).await.map_err(|e| AppError::Internal(e.to_string()))?.map_err(|e| AppError::Internal(e.to_string()))
}

async fn verify_password(st: &AppState, pw: &str, hash: &str) -> AppResult<bool> {
    let _slot = HASH_SLOTS.acquire().await.map_err(|e| AppError::Internal(e.to_string()))?;
    let (hasher, pw, hash) = (st.hasher.clone(), pw.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || hasher.verify(&pw, &hash)).await.map_err(|e| AppError::Internal(e.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Sign-in

/// Where to go after sign-in: only a path on this site. A second '/' or a '\' at the start
/// (browsers read `/\host` as `//host`), a scheme, or control characters and spaces (browsers
/// drop tabs and newlines, so `/\t/host` would become `//host`) send the person home instead.
pub fn safe_next(n: &str) -> String {
    // starting with '/' there is no scheme; what is left is a second slash in disguise
    let ok = n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok { n.to_string() } else { "/".to_string() }
}

/// A browser session or an API token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Web,
    Api,
}

impl SessionKind {
    fn code(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// A session just opened.
pub struct SignedIn {
    pub token: String,
    pub user: User,
    pub second_factor_ok: bool,
    /// Told once the person is in: an administrator reset the password.
    pub notice: Option<String>,
}

/// The notice an account gets after an administrator reset its password, until it sets its own.
pub fn reset_notice(user: &User) -> Option<String> {
    user.reset_notice_at.filter(|_| user.must_change_password).map(|t| format!("您的密码已由管理员于{}重置，请设置新密码；如非本人申请，请立即报告安全审计员", fmt_time(t)))
}

fn actor_of(user: &User, ip: Option<String>) -> Actor {
    crate::auth::user_actor(user, ip)
}

fn locked_message(st: &AppState) -> String {
    format!("连续错误{}次，账号已锁定{}分钟", st.policy.lockout_attempts, st.policy.lockout_minutes)
}

/// Checks a username and password (and a TOTP code when given) and opens a session. Failures
/// count towards lockout and answer `SignInFailed` (401); every outcome is audited.
pub async fn sign_in(st: &AppState, username: &str, password: &str, totp_code: Option<&str>, kind: SessionKind, ip: Option<String>) -> AppResult<SignedIn> {
    let limiter_key = format!("login:{}", ip.as_deref().unwrap_or("-"));
    if !st.limiter.check(&limiter_key, st.policy.login_rate_per_minute) {
        return Err(AppError::TooManyRequests);
    }
    let bad = || AppError::SignInFailed("用户名或密码错误".into());
    let username = username.trim();
    if username.is_empty() || password.is_empty() {
        return Err(AppError::invalid("请输入用户名和密码"));
    }
    let Some(user) = users::get_by_username(&st.db, username).await? else {
        // same work as a real check, so timing does not tell which usernames exist
        let _ = hash_password(st, password).await;
        return Err(bad());
    };
    let actor = actor_of(&user, ip.clone());
    let t = now();
    if let Some(until) = user.locked_until
        && until > t
    {
        let minutes = (until - t + 59) / 60;
        return Err(AppError::SignInFailed(format!("账号已锁定，请{minutes}分钟后再试，或联系系统管理员解锁")));
    }
    if user.disabled {
        return Err(AppError::SignInFailed("账号已停用，请联系系统管理员".into()));
    }
    if !verify_password(st, password, &user.password_hash).await? {
        let mut tx = st.db.begin().await?;
        let locked = users::record_failure(&mut tx, &actor, user.id, st.policy.lockout_attempts, st.policy.lockout_minutes * 60, Failure::Password).await?;
        tx.commit().await?;
        return Err(if locked { AppError::SignInFailed(format!("密码{}", locked_message(st))) } else { bad() });
    }
    let mut second_factor_ok = false;
    if user.totp_enabled
        && let Some(code) = totp_code.filter(|c| !c.trim().is_empty())
    {
        check_code(st, &user, &actor, code).await?;
        second_factor_ok = true;
    }
    if kind == SessionKind::Api && user.totp_enabled && !second_factor_ok {
        return Err(AppError::SignInFailed("该账号已开启双因素认证，请提供动态验证码 totp".into()));
    }
    let mut tx = st.db.begin().await?;
    users::record_login(&mut tx, &actor, user.id).await?;
    tx.commit().await?;
    let (token, hash) = new_token();
    let (csrf, _) = new_token();
    let ttl = match kind {
        SessionKind::Api => st.policy.api_token_hours,
        SessionKind::Web => st.policy.session_hours,
    } * 3600;
    sessions::create(&st.db, &hash, user.id, kind.code(), &csrf, second_factor_ok, ttl, ip).await?;
    let notice = reset_notice(&user);
    Ok(SignedIn { token, user, second_factor_ok, notice })
}

/// Ends the session or token a request carries.
pub async fn sign_out(st: &AppState, token: &str) -> AppResult<()> {
    sign_out_hash(st, &token_hash(token)).await
}

// ---------------------------------------------------------------------------------------------
// Second factor

const TOTP_STEP: u64 = 30;

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The time step whose code this is (one step of clock drift either way), if any.
fn matching_step(secret: &str, code: &str, unix_time: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let step = unix_time / TOTP_STEP;
    let mut found = None;
    // every candidate is computed and compared, so timing does not tell which one matched
    for s in [step.checked_sub(1), Some(step), step.checked_add(1)].into_iter().flatten() {
        let Some(candidate) = s.checked_mul(TOTP_STEP).and_then(|t| lianzheng_core::totp::code_at(secret, t)) else { continue };
        if ct_eq(candidate.as_bytes(), code.as_bytes()) {
            found = Some(s);
        }
    }
    found
}

fn secret_of(st: &AppState, user: &User) -> AppResult<Option<String>> {
    match &user.totp_secret_enc {
        Some(enc) => decrypt_str(st.crypto.as_ref(), enc).map(Some).map_err(|e| AppError::Internal(format!("TOTP 密钥解密失败：{e}"))),
        None => Ok(None),
    }
}

/// Checks a second-factor code of an enrolled account: a wrong code or one already used counts
/// toward lockout and is audited; a right one is taken as used (per account and time step).
async fn check_code(st: &AppState, user: &User, actor: &Actor, code: &str) -> AppResult<()> {
    let secret = secret_of(st, user)?.ok_or_else(|| AppError::SignInFailed("该账号未绑定身份验证器".into()))?;
    let t = u64::try_from(now()).unwrap_or(0);
    let step = matching_step(&secret, code, t);
    let mut tx = st.db.begin().await?;
    let failure = match step {
        None => Some(Failure::Totp),
        Some(s) => {
            let step = i64::try_from(s).map_err(|e| AppError::Internal(e.to_string()))?;
            if users::use_totp_step(&mut tx, user.id, step).await? { None } else { Some(Failure::TotpReplay) }
        }
    };
    let Some(failure) = failure else {
        tx.commit().await?;
        return Ok(());
    };
    let locked = users::record_failure(&mut tx, actor, user.id, st.policy.lockout_attempts, st.policy.lockout_minutes * 60, failure).await?;
    tx.commit().await?;
    Err(AppError::SignInFailed(if locked {
        format!("动态验证码{}", locked_message(st))
    } else if failure == Failure::TotpReplay {
        "该动态验证码已使用过，请等待验证器显示新的验证码后再输入".into()
    } else {
        "动态验证码错误".into()
    }))
}

/// The second step of a browser sign-in. When the wrong codes lock the account, this session
/// ends too, so the person has to start again (and is refused while locked).
pub async fn pass_second_factor(st: &AppState, p: &Principal, code: &str) -> AppResult<()> {
    if !st.limiter.check(&format!("totp:{}", p.user.id), 10) {
        return Err(AppError::TooManyRequests);
    }
    if !p.user.totp_enabled {
        return Err(AppError::Gate { page: "/account/totp", message: "请先绑定身份验证器".into() });
    }
    let actor = p.actor();
    match check_code(st, &p.user, &actor, code).await {
        Ok(()) => {
            sessions::set_second_factor(&st.db, &p.session.token_hash).await?;
            st.caches.principals.remove(&p.session.token_hash);
            Ok(())
        }
        Err(e) => {
            let locked = users::get(&st.db, p.user.id).await?.and_then(|u| u.locked_until).is_some_and(|until| until > now());
            if locked {
                sign_out_hash(st, &p.session.token_hash).await?;
            }
            Err(e)
        }
    }
}

async fn sign_out_hash(st: &AppState, hash: &str) -> AppResult<()> {
    sessions::delete(&st.db, hash).await?;
    st.caches.principals.remove(&hash.to_string());
    Ok(())
}

/// A second factor being bound: the key and the link an authenticator app reads.
pub struct Enrolment {
    pub secret: String,
    pub otpauth_url: String,
}

/// Starts binding an authenticator: a new key, kept (encrypted) as pending until a code
/// confirms it. None when one is bound already.
pub async fn begin_enrolment(st: &AppState, p: &Principal) -> AppResult<Option<Enrolment>> {
    if p.user.totp_enabled {
        return Ok(None);
    }
    let secret = lianzheng_core::totp::generate_secret();
    let mut tx = st.db.begin().await?;
    users::set_totp(&mut tx, &p.actor(), p.user.id, Some(encrypt_str(st.crypto.as_ref(), &secret)), false).await?;
    tx.commit().await?;
    let otpauth_url = lianzheng_core::totp::otpauth_url(&secret, &p.user.username, &st.policy.site_name);
    Ok(Some(Enrolment { secret, otpauth_url }))
}

/// The pending key, to show again after a wrong code (the scanned one must keep working).
pub fn pending_enrolment(st: &AppState, p: &Principal) -> AppResult<Option<Enrolment>> {
    if p.user.totp_enabled {
        return Ok(None);
    }
    Ok(secret_of(st, &p.user)?.map(|secret| {
        let otpauth_url = lianzheng_core::totp::otpauth_url(&secret, &p.user.username, &st.policy.site_name);
        Enrolment { secret, otpauth_url }
    }))
}

/// Confirms the pending key with a code from the authenticator. A wrong code is audited but
/// does not count toward lockout: the key is not yet a factor, and the person is signed in.
pub async fn confirm_enrolment(st: &AppState, p: &Principal, code: &str) -> AppResult<()> {
    if !st.limiter.check(&format!("totp:{}", p.user.id), 10) {
        return Err(AppError::TooManyRequests);
    }
    if p.user.totp_enabled {
        return Err(AppError::invalid("已开启双因素认证"));
    }
    let secret = secret_of(st, &p.user)?.ok_or_else(|| AppError::invalid("请重新打开绑定页面获取密钥"))?;
    let t = u64::try_from(now()).unwrap_or(0);
    let mut tx = st.db.begin().await?;
    let Some(step) = matching_step(&secret, code, t) else {
        users::record_enrolment_failure(&mut tx, &p.actor(), p.user.id).await?;
        tx.commit().await?;
        return Err(AppError::field("code", "验证码错误，请确认手机时间准确后重新输入"));
    };
    let step = i64::try_from(step).map_err(|e| AppError::Internal(e.to_string()))?;
    // the code that confirmed the key cannot also pass a sign-in
    users::use_totp_step(&mut tx, p.user.id, step).await?;
    users::set_totp(&mut tx, &p.actor(), p.user.id, p.user.totp_secret_enc.clone(), true).await?;
    tx.commit().await?;
    sessions::set_second_factor(&st.db, &p.session.token_hash).await?;
    st.caches.principals.remove(&p.session.token_hash);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The person's own password

/// The gate before a password change: an account with a bound authenticator passes it first,
/// also when the password must be changed (a stolen one-time password alone is not enough).
pub fn second_factor_gate(p: &Principal) -> AppResult<()> {
    if p.user.totp_enabled && !p.session.second_factor_ok {
        return Err(AppError::Gate { page: "/login/totp", message: "请先输入动态验证码完成双因素认证".into() });
    }
    Ok(())
}

/// Changes the person's own password. Every other session and API token of the account ends;
/// the one in use stays.
pub async fn change_password(st: &AppState, p: &Principal, current: &str, new: &str, confirm: &str) -> AppResult<u64> {
    second_factor_gate(p)?;
    let mut e = FieldErrors::new();
    if !verify_password(st, current, &p.user.password_hash).await? {
        e.insert("current".into(), "当前密码不正确".into());
    }
    if let Err(err) = check_policy(new, st.policy.password_min_length) {
        e.insert("new".into(), err.to_string());
    } else if new == current {
        e.insert("new".into(), "新密码不能与当前密码相同".into());
    }
    if new != confirm {
        e.insert("confirm".into(), "两次输入的新密码不一致".into());
    }
    if !e.is_empty() {
        return Err(AppError::Invalid { message: "请修改标红的项目".into(), fields: e });
    }
    let hash = hash_password(st, new).await?;
    let mut tx = st.db.begin().await?;
    let revoked = users::change_own_password(&mut tx, &p.actor(), p.user.id, &hash, &p.session.token_hash).await?;
    tx.commit().await?;
    Ok(revoked)
}

// ---------------------------------------------------------------------------------------------
// The principal behind a token

/// The signed-in principal for a token, with the session's clocks checked on every request
/// (cached or not): a browser session's idle timeout, an API token's idle timeout and
/// lifetime (from the settings in force now, so lowering them takes effect at once).
pub async fn load_principal(st: &AppState, token: &str) -> AppResult<Principal> {
    let hash = token_hash(token);
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
    let t = now();
    let s = &p.session;
    let (idle_limit, lifetime) = if s.kind == "api" { (st.policy.api_token_idle_minutes * 60, st.policy.api_token_hours * 3600) } else { (st.policy.idle_timeout_minutes * 60, st.policy.session_hours * 3600) };
    let over = s.expires_at < t || t - s.last_seen_at > idle_limit || t - s.created_at > lifetime;
    if over || p.user.disabled {
        cache.remove(&hash);
        if !p.user.disabled {
            sessions::delete(&st.db, &hash).await?;
        }
        return Err(AppError::Unauthorized);
    }
    // one write a minute at most per session
    let touch = t - p.session.last_seen_at >= 60;
    if touch {
        sessions::touch(&st.db, &hash, t).await?;
        p.session.last_seen_at = t;
    }
    if touch || fresh {
        cache.insert(hash, ticket, p.clone());
    }
    Ok(p)
}

// ---------------------------------------------------------------------------------------------
// Accounts (系统管理员) and grants (安全保密管理员)

fn holds_admin_role(grants: &[Grant]) -> bool {
    grants.iter().filter_map(Grant::role).any(Role::is_admin)
}

/// Either admin role that looks at accounts.
fn require_account_view(p: &Principal) -> AppResult<()> {
    if p.can(Permission::ManageAccounts) || p.can(Permission::ManageGrants) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// An account another administrator may act on: it exists, is not the caller's own, and holds
/// no admin role (三员 watch each other; the break-glass path is the command line).
async fn target_account(st: &AppState, p: &Principal, id: UserId, own: &str, admin: &str) -> AppResult<(User, Vec<Grant>)> {
    let user = users::get(&st.db, id).await?.ok_or(AppError::NotFound)?;
    if id == p.user.id {
        return Err(AppError::Refused(own.to_string()));
    }
    let grants = users::grants_of(&st.db, id).await?;
    if holds_admin_role(&grants) {
        return Err(AppError::Refused(admin.to_string()));
    }
    Ok((user, grants))
}

/// A page of accounts, for the 系统管理员 (`ManageAccounts`) or the 安全保密管理员 (`ManageGrants`).
pub async fn list_accounts(st: &AppState, p: &Principal, perm: Permission, q: &str, page: i64) -> AppResult<(Vec<User>, i64)> {
    if !matches!(perm, Permission::ManageAccounts | Permission::ManageGrants) {
        return Err(AppError::Forbidden);
    }
    p.require(perm)?;
    let page = page.max(1);
    Ok(users::list(&st.db, Some(q), (page - 1) * 50, 50).await?)
}

/// The accounts table's sortable columns: (key, label).
pub const ACCOUNT_SORTS: &[(&str, &str)] = &[("username", "用户名"), ("name", "姓名"), ("login", "最近登录")];

/// A page of accounts with the page's size and sort: (rows, total, page clamped, size).
pub async fn list_accounts_page(st: &AppState, p: &Principal, perm: Permission, q: &str, paging: &crate::app::paging::Paging) -> AppResult<(Vec<User>, i64, i64, i64)> {
    if !matches!(perm, Permission::ManageAccounts | Permission::ManageGrants) {
        return Err(AppError::Forbidden);
    }
    p.require(perm)?;
    let (size, asked, sort) = (paging.size(50), paging.page(), paging.sort());
    let (mut rows, total) = users::list_sorted(&st.db, Some(q), &sort, (asked - 1) * size, size).await?;
    let page = crate::app::paging::clamp(asked, size, total);
    if page != asked {
        rows = users::list_sorted(&st.db, Some(q), &sort, (page - 1) * size, size).await?.0;
    }
    Ok((rows, total, page, size))
}

/// Organisations to choose from (an account's unit, a grant's scope).
pub async fn org_choices(st: &AppState, p: &Principal) -> AppResult<Vec<(OrgId, String)>> {
    require_account_view(p)?;
    let all = Scope::system(lianzheng_core::org::SystemScope::OrgTree);
    Ok(crate::layout::org_options(&lianzheng_store::org::list_in_scope(&st.db, &all, None, 5000).await?))
}

/// One account as the admin pages show it.
pub struct AccountView {
    pub user: User,
    pub grants: Vec<Grant>,
    /// A reset waiting for the 安全保密管理员.
    pub pending_reset: Option<ResetRequest>,
    /// Holds an admin role: other administrators cannot act on it.
    pub admin_account: bool,
}

pub async fn account(st: &AppState, p: &Principal, id: UserId) -> AppResult<AccountView> {
    require_account_view(p)?;
    let user = users::get(&st.db, id).await?.ok_or(AppError::NotFound)?;
    let grants = users::grants_of(&st.db, id).await?;
    let pending_reset = users::pending_reset_for(&st.db, id).await?;
    let admin_account = holds_admin_role(&grants);
    Ok(AccountView { user, grants, pending_reset, admin_account })
}

/// The roles of an account.
pub async fn grants(st: &AppState, p: &Principal, user_id: UserId) -> AppResult<Vec<Grant>> {
    require_account_view(p)?;
    users::get(&st.db, user_id).await?.ok_or(AppError::NotFound)?;
    Ok(users::grants_of(&st.db, user_id).await?)
}

/// Creates an account with a one-time password that must be changed at first sign-in.
pub async fn create_account(st: &AppState, p: &Principal, input: &UserInput) -> AppResult<(UserId, String)> {
    p.require(Permission::ManageAccounts)?;
    let pw = generate_one_time_password();
    let hash = hash_password(st, &pw).await?;
    let mut tx = st.db.begin().await?;
    let id = users::create(&mut tx, &p.actor(), input, &hash, true).await?;
    tx.commit().await?;
    Ok((id, pw))
}

/// The 系统管理员 asks for a password reset. Nothing changes until the 安全保密管理员 approves.
pub async fn request_reset(st: &AppState, p: &Principal, user_id: UserId) -> AppResult<ResetId> {
    p.require(Permission::ManageAccounts)?;
    target_account(st, p, user_id, "不能重置自己的密码，请在“我的账号”中修改", "三员（管理员）账号的密码不能由其他管理员重置；确需重置，请由运维人员在服务器上执行 lianzheng user reset-password").await?;
    let mut tx = st.db.begin().await?;
    let id = users::request_reset(&mut tx, &p.actor(), user_id).await?;
    tx.commit().await?;
    Ok(id)
}

/// Open reset requests (oldest first) and the latest decisions, for the 安全保密管理员.
pub async fn reset_requests(st: &AppState, p: &Principal) -> AppResult<(Vec<ResetRequest>, Vec<ResetRequest>)> {
    p.require(Permission::ManageGrants)?;
    Ok((users::reset_requests(&st.db, true, 200).await?, users::reset_requests(&st.db, false, 20).await?))
}

/// A reset that took effect; the one-time password is shown once, to the approver.
pub struct ApprovedReset {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub one_time_password: String,
    pub sessions_revoked: u64,
}

/// The account module's 待办 (`Module::todos`): password resets waiting for the 安全保密管理员's approval.
pub fn todos<'a>(st: &'a AppState, p: &'a Principal) -> crate::app::todo::BoxFuture<'a, AppResult<Vec<crate::app::todo::TodoItem>>> {
    Box::pin(async move {
        use crate::app::todo::{TodoItem, Urgency};
        if !p.can(Permission::ManageGrants) {
            return Ok(vec![]);
        }
        let n = users::pending_resets(&st.db).await?;
        Ok(vec![TodoItem::new("account.reset_approve", "待审批的密码重置申请", n, "/admin/resets", Urgency::Normal)])
    })
}

/// The 安全保密管理员 approves a reset: a one-time password is made now (it never existed
/// before both agreed, and the requester never sees it), every session and API token of the
/// account ends, and the account is told at its next sign-in.
pub async fn approve_reset(st: &AppState, p: &Principal, request_id: ResetId) -> AppResult<ApprovedReset> {
    p.require(Permission::ManageGrants)?;
    let r = users::get_reset(&st.db, request_id).await?.ok_or(AppError::NotFound)?;
    if r.status != users::ResetStatus::Pending {
        return Err(AppError::Conflict("该申请已处理，请刷新页面".into()));
    }
    if r.requested_by == Some(p.user.id) {
        return Err(AppError::Refused("不能审批自己提出的密码重置申请".into()));
    }
    // the account may have changed since the request
    target_account(st, p, r.user_id, "不能审批重置自己密码的申请", "三员（管理员）账号的密码不能由其他管理员重置，该申请只能驳回").await?;
    let pw = generate_one_time_password();
    let hash = hash_password(st, &pw).await?;
    let mut tx = st.db.begin().await?;
    let (user_id, sessions_revoked) = users::approve_reset(&mut tx, &p.actor(), request_id, &hash).await?;
    tx.commit().await?;
    Ok(ApprovedReset { user_id, username: r.username, display_name: r.display_name, one_time_password: pw, sessions_revoked })
}

pub async fn reject_reset(st: &AppState, p: &Principal, request_id: ResetId) -> AppResult<UserId> {
    p.require(Permission::ManageGrants)?;
    let r = users::get_reset(&st.db, request_id).await?.ok_or(AppError::NotFound)?;
    if r.requested_by == Some(p.user.id) {
        return Err(AppError::Refused("不能审批自己提出的密码重置申请".into()));
    }
    let mut tx = st.db.begin().await?;
    let user_id = users::reject_reset(&mut tx, &p.actor(), request_id).await?;
    tx.commit().await?;
    Ok(user_id)
}

/// Clears a lockout. Allowed on any account: it only ends a wait that would end anyway.
pub async fn unlock(st: &AppState, p: &Principal, user_id: UserId) -> AppResult<()> {
    p.require(Permission::ManageAccounts)?;
    let mut tx = st.db.begin().await?;
    users::unlock(&mut tx, &p.actor(), user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Disables (ending every session) or enables an account.
pub async fn set_disabled(st: &AppState, p: &Principal, user_id: UserId, disabled: bool) -> AppResult<()> {
    p.require(Permission::ManageAccounts)?;
    let (own, admin) =
        if disabled { ("不能停用自己的账号", "三员（管理员）账号不能由其他管理员停用") } else { ("不能启用自己的账号", "三员（管理员）账号不能由其他管理员启用") };
    target_account(st, p, user_id, own, admin).await?;
    let mut tx = st.db.begin().await?;
    users::set_disabled(&mut tx, &p.actor(), user_id, disabled).await?;
    tx.commit().await?;
    Ok(())
}

/// Grants a role. Three-way separation: nobody grants to themself, an account holds one admin
/// role at most and never mixes admin and business roles, and an administrator's roles are not
/// changed by another administrator.
pub async fn grant_role(st: &AppState, p: &Principal, user_id: UserId, role: &str, org_id: Option<OrgId>) -> AppResult<()> {
    p.require(Permission::ManageGrants)?;
    let role = Role::parse(role).ok_or_else(|| AppError::field("role", "请选择角色"))?;
    let (_, existing) = target_account(st, p, user_id, "不能给自己授权", "三员（管理员）账号的角色授权不能由其他管理员变更").await?;
    if role.needs_org() {
        let oid = org_id.ok_or_else(|| AppError::field("org_id", "业务角色必须选择组织范围"))?;
        org::get(&st.db, oid).await?.ok_or_else(|| AppError::field("org_id", "组织不存在"))?;
    }
    let has_business = existing.iter().filter_map(Grant::role).any(|r| !r.is_admin());
    if role.is_admin() && has_business {
        return Err(AppError::field("role", "三员分立：管理员角色不能与其他角色兼任"));
    }
    let mut tx = st.db.begin().await?;
    users::add_grant(&mut tx, &p.actor(), user_id, role, org_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes a grant; returns the account it belonged to.
pub async fn revoke_grant(st: &AppState, p: &Principal, grant_id: GrantId) -> AppResult<UserId> {
    p.require(Permission::ManageGrants)?;
    let user_id = users::grant_owner(&st.db, grant_id).await?.ok_or(AppError::NotFound)?;
    target_account(st, p, user_id, "不能撤销自己的授权", "三员（管理员）账号的角色授权不能由其他管理员变更").await?;
    let mut tx = st.db.begin().await?;
    users::remove_grant(&mut tx, &p.actor(), grant_id).await?;
    tx.commit().await?;
    Ok(user_id)
}

/// The background jobs, for the settings page.
pub async fn job_status(st: &AppState, p: &Principal) -> AppResult<Vec<Job>> {
    p.require(Permission::ManageSettings)?;
    Ok(jobs::list(&st.db).await?)
}

/// Job 会话清理: sessions and tokens idle or past their lifetime are removed.
pub async fn session_cleanup_job(db: &lianzheng_store::Db, s: &crate::app::system::Schedule) -> crate::app::system::Ran {
    use crate::app::system::Ran;
    match sessions::delete_stale(db, s.idle_secs).await {
        Ok(n) => {
            if n > 0 {
                tracing::info!(removed = n, "expired sessions removed");
            }
            Ran { next_at: now() + s.session_cleanup_secs, error: None }
        }
        Err(e) => Ran { next_at: now() + 60, error: Some(e.to_string()) },
    }
}

#[cfg(test)]
mod tests {
    use super::{matching_step, safe_next};

    #[test]
    fn next_stays_on_the_site() {
        for ok in ["/", "/people?page=2", "/duty/lists/3#x", "/a:b"] {
            assert_eq!(safe_next(ok), ok);
        }
        for bad in ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "evil.example", "", "/\t/evil.example", "/\n/evil.example", "\\\\evil", "/ /x"] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn a_code_names_its_time_step() {
        let secret = lianzheng_core::totp::generate_secret();
        let t = 1_800_000_000u64;
        let code = lianzheng_core::totp::code_at(&secret, t).unwrap_or_default();
        assert_eq!(matching_step(&secret, &code, t), Some(t / 30));
        assert_eq!(matching_step(&secret, &code, t + 30), Some(t / 30), "one step of drift");
        assert_eq!(matching_step(&secret, &code, t + 120), None);
        assert_eq!(matching_step(&secret, "abcdef", t), None);
    }
}
