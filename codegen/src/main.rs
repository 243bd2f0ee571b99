//! Writes the bindings' generated files from the core's registry (see the library docs).

use std::process::ExitCode;

fn main() -> ExitCode {
    let files = match larkmsg_codegen::generate() {
        Ok(files) => files,
        Err(error) => {
            eprintln!("larkmsg-codegen: {error}");
            return ExitCode::FAILURE;
        }
    };
    let root = larkmsg_codegen::workspace_root();
    for file in files {
        let path = root.join(&file.path);
        let unchanged = std::fs::read_to_string(&path).is_ok_and(|text| text == file.text);
        if unchanged {
            continue;
        }
        if let Err(error) = std::fs::write(&path, &file.text) {
            eprintln!("larkmsg-codegen: cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", file.path);
    }
    ExitCode::SUCCESS
}
