//! The example settings file stays loadable (every key known, every type right).

#[test]
fn example_settings_file_loads() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lianzheng.example.toml");
    let s = lianzheng::config::Settings::load(Some(&path), std::iter::empty()).unwrap();
    assert_eq!(s.lockout_attempts, 5);
    assert_eq!(s.upload_types.len(), 9);
}
