//! The Python package's generated modules: request `TypedDict`s, result classes, the
//! operations' methods and the error classes.

use std::fmt::Write as _;

use crate::api::{Api, Model, Ty};
use crate::docs::{clean, summary};
use crate::{Generated, HEADER};

const DIR: &str = "bindings-python/python/larkmsg";

/// Names of error classes this package had before the classes came from the core's list,
/// with the kind they stand for.
const ALIASES: &[(&str, &str)] = &[("ValidationError", "invalid_argument")];

/// Every generated Python module.
pub fn generate(api: &Api) -> Vec<Generated> {
    vec![
        Generated { path: format!("{DIR}/types.py"), text: types(api) },
        Generated { path: format!("{DIR}/_results.py"), text: results(api) },
        Generated { path: format!("{DIR}/_operations.py"), text: operations(api) },
        Generated { path: format!("{DIR}/_error_classes.py"), text: error_classes(api) },
    ]
}

fn header(doc: &str) -> String {
    format!("\"\"\"{doc}\n\n{HEADER}\n\"\"\"\n\nfrom __future__ import annotations\n\n")
}

/// A Python string literal.
fn literal(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A docstring, indented by `indent`.
fn docstring(doc: &str, indent: &str) -> String {
    let text = rst(&clean(doc)).replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    if text.is_empty() {
        return String::new();
    }
    let mut out = format!("{indent}\"\"\"");
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(indent);
            }
        }
        out.push_str(line);
    }
    out.push_str("\"\"\"\n");
    out
}

/// Markdown code spans (`` `x` ``) as reStructuredText literals (``` ``x`` ```).
fn rst(text: &str) -> String {
    text.replace("``", "\u{0}").replace(['`', '\u{0}'], "``")
}

/// Items one a line, indented, each followed by a comma.
fn lines(items: &[impl AsRef<str>]) -> String {
    items.iter().map(|item| format!("    {},\n", item.as_ref())).collect()
}

/// `__all__ = [...]`, one name a line.
fn all(names: &[&str]) -> String {
    let mut out = String::from("__all__ = [\n");
    for name in names {
        let _ = writeln!(out, "    {},", literal(name));
    }
    out.push_str("]\n");
    out
}

/// The type of a request field (runtime-safe on Python 3.9: `typing` generics).
fn request_ty(ty: &Ty) -> String {
    match ty {
        Ty::Str | Ty::Enum(_) => "str".into(),
        Ty::Int => "int".into(),
        Ty::Float => "float".into(),
        Ty::Bool => "bool".into(),
        Ty::Any => "Any".into(),
        Ty::StrOrObject => "Union[str, Dict[str, Any]]".into(),
        Ty::StrOrInt => "Union[str, int]".into(),
        Ty::List(inner) => format!("List[{}]", request_ty(inner)),
        Ty::Map(inner) => format!("Dict[str, {}]", request_ty(inner)),
        Ty::Model(name) => name.clone(),
        Ty::File => "FileInput".into(),
    }
}

/// The type of a result attribute.
fn result_ty(ty: &Ty) -> String {
    match ty {
        Ty::Str | Ty::Enum(_) => "str".into(),
        Ty::Int => "int".into(),
        Ty::Float => "float".into(),
        Ty::Bool => "bool".into(),
        Ty::Any | Ty::StrOrObject | Ty::File => "Any".into(),
        Ty::StrOrInt => "str | int".into(),
        Ty::List(inner) => format!("list[{}]", result_ty(inner)),
        Ty::Map(inner) => format!("dict[str, {}]", result_ty(inner)),
        Ty::Model(name) => name.clone(),
    }
}

fn typed_dict(model: &Model) -> String {
    let mut out = String::new();
    let keyword = model.fields.iter().any(|field| is_keyword(&field.name));
    if keyword {
        let fields: Vec<String> =
            model.fields.iter().map(|f| format!("{}: {}", literal(&f.name), request_ty(&f.ty))).collect();
        let _ = writeln!(
            out,
            "{} = TypedDict({}, {{{}}}, total=False)",
            model.name,
            literal(&model.name),
            fields.join(", ")
        );
        out.push_str(&docstring(&summary(&model.doc), ""));
        return out;
    }
    let _ = writeln!(out, "class {}(TypedDict, total=False):", model.name);
    out.push_str(&docstring(&summary(&model.doc), "    "));
    out.push('\n');
    for field in &model.fields {
        let _ = writeln!(out, "    {}: {}", field.name, request_ty(&field.ty));
        out.push_str(&docstring(&summary(&field.doc), "    "));
    }
    out
}

fn is_keyword(name: &str) -> bool {
    matches!(
        name,
        "from"
            | "class"
            | "def"
            | "import"
            | "global"
            | "lambda"
            | "pass"
            | "return"
            | "with"
            | "yield"
            | "in"
            | "is"
            | "not"
            | "or"
            | "and"
            | "if"
            | "else"
            | "for"
            | "while"
            | "try"
            | "raise"
            | "del"
    )
}

fn types(api: &Api) -> String {
    let models = api.request_models();
    let mut out = header(
        "``TypedDict``s of the requests (for type checkers; plain dicts at run time).\n\nThe requests are flat: path parameters (``message_id``) and query parameters\n(``receive_id_type``, ``user_id_type``) sit next to the body fields, exactly as the\nplatform's pages name them.",
    );
    out.push_str("import os\nfrom typing import Any, Dict, List, TypedDict, Union\n\n");
    out.push_str("from ._options import ClientOptions, RetryOptions, SharedOptions, TimeoutOptions\n\n");
    let mut names: Vec<&str> =
        vec!["ClientOptions", "RetryOptions", "SharedOptions", "TimeoutOptions", "FileInput"];
    names.extend(models.iter().map(|model| model.name.as_str()));
    out.push_str(&all(&names));
    out.push_str("\nFileInput = Union[str, \"os.PathLike[str]\", bytes, bytearray, memoryview, Dict[str, Any]]\n\"\"\"A file to upload: a path (``str`` or path-like), bytes, or ``{\"path\"}`` / ``{\"base64\"}``.\"\"\"\n");
    for model in models.iter().rev() {
        out.push_str("\n\n");
        out.push_str(&typed_dict(model));
    }
    out
}

fn results(api: &Api) -> String {
    let models = api.output_models();
    let mut out =
        header("The result classes: attribute access over the JSON the core returns, and ``to_dict()``.");
    out.push_str("from typing import Any\n\nfrom ._result import Result\n\n");
    let mut names: Vec<&str> = models.iter().map(|model| model.name.as_str()).collect();
    names.sort_unstable();
    out.push_str(&all(&names));
    for model in models.iter().rev() {
        let _ = write!(out, "\n\nclass {}(Result):\n", model.name);
        out.push_str(&docstring(&summary(&model.doc), "    "));
        out.push_str("\n    __slots__ = ()\n");
        let entries: Vec<String> = model
            .fields
            .iter()
            .map(|field| {
                let nested = match &field.ty {
                    Ty::Model(name) => name.clone(),
                    Ty::List(inner) => match inner.as_ref() {
                        Ty::Model(name) => name.clone(),
                        _ => "None".into(),
                    },
                    _ => "None".into(),
                };
                format!("{}: {nested}", literal(&field.name))
            })
            .collect();
        let _ = writeln!(out, "    _fields = {{{}}}", entries.join(", "));
        let lists: Vec<String> = model
            .fields
            .iter()
            .filter(|field| matches!(field.ty, Ty::List(_)))
            .map(|field| literal(&field.name))
            .collect();
        if !lists.is_empty() {
            let _ = writeln!(out, "    _lists = frozenset({{{}}})", lists.join(", "));
        }
        for field in &model.fields {
            let ty = result_ty(&field.ty);
            let optional = !field.required && !matches!(field.ty, Ty::List(_) | Ty::Bool);
            let _ = writeln!(out, "    {}: {ty}{}", field.name, if optional { " | None" } else { "" });
            out.push_str(&docstring(&summary(&field.doc), "    "));
        }
    }
    out
}

fn operations(api: &Api) -> String {
    let mut out = header(
        "The operations of the registry, as methods of ``Client`` (``SyncOperations``) and\n``AsyncClient`` (``AsyncOperations``).",
    );
    out.push_str("from typing import TYPE_CHECKING, Any, TypeVar\n\n");
    let mut results: Vec<&str> = api.ops.iter().map(|op| op.output.as_str()).collect();
    results.sort_unstable();
    results.dedup();
    let _ = writeln!(out, "from ._result import Result\nfrom ._results import (\n{})\n", lines(&results));
    let mut requests: Vec<&str> = api.ops.iter().map(|op| op.request.as_str()).collect();
    requests.sort_unstable();
    out.push_str("if TYPE_CHECKING:\n    from collections.abc import Mapping\n\n    from typing_extensions import Unpack\n\n    from ._progress import ProgressCallback\n");
    let _ = writeln!(
        out,
        "    from .types import (\n{}    )\n",
        lines(&requests).lines().map(|l| format!("    {l}\n")).collect::<String>()
    );
    out.push_str(&all(&["CALLS", "RESULTS", "SyncOperations", "AsyncOperations"]));
    out.push('\n');
    out.push_str("_R = TypeVar(\"_R\", bound=Result)\n\n");
    let names: Vec<String> = api.ops.iter().map(|op| literal(&op.name)).collect();
    let _ = writeln!(
        out,
        "CALLS = (\n{})\n\"\"\"The calls by name, in the registry's order.\"\"\"\n",
        lines(&names)
    );
    let entries: Vec<String> =
        api.ops.iter().map(|op| format!("{}: {}", literal(&op.name), op.output)).collect();
    let _ = writeln!(
        out,
        "RESULTS: dict[str, type[Result]] = {{\n{}}}\n\"\"\"The result class of each call.\"\"\"",
        lines(&entries)
    );
    for (class, is_async) in [("SyncOperations", false), ("AsyncOperations", true)] {
        let (def, awaited, host) =
            if is_async { ("async def", "await ", "AsyncClient") } else { ("def", "", "Client") };
        let _ = write!(
            out,
            "\n\nclass {class}:\n    \"\"\"The operations of the registry, as methods of ``{host}``.\"\"\"\n\n"
        );
        let _ = writeln!(
            out,
            "    {def} _run(\n        self,\n        name: str,\n        result: type[_R],\n        request: Mapping[str, Any] | None,\n        fields: Mapping[str, Any],\n        progress: ProgressCallback | None = None,\n    ) -> _R:\n        raise NotImplementedError\n"
        );
        for op in &api.ops {
            let progress = if op.progress { "*, progress: ProgressCallback | None = None, " } else { "" };
            let _ = writeln!(
                out,
                "    {def} {name}(\n        self, request: {req} | None = None, /, {progress}**fields: Unpack[{req}]\n    ) -> {output}:",
                name = op.name,
                req = op.request,
                output = op.output,
            );
            let mut doc = op.doc.clone();
            if op.progress {
                doc.push_str("\n\n`progress` is called with a `Progress` (`total`, `done`, `sent`, `failed` receivers) after each request, or is a `tqdm` bar (anything with `update(n)`).");
            }
            out.push_str(&docstring(&doc, "        "));
            let passed = if op.progress { ", progress" } else { "" };
            let _ = writeln!(
                out,
                "        return {awaited}self._run({}, {}, request, fields{passed})\n",
                literal(&op.name),
                op.output
            );
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn error_classes(api: &Api) -> String {
    let mut out = header("The exception class of each error kind of the core.");
    out.push_str("from ._errors import LarkError\n\n");
    let mut names: Vec<&str> = api.kinds.iter().map(|kind| kind.class).collect();
    names.extend(ALIASES.iter().map(|(alias, _)| *alias));
    names.sort_unstable();
    out.push_str(&all(&names));
    let roots = api.kinds.iter().filter(|kind| kind.parent.is_none());
    let children = api.kinds.iter().filter(|kind| kind.parent.is_some());
    for kind in roots.chain(children) {
        let mut bases = vec![kind.parent.unwrap_or("LarkError")];
        // Python's idiom for bad arguments.
        if kind.name == "invalid_argument" {
            bases.push("ValueError");
        }
        let _ = write!(out, "\n\nclass {}({}):\n", kind.class, bases.join(", "));
        out.push_str(&docstring(kind.doc, "    "));
        let _ = writeln!(out, "\n    kind = {}", literal(kind.name));
        for (alias, _) in ALIASES.iter().filter(|(_, of)| *of == kind.name) {
            let _ = writeln!(
                out,
                "\n\n{alias} = {}\n\"\"\"Another name of :class:`{}`.\"\"\"",
                kind.class, kind.class
            );
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
