//! `summary.csv` of [`super::assemble`]: the statistics of each regime x
//! population x sweep point, one row per metric.

use std::io::Write;

use anyhow::{Result, bail};
use polars::prelude::{Column, CsvWriter, DataFrame, SerWriter};

use super::{Layout, POPULATION};
use crate::experiment::scenario::Cell;
use crate::output::summary::Stats;

/// `summary.csv`, written a batch of groups at a time.
pub(super) struct SummaryCsv<W: Write> {
    writer: Option<polars::io::csv::write::BatchedWriter<W>>,
    out: Option<W>,
}

impl<W: Write> SummaryCsv<W> {
    pub(super) fn new(out: W) -> Self {
        SummaryCsv {
            writer: None,
            out: Some(out),
        }
    }

    /// The rows of one regime x population x sweep point: one per metric.
    pub(super) fn group(
        &mut self,
        layout: &Layout,
        (regime, population): (&str, &str),
        cells: &[Cell],
        metrics: &[&str],
        stats: &[Stats],
    ) -> Result<()> {
        let n = metrics.len();
        let mut columns = vec![
            Column::new("regime".into(), vec![regime; n]),
            Column::new(POPULATION.into(), vec![population; n]),
        ];
        for ((path, numeric), cell) in layout.sweep.iter().zip(cells) {
            let name = path.as_str().into();
            columns.push(match cell {
                Cell::Number(x) if *numeric => Column::new(name, vec![*x; n]),
                other => Column::new(name, vec![other.to_string(); n]),
            });
        }
        columns.push(Column::new("metric".into(), metrics.to_vec()));
        columns.push(Column::new(
            "n".into(),
            stats.iter().map(|s| s.n).collect::<Vec<u32>>(),
        ));
        type Field = fn(&Stats) -> f64;
        let fields: [(&str, Field); 4] = [
            ("mean", |s| s.mean),
            ("sd", |s| s.sd),
            ("ci_low", |s| s.ci_low),
            ("ci_high", |s| s.ci_high),
        ];
        for (name, f) in fields {
            columns.push(Column::new(
                name.into(),
                stats.iter().map(f).collect::<Vec<f64>>(),
            ));
        }
        let df = DataFrame::new_infer_height(columns)?;
        if self.writer.is_none() {
            let out = self.out.take().expect("output not yet used");
            self.writer = Some(
                CsvWriter::new(out)
                    .include_header(true)
                    .batched(df.schema())?,
            );
        }
        self.writer
            .as_mut()
            .expect("writer started")
            .write_batch(&df)?;
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<()> {
        match self.writer.as_mut() {
            Some(w) => w.finish()?,
            None => bail!("no summary rows"),
        }
        Ok(())
    }
}
