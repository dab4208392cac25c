//! "Did you mean": the known name nearest to a misspelt one.

/// Levenshtein distance between two strings, by characters.
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// The candidate nearest to `name`, if it is near enough to be a plausible typo
/// (at most a third of the name's length, and at least 2 edits allowed), or if
/// one contains the other (`interaction` for `world.interactions`).
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = distance(name, c);
        let contains = name.len() >= 3 && (c.contains(name) || name.contains(c));
        if (d <= limit || contains) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `" (did you mean `x`?)"`, or nothing.
pub fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match nearest(name, candidates) {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("interaction", "interactions"), 1);
        assert_eq!(distance("same", "same"), 0);
    }

    #[test]
    fn suggests_only_plausible_names() {
        let known = ["interactions", "loci", "producers", "problems"];
        assert_eq!(nearest("interaction", known), Some("interactions"));
        assert_eq!(nearest("produceres", known), Some("producers"));
        assert_eq!(nearest("loki", known), Some("loci"));
        assert_eq!(nearest("zzzzzzzz", known), None);
        assert_eq!(hint("zzzzzzzz", known), "");
    }
}
