//! uniffi's command line, pinned to this crate's uniffi version: writes the Kotlin and Swift
//! sources from the built library (see bindings-kotlin/generate.sh).

fn main() {
    uniffi::uniffi_bindgen_main();
}
