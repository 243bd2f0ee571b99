//! The checked-in `include/larkmsg.h` must be what the pinned cbindgen makes of the code.
//! `LARKMSG_UPDATE_HEADER=1 cargo test -p larkmsg-c --test header` rewrites it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use larkmsg_core::fake::{
    DEFAULT_APP_ID, DEFAULT_APP_SECRET, FAKE_TENANT_KEY, STORE_APP_ID, STORE_APP_SECRET,
};

/// The macros the header defines besides the code's items: the library's version (from
/// Cargo.toml) and the bundled fake's default apps (from the core), each defined once there.
fn macros() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let [major, minor, patch] =
        [env!("CARGO_PKG_VERSION_MAJOR"), env!("CARGO_PKG_VERSION_MINOR"), env!("CARGO_PKG_VERSION_PATCH")]
            .map(|part| part.parse::<u32>().unwrap());
    let number = major * 10_000 + minor * 100 + patch;
    format!(
        r#"
/** The version of this header: compare with larkmsg_version() for the library's. */
#define LARKMSG_VERSION "{version}"
#define LARKMSG_VERSION_MAJOR {major}
#define LARKMSG_VERSION_MINOR {minor}
#define LARKMSG_VERSION_PATCH {patch}
/** MAJOR * 10000 + MINOR * 100 + PATCH, for `#if LARKMSG_VERSION_NUMBER >= 100` checks. */
#define LARKMSG_VERSION_NUMBER {number}

/** The `app_id` of the fake's default self-built app (see larkmsg_fake_start). */
#define LARKMSG_FAKE_APP_ID "{DEFAULT_APP_ID}"
/** The `app_secret` of the fake's default self-built app. */
#define LARKMSG_FAKE_APP_SECRET "{DEFAULT_APP_SECRET}"
/** The `app_id` of the fake's default store app. */
#define LARKMSG_FAKE_STORE_APP_ID "{STORE_APP_ID}"
/** The `app_secret` of the fake's default store app. */
#define LARKMSG_FAKE_STORE_APP_SECRET "{STORE_APP_SECRET}"
/** The `tenant_key` of the tenant both default apps are installed in. */
#define LARKMSG_FAKE_TENANT_KEY "{FAKE_TENANT_KEY}""#
    )
}

#[test]
fn header_matches_the_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
    config.after_includes = Some(macros());
    let bindings = cbindgen::Builder::new().with_crate(dir).with_config(config).generate().unwrap();
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let generated = String::from_utf8(generated).unwrap();
    let path = dir.join("include/larkmsg.h");
    if std::env::var_os("LARKMSG_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    if checked_in != generated {
        let line = checked_in.lines().zip(generated.lines()).position(|(a, b)| a != b);
        panic!(
            "include/larkmsg.h is out of date (first difference at line {}); regenerate it with \
             LARKMSG_UPDATE_HEADER=1 cargo test -p larkmsg-c --test header",
            line.map_or_else(|| "end".to_owned(), |l| (l + 1).to_string())
        );
    }
}
