//! The rules every upload shares: the file can be read, is not empty, and is not too large.

use super::source::FileSource;
use crate::validate::{Rule, Validator};

/// One mebibyte: the platform's "MB" in its size limits.
pub(crate) const MB: u64 = 1024 * 1024;

/// Checks that `source` can be read and holds 1 to `max` bytes; returns whether it does.
pub(crate) fn check_size(v: &mut Validator, path: &str, source: &FileSource, max: u64) -> bool {
    match source.size() {
        Err(error) => {
            v.push(path, Rule::Required, format!("cannot read {}: {error}", source.describe()));
            false
        }
        Ok(0) => {
            v.push(path, Rule::Size, "must not be empty (0 bytes)");
            false
        }
        Ok(len) if len > max => {
            let message = format!("must be at most {} MB ({max} bytes), got {len} bytes", max / MB);
            v.push(path, Rule::Size, message);
            false
        }
        Ok(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_unreadable_files_are_violations() {
        let mut v = Validator::new();
        assert!(check_size(&mut v, "file", &FileSource::bytes(vec![1u8; 3]), 3));
        assert!(!check_size(&mut v, "file", &FileSource::bytes(vec![1u8; 4]), 3));
        assert!(!check_size(&mut v, "file", &FileSource::bytes(Vec::new()), 3));
        assert!(!check_size(&mut v, "file", &FileSource::path("/nonexistent/larkmsg.png"), 3));
        let violations = v.finish().unwrap_err();
        let rules: Vec<Rule> = violations.as_slice().iter().map(|v| v.rule).collect();
        assert_eq!(rules, [Rule::Size, Rule::Size, Rule::Required]);
        assert!(violations.as_slice()[2].message.contains("/nonexistent/larkmsg.png"));
    }
}
