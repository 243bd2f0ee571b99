//! The checked-in generated files are exactly what the registry generates.

#[test]
fn generated_files_match_the_registry() {
    let files = larkmsg_codegen::generate().unwrap_or_else(|error| panic!("{error}"));
    let root = larkmsg_codegen::workspace_root();
    let drifted: Vec<&str> = files
        .iter()
        .filter(|file| {
            std::fs::read_to_string(root.join(&file.path)).ok().as_deref() != Some(file.text.as_str())
        })
        .map(|file| file.path.as_str())
        .collect();
    assert!(
        drifted.is_empty(),
        "these generated files differ from what the registry generates; run `cargo run -p larkmsg-codegen` and commit: {drifted:?}"
    );
}
