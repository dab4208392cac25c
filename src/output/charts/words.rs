//! Parameters and metrics in words, for titles, axes and captions.

use super::{scale, ticks};
use crate::experiment::chart_spec::{Look, YScale};
use crate::model::metric_info;

/// `populations.NAME.KEY` as `(NAME, KEY)`.
pub(super) fn population_key(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix("populations.")?.split_once('.')
}

/// A parameter path in words, from its meaning in `regimes explain`:
/// "world.problems" reads "number of problems (M)", "regime.patent_term" reads
/// "patent term".
pub fn param_words(path: &str) -> String {
    // A population's setting reads as that population's: "open population's
    // share of producers", "closed population's levy ..." (spec §5).
    if let Some((population, key)) = population_key(path) {
        let words = match key {
            "share" => "share of producers".to_string(),
            key => param_words(&format!("regime.{key}")),
        };
        return format!("{population} population's {words}");
    }
    let key = path.rsplit('.').next().unwrap_or(path);
    let plain = key.replace('_', " ");
    let Some(param) = crate::model::params::find(path) else {
        return plain;
    };
    // Meanings of symbols read "K, epistatic neighbours per locus: ...".
    let symbol = param.symbol;
    let Some(rest) = param
        .meaning
        .strip_prefix(symbol)
        .and_then(|r| r.strip_prefix(", "))
        .filter(|_| !symbol.is_empty())
    else {
        return plain;
    };
    let phrase = rest
        .split([':', '(', '.', ';', ','])
        .next()
        .unwrap_or(rest)
        .trim();
    let phrase = phrase.strip_prefix("the ").unwrap_or(phrase);
    if phrase.is_empty() {
        plain
    } else {
        format!("{phrase} ({symbol})")
    }
}

/// The axis label of a metric, in plain words with its unit.
pub fn metric_label(metric: &str) -> String {
    match metric_info(metric) {
        Some(m) => m.label.to_string(),
        None if metric == "cumulative_welfare" => "cumulative welfare (sum over the run)".into(),
        None => metric.replace('_', " "),
    }
}

/// "duplicated effort (share of trials)" -> "Duplicated effort", for titles.
pub fn title_case(label: &str) -> String {
    let head = label.split(" (").next().unwrap_or(label);
    let mut c = head.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// What a chart's caption must say about its value axes: a log scale, or an
/// axis that leaves zero out (small gaps then look large).
pub fn axis_notes(axes: &[ticks::Axis], look: &Look) -> String {
    let mut notes = String::new();
    if axes.iter().any(|a| a.log) {
        notes += " Logarithmic value axis: equal steps are equal ratios.";
    } else if look.y_scale == Some(YScale::Log) {
        notes += " Linear value axis: a log scale cannot show means at or below zero.";
    }
    if axes.iter().any(scale::excludes_zero) {
        notes += " The value axis does not start at zero: differences look larger than they are.";
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_populations_setting_reads_as_that_populations() {
        assert_eq!(
            param_words("populations.open.share"),
            "open population's share of producers"
        );
        assert_eq!(
            param_words("populations.closed.patent_term"),
            format!("closed population's {}", param_words("regime.patent_term"))
        );
        assert_eq!(population_key("world.problems"), None);
    }
}
