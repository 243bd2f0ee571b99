//! Gives the shared library its SONAME, `liblarkmsg.so.<major>`, so programs linked
//! against `liblarkmsg.so` keep loading it across compatible (same major) releases.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" || os == "android" || os.ends_with("bsd") {
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,liblarkmsg.so.{major}");
    }
}
