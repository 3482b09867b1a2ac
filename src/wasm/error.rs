//! Core errors as JS `Error` objects named `DeidError`, with `code`, `row` and `column`.

use wasm_bindgen::JsValue;

/// A binding result: `Err` is thrown in JS.
pub type JsResult<T> = Result<T, JsValue>;

/// The core error as a `DeidError`.
pub fn into_js(err: crate::Error) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    js.set_name("DeidError");
    let position = err.position();
    set(&js, "code", &err.code().into());
    if let Some(row) = position.record {
        set(&js, "row", &(row as f64).into());
    }
    if let Some(name) = &position.column_name {
        set(&js, "column", &name.into());
    }
    if let Some(line) = position.line {
        set(&js, "line", &(line as f64).into());
    }
    if let crate::ErrorKind::Policy { path, .. } = err.kind() {
        set(&js, "path", &path.into());
    }
    js.into()
}

/// A plain JS object read as a serde document. It goes through `JSON.stringify` and serde_json
/// rather than serde-wasm-bindgen, because the latter reads only the fields it knows and so cannot
/// refuse unknown keys (`deny_unknown_fields`); this way a document is parsed by exactly the same
/// code, with the same messages, as in the CLI.
pub fn from_js<T: serde::de::DeserializeOwned>(value: &JsValue) -> JsResult<T> {
    let json =
        js_sys::JSON::stringify(value).map_err(|_| argument("not a JSON-compatible object"))?;
    serde_json::from_str(&String::from(json)).map_err(argument)
}

/// A bad argument from JS (e.g. an options object with an unknown key).
pub fn argument(err: impl std::fmt::Display) -> JsValue {
    into_js(crate::Error::new(crate::ErrorKind::InvalidArgument(
        err.to_string(),
    )))
}

/// Sets a property on a fresh object (cannot fail).
pub fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &key.into(), value);
}
