//! The Kotlin/JVM binding's generated files: the uniffi records of the requests, results
//! and client options and the typed calls of the native client (Rust, from which uniffi
//! writes the Kotlin and Swift sources), and the Kotlin client's operations and exception
//! classes.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::api::{Api, Model, Ty};
use crate::docs::{camel, clean, summary};
use crate::{Generated, HEADER};

const KOTLIN_DIR: &str = "bindings-kotlin/src/main/kotlin/io/github/larkmsg";

/// The options that are the client constructors' arguments, never fields of the options
/// record: a record is a data class whose `toString()` would show a secret.
const CREDENTIALS: &[&str] = &["app_id", "app_secret", "tenant_access_token", "tenant_key", "app_ticket"];

/// The Rust sources (formatted by the caller).
pub fn rust(api: &Api) -> Vec<Generated> {
    vec![
        Generated { path: "bindings-kotlin/src/models.rs".into(), text: models(api) },
        Generated { path: "bindings-kotlin/src/operations.rs".into(), text: native_operations(api) },
    ]
}

/// The Kotlin sources.
pub fn kotlin(api: &Api) -> Vec<Generated> {
    vec![
        Generated { path: format!("{KOTLIN_DIR}/Operations.kt"), text: operations(api) },
        Generated { path: format!("{KOTLIN_DIR}/ErrorClasses.kt"), text: error_classes(api) },
    ]
}

/// Rust doc comment lines (uniffi hands them on as KDoc and Swift docs).
fn rust_doc(text: &str, indent: &str) -> String {
    let mut out = String::new();
    for line in clean(text).lines() {
        if line.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {line}");
        }
    }
    out
}

/// A KDoc comment, indented by `indent`.
fn kdoc(text: &str, indent: &str) -> String {
    let text = clean(text).replace("*/", "*&#47;").replace("/*", "&#47;*");
    if text.is_empty() {
        return String::new();
    }
    let mut out = format!("{indent}/**\n");
    for line in text.lines() {
        if line.is_empty() {
            let _ = writeln!(out, "{indent} *");
        } else {
            let _ = writeln!(out, "{indent} * {line}");
        }
    }
    let _ = writeln!(out, "{indent} */");
    out
}

/// How a field is held in its record.
struct FieldForm {
    /// The Rust type.
    ty: String,
    /// The serde `with` module, when the type needs one.
    with: Option<&'static str>,
}

/// Whether a type can be held as is (no `with` module anywhere inside it).
fn plain(ty: &Ty) -> bool {
    match ty {
        Ty::Str | Ty::Enum(_) | Ty::Int | Ty::Float | Ty::Bool | Ty::Model(_) => true,
        Ty::List(inner) | Ty::Map(inner) => plain(inner),
        // A file is held as the core's JSON form of it: `{"path": …}` or `{"base64": …}`.
        Ty::Any | Ty::StrOrObject | Ty::StrOrInt | Ty::File => false,
    }
}

fn plain_ty(ty: &Ty) -> String {
    match ty {
        Ty::Int => "i64".into(),
        Ty::Float => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Model(name) => name.clone(),
        Ty::List(inner) => format!("Vec<{}>", plain_ty(inner)),
        Ty::Map(inner) => format!("std::collections::HashMap<String, {}>", plain_ty(inner)),
        Ty::Str | Ty::Enum(_) | Ty::Any | Ty::StrOrObject | Ty::StrOrInt | Ty::File => "String".into(),
    }
}

/// The form of a field: optional fields are `Option`s, except a result's lists and flags,
/// which are empty or `false` when absent. JSON of any shape is held as its text.
fn form(ty: &Ty, optional: bool, result: bool) -> FieldForm {
    let bare = result && matches!(ty, Ty::List(_) | Ty::Bool);
    let (inner, with) = if plain(ty) {
        (plain_ty(ty), None)
    } else if matches!(ty, Ty::StrOrObject | Ty::StrOrInt) {
        ("String".to_owned(), Some("crate::json::string_or_json"))
    } else {
        ("String".to_owned(), Some("crate::json::json_text"))
    };
    let ty = if optional && !bare { format!("Option<{inner}>") } else { inner };
    FieldForm { ty, with }
}

fn rust_field_name(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while", "yield", "try", "abstract", "final", "override", "macro",
    ];
    if KEYWORDS.contains(&name) { format!("r#{name}") } else { name.to_owned() }
}

/// A record; `answer` marks an operation's result, which also keeps the answer's fields it
/// does not model (`unmodeled_fields`).
fn record(model: &Model, result: bool, answer: bool, skip: &[&str]) -> String {
    let mut out = rust_doc(&model.doc, "");
    out.push_str("#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, uniffi::Record)]\n");
    let _ = writeln!(out, "pub struct {} {{", model.name);
    for field in model.fields.iter().filter(|field| !skip.contains(&field.name.as_str())) {
        let optional = !field.required;
        let form = form(&field.ty, optional, result);
        out.push_str(&rust_doc(&field.doc, "    "));
        let mut serde = Vec::new();
        if optional {
            serde.push("default".to_owned());
            if form.ty.starts_with("Option<") {
                serde.push("skip_serializing_if = \"Option::is_none\"".to_owned());
            }
        }
        if let Some(with) = form.with {
            serde.push(format!("with = \"{with}\""));
        }
        if !serde.is_empty() {
            let _ = writeln!(out, "    #[serde({})]", serde.join(", "));
        }
        if optional {
            out.push_str("    #[uniffi(default)]\n");
        }
        let _ = writeln!(out, "    pub {}: {},", rust_field_name(&field.name), form.ty);
    }
    if answer {
        out.push_str(
            "    /// The top-level fields of the answer's `data` this version does not model (a\n    /// platform addition), as the text of a JSON object; `None` when there are none.\n    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    #[uniffi(default)]\n    pub unmodeled_fields: Option<String>,\n",
        );
    }
    out.push_str("}\n");
    if answer {
        let fields: Vec<String> = model.fields.iter().map(|field| format!("{:?}", field.name)).collect();
        let _ = write!(
            out,
            "\nimpl crate::json::Answer for {} {{\n    const FIELDS: &'static [&'static str] = &[{}];\n\n    fn keep_unmodeled(&mut self, fields: String) {{\n        self.unmodeled_fields = Some(fields);\n    }}\n}}\n",
            model.name,
            fields.join(", ")
        );
    }
    out
}

fn models(api: &Api) -> String {
    let mut out = format!(
        "//! The records of the requests, results and client options: what the Kotlin and Swift\n//! sources get as data classes and structs. Field names are the platform's.\n//!\n//! {HEADER}\n\n"
    );
    out.push_str("use serde::{Deserialize, Serialize};\n");
    let mut seen = BTreeSet::new();
    let requests = api.request_models();
    let request_names: BTreeSet<&str> = requests.iter().map(|model| model.name.as_str()).collect();
    for model in requests {
        if seen.insert(model.name.clone()) {
            out.push('\n');
            out.push_str(&record(model, false, false, &[]));
        }
    }
    let answers: BTreeSet<&str> = api.ops.iter().map(|op| op.output.as_str()).collect();
    for model in api.output_models() {
        if seen.insert(model.name.clone()) {
            let result = !request_names.contains(model.name.as_str());
            out.push('\n');
            out.push_str(&record(model, result, result && answers.contains(model.name.as_str()), &[]));
        }
    }
    for model in api.option_models() {
        if seen.insert(model.name.clone()) {
            let skip: Vec<&str> = model
                .fields
                .iter()
                .map(|field| field.name.as_str())
                .filter(|name| CREDENTIALS.contains(name) || name.starts_with('_'))
                .collect();
            out.push('\n');
            out.push_str(&record(model, false, false, &skip));
        }
    }
    out
}

fn native_operations(api: &Api) -> String {
    let mut out = format!(
        "//! The operations of the registry as methods of the native client: an async one, awaited\n//! from a Kotlin coroutine or a Swift task, and a blocking one.\n//!\n//! {HEADER}\n\n"
    );
    out.push_str(
        "use crate::client::NativeClient;\nuse crate::error::NativeError;\nuse crate::models::*;\n\n",
    );
    out.push_str("#[uniffi::export]\nimpl NativeClient {\n");
    for op in &api.ops {
        let (name, request, output) = (&op.name, &op.request, &op.output);
        out.push_str(&rust_doc(&op.doc, "    "));
        let _ = writeln!(
            out,
            "    pub async fn {name}(&self, request: {request}) -> Result<{output}, NativeError> {{\n        self.call_typed(\"{name}\", &request).await\n    }}\n"
        );
        let _ = writeln!(
            out,
            "    /// `{name}`, blocking the calling thread until it is done.\n    pub fn {name}_blocking(&self, request: {request}) -> Result<{output}, NativeError> {{\n        self.call_typed_blocking(\"{name}\", &request)\n    }}\n"
        );
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out.push_str("}\n");
    out
}

fn operations(api: &Api) -> String {
    let mut out = format!("// {HEADER}\n\npackage io.github.larkmsg\n\n");
    out.push_str("/**\n * The operations of the registry, as methods of [Client]: a suspending one for coroutines,\n * and one that blocks the calling thread (`…Blocking`) for Java and plain threads.\n * Each validates the request in the core before anything is sent, and fails with the\n * [LarkException] of the failure's kind.\n */\n");
    out.push_str("abstract class Operations internal constructor() {\n");
    out.push_str(
        "    /** The native client the calls run on. */\n    internal abstract fun native(): NativeClient\n",
    );
    for op in &api.ops {
        let method = camel(&op.name);
        let (request, output) = (&op.request, &op.output);
        out.push('\n');
        out.push_str(&kdoc(&op.doc, "    "));
        let _ = writeln!(
            out,
            "    @Throws(LarkException::class)\n    suspend fun {method}(request: {request}): {output} = lark {{ native().{method}(request) }}\n"
        );
        out.push_str(&kdoc(
            &format!("{}\n\nBlocks the calling thread until it is done.", summary(&op.doc)),
            "    ",
        ));
        let _ = writeln!(
            out,
            "    @Throws(LarkException::class)\n    fun {method}Blocking(request: {request}): {output} = lark {{ native().{method}Blocking(request) }}"
        );
    }
    out.push_str("}\n");
    out
}

/// The Kotlin class of a kind: the shared class name with `Exception` for `Error`, and
/// `Lark` before the names uniffi's runtime takes (`InternalException`).
fn class(name: &str) -> String {
    let base = name.strip_suffix("Error").unwrap_or(name);
    if base == "Internal" { format!("Lark{base}Exception") } else { format!("{base}Exception") }
}

fn error_classes(api: &Api) -> String {
    let mut out = format!("// {HEADER}\n\npackage io.github.larkmsg\n");
    let roots = api.kinds.iter().filter(|kind| kind.parent.is_none());
    for kind in roots.chain(api.kinds.iter().filter(|kind| kind.parent.is_some())) {
        let parent = kind.parent.map_or_else(|| "LarkException".to_owned(), class);
        let has_children = api.kinds.iter().any(|other| other.parent == Some(kind.class));
        out.push('\n');
        out.push_str(&kdoc(kind.doc, ""));
        let _ = writeln!(
            out,
            "{}class {} internal constructor(details: ErrorDetails) : {parent}(details)",
            if has_children { "open " } else { "" },
            class(kind.class)
        );
    }
    // A kind this version does not know is a bug of the library: the kind `internal`.
    let fallback =
        api.kinds.iter().find(|kind| kind.name == "internal").map_or("Internal", |kind| kind.class);
    out.push_str("\n/** The exception of the kind of `details`. */\n");
    out.push_str(
        "internal fun exceptionOf(details: ErrorDetails): LarkException =\n    when (details.kind) {\n",
    );
    for kind in &api.kinds {
        let _ = writeln!(out, "        \"{}\" -> {}(details)", kind.name, class(kind.class));
    }
    let _ = writeln!(out, "        else -> {}(details)\n    }}", class(fallback));
    out
}
