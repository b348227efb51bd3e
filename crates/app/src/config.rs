//! Settings: defaults → `lianzheng.toml` → `LIANZHENG_*` environment, declared once here.
//! A config file named on the command line that is missing is an error; the default
//! `./lianzheng.toml` is optional.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use lianzheng_web::Policy;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// 责任清单 filing deadline, "MM-DD" of each year.
    pub list_deadline: String,
    /// 责任书 copy detection: Jaccard similarity (0–1) at which two letters are flagged.
    pub letter_threshold: f64,
    pub data_dir: PathBuf,
    pub bind: String,
    /// Empty: SQLite under `data_dir`.
    pub database_url: String,
    /// 64 hex characters (SM4 + HMAC-SM3 keys). Empty: kept in `data_dir/secret.key`.
    pub secret_key: String,
    pub site_name: String,
    pub lockout_attempts: i64,
    pub lockout_minutes: i64,
    pub idle_timeout_minutes: i64,
    pub session_hours: i64,
    /// API tokens: lifetime (hours) and the time one may go unused (minutes).
    pub api_token_hours: i64,
    pub api_token_idle_minutes: i64,
    /// Proxy addresses whose `X-Forwarded-For` is believed; empty: the header is ignored.
    pub trusted_proxies: Vec<String>,
    pub password_min_length: usize,
    pub login_rate_per_minute: u32,
    pub require_totp_for_admins: bool,
    pub upload_max_mb: usize,
    pub upload_types: Vec<String>,
    pub secure_cookies: bool,
    /// argon2id memory (KiB) and passes.
    pub argon2_m_cost: u32,
    pub argon2_t_cost: u32,
    /// Background jobs.
    pub session_cleanup_minutes: i64,
    pub audit_verify_hours: i64,
    pub jobs_enabled: bool,
    pub log: String,
    /// 任务分工: 黄 within this many days of a deadline; reminders from this many days before.
    pub task_yellow_days: i64,
    pub task_reminder_days: i64,
    /// Seconds a signed-in principal and a list page are kept in memory on one node (0: off);
    /// other nodes' changes show within this time (docs/decisions/0009-read-caches.md).
    pub principal_cache_seconds: u64,
    pub list_cache_seconds: u64,
    /// `/metrics` (cache hits and misses, Prometheus text) answers requests from this machine.
    pub metrics_enabled: bool,
    /// 廉政测评: requests per minute from one address to the public voting page.
    pub ballot_rate_per_minute: u32,
    /// 检查考核等次: the least share of full marks (percent) for 好, 较好, 一般.
    pub inspection_grade_good: u32,
    pub inspection_grade_fairly_good: u32,
    pub inspection_grade_average: u32,
}

impl Default for Settings {
    fn default() -> Self {
        let p = Policy::default();
        Settings {
            list_deadline: p.list_deadline.clone(),
            letter_threshold: p.letter_threshold,
            data_dir: PathBuf::from("./data"),
            bind: "127.0.0.1:8080".into(),
            database_url: String::new(),
            secret_key: String::new(),
            site_name: p.site_name,
            lockout_attempts: p.lockout_attempts,
            lockout_minutes: p.lockout_minutes,
            idle_timeout_minutes: p.idle_timeout_minutes,
            session_hours: p.session_hours,
            api_token_hours: p.api_token_hours,
            api_token_idle_minutes: p.api_token_idle_minutes,
            trusted_proxies: p.trusted_proxies.iter().map(|ip| ip.to_string()).collect(),
            password_min_length: p.password_min_length,
            login_rate_per_minute: p.login_rate_per_minute,
            require_totp_for_admins: p.require_totp_for_admins,
            upload_max_mb: p.upload_max_bytes / 1024 / 1024,
            upload_types: p.upload_types,
            secure_cookies: false,
            argon2_m_cost: 19456,
            argon2_t_cost: 2,
            session_cleanup_minutes: 10,
            audit_verify_hours: 24,
            jobs_enabled: true,
            log: "info".into(),
            task_yellow_days: p.task_yellow_days,
            task_reminder_days: p.task_reminder_days,
            principal_cache_seconds: p.principal_cache_seconds,
            list_cache_seconds: p.list_cache_seconds,
            metrics_enabled: p.metrics_enabled,
            ballot_rate_per_minute: p.ballot_rate_per_minute,
            inspection_grade_good: p.inspection_grade_good,
            inspection_grade_fairly_good: p.inspection_grade_fairly_good,
            inspection_grade_average: p.inspection_grade_average,
        }
    }
}

fn env_value(raw: &str) -> toml::Value {
    // numbers and booleans as such, lists as TOML arrays, everything else as text
    match toml::from_str::<toml::Table>(&format!("v = {raw}")) {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| toml::Value::String(raw.to_string())),
        Err(_) => toml::Value::String(raw.to_string()),
    }
}

impl Settings {
    /// Loads settings. `file`: an explicitly named file (must exist); otherwise `./lianzheng.toml` if present.
    pub fn load(file: Option<&Path>, env: impl Iterator<Item = (String, String)>) -> anyhow::Result<Settings> {
        let mut table = toml::Table::new();
        let path = match file {
            Some(f) => {
                if !f.exists() {
                    bail!("配置文件不存在：{}", f.display());
                }
                Some(f.to_path_buf())
            }
            None => Some(PathBuf::from("lianzheng.toml")).filter(|p| p.exists()),
        };
        if let Some(p) = &path {
            let text = std::fs::read_to_string(p).with_context(|| format!("读取配置文件 {} 失败", p.display()))?;
            table = toml::from_str(&text).with_context(|| format!("配置文件 {} 格式错误", p.display()))?;
        }
        for (k, v) in env {
            if let Some(name) = k.strip_prefix("LIANZHENG_") {
                let key = name.to_lowercase();
                // test-only switches of other tools share the prefix; only known keys are taken
                if KNOWN.contains(&key.as_str()) {
                    let val = if LISTS.contains(&key.as_str()) {
                        toml::Value::Array(v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| toml::Value::String(s.to_string())).collect())
                    } else if STRINGS.contains(&key.as_str()) {
                        toml::Value::String(v)
                    } else {
                        env_value(&v)
                    };
                    table.insert(key, val);
                }
            }
        }
        let s: Settings = toml::Value::Table(table).try_into().context("配置项有误（名称或类型不对）")?;
        for p in &s.trusted_proxies {
            if p.trim().parse::<std::net::IpAddr>().is_err() {
                bail!("trusted_proxies 中的“{p}”不是 IP 地址");
            }
        }
        if s.api_token_idle_minutes <= 0 || s.api_token_hours <= 0 {
            bail!("api_token_hours 与 api_token_idle_minutes 须为正数");
        }
        // the grades are read top down: a higher grade below a lower one would never be given
        let (good, fair, average) = (s.inspection_grade_good, s.inspection_grade_fairly_good, s.inspection_grade_average);
        if !(good <= 100 && good >= fair && fair >= average) {
            bail!("检查考核等次的分数线须满足 100 ≥ inspection_grade_good（好）≥ inspection_grade_fairly_good（较好）≥ inspection_grade_average（一般）（现为 {good}、{fair}、{average}）");
        }
        Ok(s)
    }

    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() { lianzheng_store::Db::sqlite_url_for(&self.data_dir) } else { self.database_url.clone() }
    }

    pub fn policy(&self) -> Policy {
        Policy {
            list_deadline: self.list_deadline.clone(),
            letter_threshold: self.letter_threshold,
            lockout_attempts: self.lockout_attempts,
            lockout_minutes: self.lockout_minutes,
            idle_timeout_minutes: self.idle_timeout_minutes,
            session_hours: self.session_hours,
            api_token_hours: self.api_token_hours,
            api_token_idle_minutes: self.api_token_idle_minutes,
            // checked in `load`
            trusted_proxies: self.trusted_proxies.iter().filter_map(|s| s.trim().parse().ok()).collect(),
            password_min_length: self.password_min_length,
            login_rate_per_minute: self.login_rate_per_minute,
            upload_max_bytes: self.upload_max_mb * 1024 * 1024,
            upload_types: self.upload_types.clone(),
            require_totp_for_admins: self.require_totp_for_admins,
            site_name: self.site_name.clone(),
            secure_cookies: self.secure_cookies,
            task_yellow_days: self.task_yellow_days,
            task_reminder_days: self.task_reminder_days,
            principal_cache_seconds: self.principal_cache_seconds,
            list_cache_seconds: self.list_cache_seconds,
            metrics_enabled: self.metrics_enabled,
            ballot_rate_per_minute: self.ballot_rate_per_minute,
            inspection_grade_good: self.inspection_grade_good,
            inspection_grade_fairly_good: self.inspection_grade_fairly_good,
            inspection_grade_average: self.inspection_grade_average,
        }
    }
}

/// Lists given in the environment as comma-separated values.
const LISTS: &[&str] = &["upload_types", "trusted_proxies"];
const STRINGS: &[&str] = &["list_deadline", "data_dir", "bind", "database_url", "secret_key", "site_name", "log"];
const KNOWN: &[&str] = &[
    "list_deadline",
    "letter_threshold",
    "data_dir",
    "bind",
    "database_url",
    "secret_key",
    "site_name",
    "lockout_attempts",
    "lockout_minutes",
    "idle_timeout_minutes",
    "session_hours",
    "api_token_hours",
    "api_token_idle_minutes",
    "trusted_proxies",
    "password_min_length",
    "login_rate_per_minute",
    "require_totp_for_admins",
    "upload_max_mb",
    "upload_types",
    "secure_cookies",
    "argon2_m_cost",
    "argon2_t_cost",
    "session_cleanup_minutes",
    "audit_verify_hours",
    "jobs_enabled",
    "log",
    "task_yellow_days",
    "task_reminder_days",
    "principal_cache_seconds",
    "list_cache_seconds",
    "metrics_enabled",
    "ballot_rate_per_minute",
    "inspection_grade_good",
    "inspection_grade_fairly_good",
    "inspection_grade_average",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_defaults_file_env() {
        let dir = std::env::temp_dir().join(format!("lz-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("lianzheng.toml");
        std::fs::write(&f, "bind = \"0.0.0.0:9000\"\nlockout_attempts = 7\n").unwrap();
        let env = vec![("LIANZHENG_LOCKOUT_ATTEMPTS".to_string(), "9".to_string()), ("LIANZHENG_SITE_NAME".to_string(), "某县平台".to_string()), ("OTHER".to_string(), "x".to_string())];
        let s = Settings::load(Some(&f), env.into_iter()).unwrap();
        assert_eq!(s.bind, "0.0.0.0:9000");
        assert_eq!(s.lockout_attempts, 9);
        assert_eq!(s.site_name, "某县平台");
        assert_eq!(s.idle_timeout_minutes, 30);
    }

    #[test]
    fn trusted_proxies_from_env_and_checked() {
        let env = vec![("LIANZHENG_TRUSTED_PROXIES".to_string(), "10.0.0.1, ::1".to_string()), ("LIANZHENG_API_TOKEN_IDLE_MINUTES".to_string(), "15".to_string())];
        let s = Settings::load(Some(Path::new("/dev/null")), env.into_iter()).unwrap();
        let p = s.policy();
        assert_eq!(p.trusted_proxies.len(), 2);
        assert_eq!(p.api_token_idle_minutes, 15);
        assert!(Settings::default().policy().trusted_proxies.is_empty(), "by default the header is ignored");
        let env = vec![("LIANZHENG_TRUSTED_PROXIES".to_string(), "proxy.example".to_string())];
        let e = Settings::load(Some(Path::new("/dev/null")), env.into_iter()).unwrap_err();
        assert!(e.to_string().contains("不是 IP 地址"), "{e}");
    }

    #[test]
    fn grade_thresholds_must_descend() {
        let env = |g: &str, f: &str, a: &str| {
            vec![("LIANZHENG_INSPECTION_GRADE_GOOD".to_string(), g.to_string()), ("LIANZHENG_INSPECTION_GRADE_FAIRLY_GOOD".to_string(), f.to_string()), ("LIANZHENG_INSPECTION_GRADE_AVERAGE".to_string(), a.to_string())]
        };
        let s = Settings::load(Some(Path::new("/dev/null")), env("95", "85", "70").into_iter()).unwrap();
        assert_eq!((s.inspection_grade_good, s.inspection_grade_fairly_good, s.inspection_grade_average), (95, 85, 70));
        for (g, f, a) in [("80", "90", "60"), ("90", "80", "85"), ("101", "80", "60")] {
            let e = Settings::load(Some(Path::new("/dev/null")), env(g, f, a).into_iter()).unwrap_err();
            assert!(e.to_string().contains("分数线"), "{g} {f} {a}: {e}");
        }
    }

    #[test]
    fn named_missing_file_is_an_error() {
        let e = Settings::load(Some(Path::new("/nonexistent/lianzheng.toml")), std::iter::empty()).unwrap_err();
        assert!(e.to_string().contains("配置文件不存在"));
    }

    #[test]
    fn unknown_key_in_file_is_an_error() {
        let dir = std::env::temp_dir().join(format!("lz-cfg2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("x.toml");
        std::fs::write(&f, "bnd = \"x\"\n").unwrap();
        assert!(Settings::load(Some(&f), std::iter::empty()).is_err());
    }
}
