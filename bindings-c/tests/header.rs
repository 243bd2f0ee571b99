//! The checked-in `include/larkmsg.h` must be what the pinned cbindgen makes of the code.
//! `LARKMSG_UPDATE_HEADER=1 cargo test -p larkmsg-c --test header` rewrites it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

#[test]
fn header_matches_the_code() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(dir.join("cbindgen.toml")).unwrap();
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
