//! Documentation text for other languages: rustdoc links become plain code spans.

/// `doc` with rustdoc's intra-doc links (`` [`Client::send`] ``, `` [`X`](crate::X) ``)
/// turned into code spans, and trailing whitespace trimmed.
pub fn clean(doc: &str) -> String {
    let unindented: Vec<&str> = doc.lines().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect();
    let doc = unindented.join("\n");
    let mut out = String::with_capacity(doc.len());
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("[`") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("`]") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = &after[..end];
        out.push('`');
        out.push_str(name.rsplit("::").next().unwrap_or(name));
        out.push('`');
        rest = &after[end + 2..];
        if rest.starts_with('(') {
            rest = rest.find(')').map_or("", |close| &rest[close + 1..]);
        }
    }
    out.push_str(rest);
    out.trim().to_owned()
}

/// The first paragraph of `doc`, cleaned, on one line.
pub fn summary(doc: &str) -> String {
    let cleaned = clean(doc);
    let first = cleaned.split("\n\n").next().unwrap_or_default();
    first.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `snake_case` → `camelCase`.
pub fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_become_code_spans() {
        assert_eq!(clean("See [`Client::send`] and [`X`](crate::X)."), "See `send` and `X`.");
        assert_eq!(summary("One\nline.\n\nTwo."), "One line.");
        assert_eq!(clean(" A\n b\n\n  c"), "A\nb\n\n c");
        assert_eq!(camel("receive_id_type"), "receiveIdType");
    }
}
