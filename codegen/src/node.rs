//! The npm package's generated files: the tables `index.js` builds the client's methods,
//! the error classes and the key conversion from, and their typings.

use std::fmt::Write as _;

use crate::api::{Api, Model, Ty};
use crate::docs::{camel, clean, summary};
use crate::{Generated, HEADER};

/// Names of error classes this package had before the classes came from the core's list,
/// with the kind they stand for.
const ALIASES: &[(&str, &str)] = &[("PermissionError", "permission")];

/// Every generated Node file.
pub fn generate(api: &Api) -> Vec<Generated> {
    vec![
        Generated { path: "bindings-node/generated.js".into(), text: tables(api) },
        Generated { path: "bindings-node/generated.d.ts".into(), text: typings(api) },
        Generated { path: "bindings-node/generated.mjs".into(), text: esm(api) },
    ]
}

/// A JavaScript string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A JSDoc comment, indented by `indent`.
fn jsdoc(doc: &str, indent: &str) -> String {
    let text = clean(doc).replace("*/", "*\\/");
    if text.is_empty() {
        return String::new();
    }
    if !text.contains('\n') {
        return format!("{indent}/** {text} */\n");
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

fn tables(api: &Api) -> String {
    let mut out = format!("'use strict'\n// {HEADER}\n\n");
    out.push_str("/** The operations of the registry: the call name and the client's method name. */\n");
    out.push_str("exports.OPERATIONS = [\n");
    for op in &api.ops {
        let _ = writeln!(
            out,
            "  {{ name: {}, method: {}, progress: {} }},",
            literal(&op.name),
            literal(&camel(&op.name)),
            op.progress
        );
    }
    out.push_str(
        "]\n\n/** The error kinds: the kind, its class, the parent class and other names of the class. */\n",
    );
    out.push_str("exports.ERROR_KINDS = [\n");
    for kind in &api.kinds {
        let parent = kind.parent.map_or_else(|| "null".to_owned(), literal);
        let aliases: Vec<String> =
            ALIASES.iter().filter(|(_, of)| *of == kind.name).map(|(alias, _)| literal(alias)).collect();
        let _ = writeln!(
            out,
            "  {{ kind: {}, name: {}, parent: {parent}, aliases: [{}] }},",
            literal(kind.name),
            literal(kind.class),
            aliases.join(", ")
        );
    }
    out.push_str("]\n\n/** Keys whose values are the platform's own JSON (content, cards, free maps): never renamed. */\n");
    let keys: Vec<String> = api.opaque_keys().iter().map(|key| literal(key)).collect();
    let _ = writeln!(out, "exports.OPAQUE_KEYS = [{}]", keys.join(", "));
    out
}

/// The ES module's named exports of the error classes (ESM cannot name the exports of a
/// CommonJS module that builds them in a loop).
fn esm(api: &Api) -> String {
    let mut names: Vec<&str> = api.kinds.iter().map(|kind| kind.class).collect();
    names.extend(ALIASES.iter().map(|(alias, _)| *alias));
    let mut out = format!("// {HEADER}\nimport larkmsg from './index.js'\n\nexport const {{\n");
    for name in names {
        let _ = writeln!(out, "  {name},");
    }
    out.push_str("} = larkmsg\n");
    out
}

/// The TypeScript type of a field; requests take objects where the core serializes them.
fn ts(ty: &Ty) -> String {
    match ty {
        Ty::Str => "string".into(),
        Ty::Int | Ty::Float => "number".into(),
        Ty::Bool => "boolean".into(),
        Ty::Any => "unknown".into(),
        Ty::StrOrObject => "string | object".into(),
        Ty::StrOrInt => "string | number".into(),
        Ty::List(inner) => match inner.as_ref() {
            Ty::StrOrObject | Ty::StrOrInt => format!("Array<{}>", ts(inner)),
            _ => format!("{}[]", ts(inner)),
        },
        Ty::Map(inner) => format!("Record<string, {}>", ts(inner)),
        Ty::Model(name) | Ty::Enum(name) => name.clone(),
        Ty::File => "FileInput".into(),
    }
}

fn interface(model: &Model) -> String {
    let mut out = jsdoc(&summary(&model.doc), "");
    let _ = writeln!(out, "export interface {} {{", model.name);
    for field in &model.fields {
        out.push_str(&jsdoc(&summary(&field.doc), "  "));
        let _ = writeln!(
            out,
            "  {}{}: {}",
            camel(&field.name),
            if field.required { "" } else { "?" },
            ts(&field.ty)
        );
    }
    out.push_str("}\n");
    out
}

fn typings(api: &Api) -> String {
    let mut out = format!("// {HEADER}\n\nimport type {{ LarkError }} from './index'\n\n");
    out.push_str("/** A file to upload: a path, its bytes (a `Buffer` or `Uint8Array`), or `{path}` / `{base64}`. */\n");
    out.push_str("export type FileInput = string | Uint8Array | { path: string } | { base64: string }\n\n");
    out.push_str("/** How far a call to many receivers is, in receivers. */\nexport interface Progress {\n  total: number\n  done: number\n  sent: number\n  failed: number\n}\n\n");
    out.push_str("/** Options of a call that reports progress. */\nexport interface ProgressOptions {\n  /** Called after each request (e.g. to move a progress bar). */\n  progress?: (progress: Progress) => void\n}\n\n");
    out.push_str("/** A string enum that also keeps values this version does not know. */\n");
    out.push_str("export type Open<T extends string> = T | (string & {})\n\n");
    let calls: Vec<String> = api.ops.iter().map(|op| literal(&op.name)).collect();
    let _ = writeln!(
        out,
        "/** The call names, in the registry's order. */\nexport type CallName = {}\n",
        calls.join(" | ")
    );
    let kinds: Vec<String> = api.kinds.iter().map(|kind| literal(kind.name)).collect();
    let _ = writeln!(
        out,
        "/** The stable kinds of every failure, shared by every larkmsg binding. */\nexport type ErrorKind = {}\n",
        kinds.join(" | ")
    );
    for open in &api.enums {
        let values: Vec<String> = open.values.iter().map(|value| literal(value)).collect();
        let _ = writeln!(out, "export type {} = Open<{}>", open.name, values.join(" | "));
    }
    out.push('\n');
    let mut seen = std::collections::BTreeSet::new();
    for model in api.request_models().into_iter().chain(api.output_models()) {
        if seen.insert(model.name.clone()) {
            out.push_str(&interface(model));
            out.push('\n');
        }
    }
    out.push_str("/** Each call's request, by name. */\nexport interface CallRequests {\n");
    for op in &api.ops {
        let _ = writeln!(out, "  {}: {}", op.name, op.request);
    }
    out.push_str("}\n\n/** Each call's result, by name. */\nexport interface CallResults {\n");
    for op in &api.ops {
        let _ = writeln!(out, "  {}: {}", op.name, op.output);
    }
    out.push_str("}\n\n/** The operations of the registry, as methods of `Client`. */\nexport interface Operations {\n");
    for op in &api.ops {
        out.push_str(&jsdoc(&op.doc, "  "));
        let options = if op.progress { ", options?: ProgressOptions" } else { "" };
        let _ =
            writeln!(out, "  {}(request: {}{options}): Promise<{}>", camel(&op.name), op.request, op.output);
    }
    out.push_str("}\n");
    let roots = api.kinds.iter().filter(|kind| kind.parent.is_none());
    for kind in roots.chain(api.kinds.iter().filter(|kind| kind.parent.is_some())) {
        out.push('\n');
        out.push_str(&jsdoc(kind.doc, ""));
        // A parent class's code is its own kind or any of its children's.
        let codes: Vec<String> = api
            .kinds
            .iter()
            .filter(|other| other.name == kind.name || other.parent == Some(kind.class))
            .map(|other| literal(other.name))
            .collect();
        let _ = writeln!(
            out,
            "export declare class {} extends {} {{\n  readonly kind: {}\n}}",
            kind.class,
            kind.parent.unwrap_or("LarkError"),
            codes.join(" | ")
        );
        for (alias, _) in ALIASES.iter().filter(|(_, of)| *of == kind.name) {
            let _ = writeln!(out, "/** Another name of `{0}`. */\nexport {{ {0} as {alias} }}", kind.class);
        }
    }
    out
}
