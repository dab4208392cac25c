//! Which charts an output directory gets: the overview, the default set unless
//! the scenario replaces it, then its `[[charts]]`, each with its look (the
//! scenario's controls, overridden by `regimes plot`'s options).

use crate::experiment::chart_spec::{ChartKind, ChartsMode, Look};

use super::data::{By, Outputs, POPULATION_SHARE};
use super::{CHART_METRICS, Job, JobKind};
use crate::model::HEADLINE;

/// A file-name-safe form of a parameter path.
pub fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// The charts to draw: the overview (and a mixed world's population shares),
/// the defaults unless the scenario replaces them (with a mixed world's
/// headline metrics by population), then its `[[charts]]` (a scenario chart
/// with a default's file name replaces it). Entries that cannot be drawn become warnings. Display names
/// given in any entry apply to every chart; `over` (the options of `regimes
/// plot`) overrides every chart's look.
pub fn plan(out: &Outputs, over: &Look) -> (Vec<Job>, Vec<String>) {
    let mut warnings = out.spec_errors.clone();
    let mut names = Look::default();
    for spec in &out.specs {
        names.names.extend(spec.look.names.clone());
    }
    let base = names.overridden_by(over);
    let job = |stem: String, kind: JobKind, metric: &str| Job {
        stem,
        kind,
        metric: metric.to_string(),
        title: None,
        regimes: None,
        by: By::Regime,
        look: base.clone(),
    };
    let by_population = |j: Job| Job {
        stem: format!("population_{}", j.stem),
        by: By::Population,
        ..j
    };
    let mixed = out.has_populations();
    // A mixed world's overview shows its populations beside the world: one
    // line of the world alone would say little.
    let overview = job("overview".into(), JobKind::Overview, "");
    let overview = match mixed {
        true => Job {
            by: By::Population,
            ..overview
        },
        false => overview,
    };
    let mut jobs = vec![overview];
    if mixed && out.has_series_metric(POPULATION_SHARE) {
        jobs.push(by_population(job(
            "shares".into(),
            JobKind::Shares,
            POPULATION_SHARE,
        )));
    }
    if out.mode == ChartsMode::Add {
        for m in CHART_METRICS.iter().filter(|m| out.has_series_metric(m)) {
            jobs.push(job(format!("timeseries_{m}"), JobKind::Timeseries, m));
        }
        if !out.params.is_empty() {
            for m in CHART_METRICS.iter().filter(|m| out.has_run_metric(m)) {
                let stem = format!("sweep_{m}_by_{}", slug(&out.params[0].name));
                jobs.push(job(stem, JobKind::Sweep { x: 0, facet: None }, m));
            }
        }
        // The headline metrics of each population beside the world's: against
        // the first swept parameter, or as bars without a sweep.
        if mixed {
            for m in HEADLINE.iter().filter(|m| out.has_run_metric(m)) {
                let (stem, kind) = match out.params.first() {
                    Some(p) => (
                        format!("sweep_{m}_by_{}", slug(&p.name)),
                        JobKind::Sweep { x: 0, facet: None },
                    ),
                    None => (format!("bars_{m}"), JobKind::Bars),
                };
                jobs.push(by_population(job(stem, kind, m)));
            }
        }
    }
    let param = |name: &Option<String>| -> Result<Option<usize>, String> {
        match name {
            None => Ok(None),
            Some(n) => out
                .params
                .iter()
                .position(|p| &p.name == n)
                .map(Some)
                .ok_or_else(|| format!("`{n}` is not a swept parameter")),
        }
    };
    for (i, spec) in out.specs.iter().enumerate() {
        let m = &spec.metric;
        let kind = match spec.kind {
            ChartKind::Timeseries if out.has_series_metric(m) => {
                Ok((format!("timeseries_{m}"), JobKind::Timeseries))
            }
            ChartKind::Timeseries => Err(format!("the time series have no metric `{m}`")),
            _ if !out.has_run_metric(m) => Err(format!("runs.parquet has no metric `{m}`")),
            ChartKind::Bars => Ok((format!("bars_{m}"), JobKind::Bars)),
            ChartKind::Sweep if out.params.is_empty() => Err("the scenario has no [sweep]".into()),
            ChartKind::Sweep => param(&spec.x).and_then(|x| {
                let x = x.unwrap_or(0);
                // Facets come first by default from the first other parameter:
                // asking for it explicitly draws the default chart.
                let first_other = (0..out.params.len()).find(|&i| i != x);
                let facet = param(&spec.facet)?.filter(|f| *f != x && Some(*f) != first_other);
                let mut stem = format!("sweep_{m}_by_{}", slug(&out.params[x].name));
                if let Some(f) = facet {
                    stem += &format!("_facet_{}", slug(&out.params[f].name));
                }
                Ok((stem, JobKind::Sweep { x, facet }))
            }),
        };
        let rows = out.row_names(spec.by);
        let unknown = spec.regimes.iter().flatten().find(|r| !rows.contains(r));
        let kind = match (unknown, spec.by) {
            (_, By::Population) if !mixed => Err(
                "the tables have no populations (`by = \"population\"` needs a mixed world)".into(),
            ),
            (Some(r), By::Regime) => Err(format!("the tables have no regime `{r}`")),
            (Some(r), By::Population) => Err(format!("the tables have no population `{r}`")),
            (None, _) => kind,
        };
        match kind {
            Ok((stem, kind)) => {
                let stem = match spec.by {
                    By::Regime => stem,
                    By::Population => format!("population_{stem}"),
                };
                // Names merge: the scenario's, the entry's, then the options'.
                let look = names.overridden_by(&spec.look).overridden_by(over);
                let job = Job {
                    stem,
                    kind,
                    metric: m.clone(),
                    title: spec.title.clone(),
                    regimes: spec.regimes.clone(),
                    by: spec.by,
                    look,
                };
                match jobs.iter_mut().find(|j| j.stem == job.stem) {
                    Some(old) => *old = job,
                    None => jobs.push(job),
                }
            }
            Err(e) => warnings.push(format!("[[charts]] entry {} skipped: {e}", i + 1)),
        }
    }
    (jobs, warnings)
}
