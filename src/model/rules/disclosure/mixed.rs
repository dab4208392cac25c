//! Publication in a mixed world (spec §5, docs/MODEL.md D46, D48): each
//! holder's records follow its population's rule.

use crate::model::network::MixedSight;
use crate::model::rules::Context;
use crate::model::state::{Problems, Producers};

/// Publication on problem `j` in a mixed world (spec §5): the best record of
/// an open population's holder is published at once, and the improvements of
/// patent populations open after their own population's term: each term has
/// its ring (`Problems::patent_terms`), which keeps the best improvement of
/// each step made in the populations of that term. Out of line, so that a
/// single-regime run's loop stays as it was.
#[inline(never)]
pub(super) fn publish_mixed(
    cx: Context,
    m: &MixedSight,
    p: &Producers,
    q: &mut Problems,
    members: &[u32],
    start_quality: &[f64],
    j: usize,
) {
    let t = cx.clock.time as usize;
    if let Some(rec) = q.records(j).iter().find(|r| m.is_open(r.holder)).copied()
        && rec.solution.quality > q.open_quality(j)
    {
        q.open[j] = Some(rec.solution);
        q.open_population[j] = m.holder_population(rec.holder);
    }
    // Rings in order: when two expire at once, the better opens (ties: the
    // earlier ring).
    let (row, mut offset) = (q.patent_row(), 0);
    for r in 0..q.patent_terms.len() {
        let term = q.patent_terms[r];
        let patented = |i: &&u32| {
            let k = p.population[**i as usize];
            cx.regime(k).patent_term == Some(term as u32) && !m.is_open(**i)
        };
        let improvement = (members.iter().filter(patented))
            .filter(|&&i| p.quality[i as usize] > start_quality[i as usize])
            .fold(None, |best: Option<u32>, &i| match best {
                Some(b) if p.quality[b as usize] >= p.quality[i as usize] => Some(b),
                _ => Some(i),
            });
        let slot = j * row + offset + t % term;
        if let Some(expired) = q.patent_ring[slot]
            && expired.quality > q.open_quality(j)
        {
            q.open[j] = Some(expired);
            q.open_population[j] = q.patent_population[slot];
        }
        q.patent_ring[slot] = improvement.map(|i| p.solution(i as usize));
        q.patent_population[slot] = improvement.map_or(0, |i| p.population[i as usize]);
        offset += term;
    }
}
