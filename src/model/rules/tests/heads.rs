//! Lineage heads and lineage credit, through disclosure.

use super::{Fixture, give, solution};
use crate::model::config::{CreditRule, Regime, Visibility, World};
use crate::model::flows::Flows;
use crate::model::heads::OPEN_HOLDER;
use crate::model::rules::disclosure::{self, disclosure};
use crate::model::state::{Problems, Producers};

fn fixture(producers: usize, credit_rule: CreditRule) -> Fixture {
    let world = World {
        producers,
        problems: 1,
        ..World::default()
    };
    let regime = Regime {
        visibility: Visibility::Open,
        credit_rule,
        ..Regime::default()
    };
    Fixture::new(world, regime)
}

/// Runs disclosure at step `t` with the frontier at the step's start `w`.
fn disclose(fx: &Fixture, p: &Producers, q: &mut Problems, f: &mut Flows, t: u32, w: f64) {
    f.problems.teams.build(&p.target, q.len());
    f.problems.frontier_start[0] = w;
    // No search ran: nothing was evaluated.
    f.producers.evaluations.reset(p.len());
    let mut space = disclosure::Workspace::default();
    let (pf, qf, ledger) = (&mut f.producers, &mut f.problems, &mut f.ledger);
    disclosure(fx.cx(t), p, q, pf, qf, ledger, &mut f.pools, &mut space);
}

#[test]
fn a_head_gathers_what_everyone_on_its_genome_knows_to_fail() {
    let fx = fixture(3, CreditRule::Frontier);
    let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
    // Producers 0 and 1 end on lineage 1's genome, each having tried other
    // flips; producer 2 works in lineage 2.
    give(&mut p, 0, solution(0.6, 1));
    give(&mut p, 1, solution(0.6, 1));
    give(&mut p, 2, solution(0.4, 2));
    p.tried = vec![0b01, 0b10, 0b100];
    disclose(&fx, &p, &mut q, &mut f, 3, 0.0);
    let row = q.heads.row(0);
    assert_eq!(row.len(), 2);
    assert_eq!(row[0].holder, OPEN_HOLDER);
    assert_eq!((row[0].solution.lineage, row[0].tried), (1, 0b11));
    assert_eq!(row[0].last_improved, 3);
    assert_eq!((row[1].solution.lineage, row[1].tried), (2, 0b100));
    // Two lineages have workers on the one problem.
    assert_eq!(f.ledger.live_lineages, 2);
}

#[test]
fn lineage_credit_goes_to_the_best_result_of_each_lineage_above_its_head() {
    for (rule, credits) in [
        (CreditRule::Lineage, [0.1, 0.0, 0.1]),
        (CreditRule::Frontier, [0.0, 0.0, 0.0]),
    ] {
        let fx = fixture(3, rule);
        let (mut p, mut q, mut f) = (fx.producers(), fx.problems(), fx.flows());
        // Lineage 1's head was 0.6: producers 0 and 1 started at 0.5 and end
        // at 0.7 and 0.65. Lineage 2 was started at 0.3 and ends at 0.4. All
        // stay below the world frontier, 0.9.
        give(&mut p, 0, solution(0.7, 1));
        give(&mut p, 1, solution(0.65, 1));
        p.genome[1] = 11;
        give(&mut p, 2, solution(0.4, 2));
        f.producers.start_quality = vec![0.5, 0.5, 0.3];
        f.producers.lineage_head = vec![0.6, 0.6, 0.3];
        f.producers.sees_frontier = vec![true; 3];
        disclose(&fx, &p, &mut q, &mut f, 1, 0.9);
        for (i, (&c, expected)) in f.producers.new_credit.iter().zip(credits).enumerate() {
            assert!((c - expected).abs() < 1e-12, "{rule:?} {i}: {c}");
        }
    }
}
