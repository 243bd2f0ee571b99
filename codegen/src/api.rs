//! The registry as the generators see it: operations, the models their requests and results
//! are made of, the open string enums, and the error kinds, read from the core's registry
//! and the JSON Schemas of its types.

use std::collections::BTreeSet;

use larkmsg::{Endpoint, ErrorKind};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value};

/// A field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A string.
    Str,
    /// An integer.
    Int,
    /// A number with a fraction (a share, a ratio).
    Float,
    /// A boolean.
    Bool,
    /// Any JSON value, kept as given.
    Any,
    /// A string, or any JSON object the core serializes to one.
    StrOrObject,
    /// A string or an integer.
    StrOrInt,
    /// A list.
    List(Box<Ty>),
    /// An object with free keys, kept as given.
    Map(Box<Ty>),
    /// A model (an object with named fields).
    Model(String),
    /// An open string enum: one of the known values or any other string.
    Enum(String),
    /// A file to upload: a path, or bytes (each binding's own byte type).
    File,
}

impl Ty {
    /// The models this type refers to.
    fn models(&self) -> Vec<&str> {
        match self {
            Self::Model(name) => vec![name.as_str()],
            Self::List(inner) | Self::Map(inner) => inner.models(),
            _ => Vec::new(),
        }
    }

    /// Whether the value is the platform's own JSON, whose keys bindings never rename.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Self::Any | Self::StrOrObject | Self::Map(_))
    }
}

/// One field of a model.
#[derive(Debug, Clone)]
pub struct Field {
    /// The snake_case name, as on the wire.
    pub name: String,
    /// The type.
    pub ty: Ty,
    /// Whether decoding needs it.
    pub required: bool,
    /// Its documentation.
    pub doc: String,
}

/// An object with named fields.
#[derive(Debug, Clone)]
pub struct Model {
    /// The Rust type's name, used by every binding.
    pub name: String,
    /// Its documentation.
    pub doc: String,
    /// Its fields, in declaration order.
    pub fields: Vec<Field>,
}

/// An open string enum.
#[derive(Debug, Clone)]
pub struct OpenEnum {
    /// The Rust type's name.
    pub name: String,
    /// The values this version knows.
    pub values: Vec<String>,
}

/// One operation of the registry.
#[derive(Debug, Clone)]
pub struct Op {
    /// The call name, snake_case.
    pub name: String,
    /// Its documentation.
    pub doc: String,
    /// The request model.
    pub request: String,
    /// The result model.
    pub output: String,
    /// Whether the call reports progress (a flow over many receivers).
    pub progress: bool,
}

/// One error kind.
#[derive(Debug, Clone)]
pub struct Kind {
    /// The snake_case name.
    pub name: &'static str,
    /// The class name in every binding.
    pub class: &'static str,
    /// The parent kind's class name.
    pub parent: Option<&'static str>,
    /// The number in the C API.
    pub code: u32,
    /// Its documentation.
    pub doc: &'static str,
}

/// Everything the generators need.
#[derive(Debug)]
pub struct Api {
    /// The operations, in the registry's order, then the flows.
    pub ops: Vec<Op>,
    /// Every model, in the order the schemas define them.
    pub models: Vec<Model>,
    /// Every open enum.
    pub enums: Vec<OpenEnum>,
    /// The error kinds.
    pub kinds: Vec<Kind>,
    /// The model of the client options (`ClientOptions`).
    pub options: String,
}

impl Api {
    /// Reads the core's registry and schemas.
    pub fn read() -> Self {
        let mut generator = SchemaSettings::draft2020_12().into_generator();
        let schemas = larkmsg::schemas(&mut generator);
        let options = reference(generator.subschema_for::<larkmsg::ClientOptions>().as_value());
        let flows = larkmsg::flow_schemas(&mut generator);
        let definitions = generator.definitions().clone();
        let mut models = Vec::new();
        let mut enums = Vec::new();
        for (name, schema) in &definitions {
            if let Some(values) = open_enum_values(schema) {
                enums.push(OpenEnum { name: name.clone(), values });
            } else if schema.get("properties").is_some() {
                models.push(model(name, schema, &definitions));
            }
        }
        let operations = schemas.iter().map(|(endpoint, request, output)| Op {
            name: endpoint.name().to_owned(),
            doc: endpoint.docs().trim().to_owned(),
            request: reference(request.as_value()).unwrap_or_default(),
            output: reference(output.as_value()).unwrap_or_default(),
            progress: false,
        });
        let flows = flows.iter().map(|(flow, request, output)| Op {
            name: flow.name.to_owned(),
            doc: flow.docs.trim().to_owned(),
            request: reference(request.as_value()).unwrap_or_default(),
            output: reference(output.as_value()).unwrap_or_default(),
            progress: flow.progress,
        });
        let ops = operations.chain(flows).collect();
        let kinds = ErrorKind::ALL
            .iter()
            .map(|kind| Kind {
                name: kind.as_str(),
                class: kind.class_name(),
                parent: kind.parent().map(ErrorKind::class_name),
                code: kind.c_code(),
                doc: kind.docs(),
            })
            .collect();
        debug_assert_eq!(Endpoint::ALL.len(), schemas.len());
        Self { ops, models, enums, kinds, options: options.unwrap_or_default() }
    }

    /// The model named `name`.
    pub fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|model| model.name == name)
    }

    /// The models reachable from `roots` (the roots first, then what they use), each once.
    pub fn reachable<'a>(&'a self, roots: impl IntoIterator<Item = &'a str>) -> Vec<&'a Model> {
        let mut seen = BTreeSet::new();
        let mut order = Vec::new();
        let mut queue: Vec<&str> = roots.into_iter().collect();
        while let Some(name) = queue.first().copied() {
            queue.remove(0);
            if !seen.insert(name.to_owned()) {
                continue;
            }
            if let Some(model) = self.model(name) {
                order.push(model);
                queue.extend(model.fields.iter().flat_map(|field| field.ty.models()));
            }
        }
        order
    }

    /// The models of the requests, and what they use.
    pub fn request_models(&self) -> Vec<&Model> {
        self.reachable(self.ops.iter().map(|op| op.request.as_str()))
    }

    /// The models of the results, and what they use.
    pub fn output_models(&self) -> Vec<&Model> {
        self.reachable(self.ops.iter().map(|op| op.output.as_str()))
    }

    /// The models of the client options, and what they use.
    pub fn option_models(&self) -> Vec<&Model> {
        self.reachable([self.options.as_str()])
    }

    /// The names of every opaque field (kept as given by the bindings' key conversion).
    pub fn opaque_keys(&self) -> Vec<String> {
        let keys: BTreeSet<String> = self
            .models
            .iter()
            .flat_map(|model| model.fields.iter())
            .filter(|field| field.ty.is_opaque())
            .map(|field| field.name.clone())
            .collect();
        keys.into_iter().collect()
    }
}

fn model(name: &str, schema: &Value, definitions: &Map<String, Value>) -> Model {
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let fields = schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(field, property)| Field {
            name: field.clone(),
            ty: ty(property, definitions),
            required: required.contains(field.as_str()),
            doc: description(property),
        })
        .collect();
    Model { name: name.to_owned(), doc: description(schema), fields }
}

fn description(schema: &Value) -> String {
    schema.get("description").and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn reference(schema: &Value) -> Option<String> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/$defs/").map(str::to_owned)
}

/// The known values of an open enum's schema: `anyOf: [{enum: [...]}, {type: string}]`.
fn open_enum_values(schema: &Value) -> Option<Vec<String>> {
    let options = schema.get("anyOf")?.as_array()?;
    let values = options.first()?.get("enum")?.as_array()?;
    (options.len() == 2).then(|| values.iter().filter_map(Value::as_str).map(str::to_owned).collect())
}

/// The type of a property's schema, `null` alternatives dropped (optionality is the
/// model's `required` list).
fn ty(schema: &Value, definitions: &Map<String, Value>) -> Ty {
    if schema == &Value::Bool(true)
        || schema.as_object().is_some_and(|o| o.keys().all(|k| k == "description"))
    {
        return Ty::Any;
    }
    if let Some(name) = reference(schema) {
        if name == "FileSource" {
            return Ty::File;
        }
        let target = definitions.get(&name);
        return match target {
            Some(target) if open_enum_values(target).is_some() => Ty::Enum(name),
            Some(target) if target.get("properties").is_some() => Ty::Model(name),
            Some(target) => ty(target, definitions),
            None => Ty::Any,
        };
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        let kept: Vec<&Value> = options.iter().filter(|option| !is_null(option)).collect();
        return match kept.as_slice() {
            [one] => ty(one, definitions),
            [a, b] if type_name(a) == Some("string") && type_name(b) == Some("object") => Ty::StrOrObject,
            _ => Ty::Any,
        };
    }
    let types: Vec<&str> = match schema.get("type") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect(),
        _ => Vec::new(),
    };
    match types.as_slice() {
        ["string"] => Ty::Str,
        ["integer"] => Ty::Int,
        ["number"] => Ty::Float,
        ["boolean"] => Ty::Bool,
        ["string", "integer"] => Ty::StrOrInt,
        ["array"] => Ty::List(Box::new(schema.get("items").map_or(Ty::Any, |items| ty(items, definitions)))),
        ["object"] => {
            let values = schema.get("additionalProperties").map_or(Ty::Any, |values| ty(values, definitions));
            Ty::Map(Box::new(values))
        }
        _ => Ty::Any,
    }
}

fn is_null(schema: &Value) -> bool {
    type_name(schema) == Some("null")
}

fn type_name(schema: &Value) -> Option<&str> {
    schema.get("type")?.as_str()
}
