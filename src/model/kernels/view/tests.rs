use super::*;
use crate::model::config::{NetworkKind, Regime};
use crate::model::heads::{OPEN_HOLDER, sees_head};
use crate::model::rng::mix64;

/// Every visibility rule, in the order the random cases index them.
const VISIBILITIES: [Visibility; 5] = [
    Visibility::Open,
    Visibility::Private,
    Visibility::Groups,
    Visibility::Network,
    Visibility::Federated,
];

/// A test's stream of draws: `next(k)` is uniform-ish in `0..k`.
fn draws(mut x: u64) -> impl FnMut(u64) -> u64 {
    move |k| {
        x = mix64(x);
        x % k
    }
}

fn solution(quality: f64, lineage: u64) -> Solution {
    Solution {
        genome: lineage,
        fitness: 0,
        quality,
        lineage,
    }
}

/// Producers with groups, targets and solutions (genome = lineage).
fn producers(group: &[u32], target: &[u32], own: &[(f64, u64)]) -> Producers {
    let mut p = Producers {
        group: group.to_vec(),
        target: target.to_vec(),
        ..Producers::default()
    };
    for &(q, lineage) in own {
        let s = solution(q, lineage);
        p.genome.push(s.genome);
        p.fitness.push(s.fitness);
        p.quality.push(s.quality);
        p.lineage.push(s.lineage);
    }
    p
}

/// `count` problems holding up to `s` records each, nothing open.
fn problems(count: usize, s: usize) -> Problems {
    Problems {
        open: vec![None; count],
        records: vec![
            Record {
                holder: 0,
                created: 0,
                solution: solution(0.0, 0),
            };
            count * s
        ],
        record_count: vec![0; count],
        max_records: s,
        ..Problems::default()
    }
}

/// A ring (0) or a complete network (a mixed world's circle).
fn network_kind(draw: u64) -> NetworkKind {
    [NetworkKind::Ring, NetworkKind::Complete][draw as usize]
}

/// The circles' members by target, as allocation indexes them (empty without circles).
fn circles(sight: &Sight, target: &[u32], m: usize) -> Csr {
    let mut circles = Csr::default();
    if let Some(mixed) = sight.mixed.as_deref() {
        let mut keys = Vec::new();
        let count = mixed.circle_keys(target, m, &mut keys);
        circles.build(&keys, count);
    }
    circles
}

fn sight(visibility: Visibility, n: usize) -> Sight {
    let regime = Regime {
        visibility,
        network: NetworkKind::Ring,
        network_k: 1,
        ..Regime::default()
    };
    Sight::new(&regime, n, 1)
}

/// Producers 0 and 1 are in group 0, producer 2 in group 1, all on problem
/// 0, which holds records of holders 1 (quality 0.9, lineage 101) and 0
/// (0.5, lineage 100), best first; nothing is open. Under `network` the
/// producers sit on a ring of three: everyone is linked to everyone.
fn best(visibility: Visibility, own_quality: f64, i: usize) -> Option<Solution> {
    let p = producers(
        &[0, 0, 1],
        &[0; 3],
        &[(own_quality, 10), (0.1, 11), (0.2, 12)],
    );
    let mut q = problems(1, 4);
    q.offer(0, 1, solution(0.9, 101), 0);
    q.offer(0, 0, solution(0.5, 100), 0);
    let sight = sight(visibility, 3);
    let mut teams = Csr::default();
    teams.build(&p.target, 1);
    let switched = [false; 3];
    let view = View {
        p: &p,
        switched: &switched,
        q: &q,
        sight: &sight,
        links: &[],
        teams: &teams,
        circles: &Csr::default(),
    };
    view.best(i, 0)
}

#[test]
fn each_visibility_sees_what_its_rule_allows() {
    let quality = |s: Option<Solution>| s.map(|s| s.quality);
    // Open: every record. Private: the producer's own record (holder = producer).
    assert_eq!(quality(best(Visibility::Open, 0.3, 0)), Some(0.9));
    assert_eq!(quality(best(Visibility::Private, 0.3, 0)), Some(0.5));
    assert_eq!(quality(best(Visibility::Private, 0.3, 1)), Some(0.9));
    assert_eq!(quality(best(Visibility::Private, 0.3, 2)), Some(0.2));
    // Groups: only the group's record (holder = group), never another group's.
    assert_eq!(quality(best(Visibility::Groups, 0.3, 0)), Some(0.5));
    assert_eq!(quality(best(Visibility::Groups, 0.3, 1)), Some(0.5));
    assert_eq!(quality(best(Visibility::Groups, 0.3, 2)), Some(0.9));
    // Network: linked holders' records and linked producers' work.
    assert_eq!(quality(best(Visibility::Network, 0.3, 2)), Some(0.9));
    // One's own solution counts when it is better than what is visible.
    let own = best(Visibility::Groups, 0.7, 0).expect("own solution");
    assert_eq!((own.quality, own.lineage), (0.7, 10));
}

#[test]
fn a_network_shows_only_linked_holders_and_workers() {
    // A ring of six: producer 0 is linked to 1 and 5 only.
    let p = producers(
        &[0; 6],
        &[0; 6],
        &[
            (0.1, 10),
            (0.2, 11),
            (0.6, 12),
            (0.3, 13),
            (0.7, 14),
            (0.25, 15),
        ],
    );
    let mut q = problems(1, 4);
    q.offer(0, 3, solution(0.8, 103), 0); // holder 3: not linked to 0
    q.offer(0, 1, solution(0.4, 101), 0); // holder 1: linked
    let sight = sight(Visibility::Network, 6);
    let mut teams = Csr::default();
    teams.build(&p.target, 1);
    let switched = [false, false, false, false, false, true];
    let view = View {
        p: &p,
        switched: &switched,
        q: &q,
        sight: &sight,
        links: &[],
        teams: &teams,
        circles: &Csr::default(),
    };
    let mut seen = Vec::new();
    view.visit(0, 0, |s| seen.push(s.lineage));
    // Holder 1's record, its own work, neighbour 1's work; neighbour 5
    // just switched (its solution is of another problem), 2-4 are not linked.
    assert_eq!(seen, vec![101, 10, 11]);
    assert_eq!(view.best(0, 0).map(|s| s.lineage), Some(101));
}

#[test]
fn the_shortcuts_equal_the_references() {
    let mut next = draws(3);
    for case in 0..900 {
        let n = 2 + next(7) as usize;
        let m = 1 + next(3) as usize;
        let group: Vec<u32> = (0..n).map(|_| next(2) as u32).collect();
        let target: Vec<u32> = (0..n).map(|_| next(m as u64) as u32).collect();
        // Few qualities and lineages, so that ties and shared lineages are common.
        let own: Vec<(f64, u64)> = (0..n)
            .map(|_| (next(5) as f64 / 4.0, 1 + next(4)))
            .collect();
        let p = producers(&group, &target, &own);
        let switched: Vec<bool> = (0..n).map(|_| next(4) == 0).collect();
        let visibility = VISIBILITIES[case % 5];
        // One case in three is a mixed world of two populations (spec §5), whose
        // two groups' records are held by group holders `n` and `n + 1`.
        let mixed = case % 3 == 2;
        // Under `federated`, group 0 sees group 1 this step; group 1 sees no other.
        let links = [1, crate::model::network::NO_LINK];
        let mut q = problems(m, 3);
        let holders = n as u64 + if mixed { 2 } else { 0 };
        for j in 0..m {
            if next(2) == 0 {
                q.open[j] = Some(solution(next(5) as f64 / 4.0, 1 + next(4)));
            }
            for _ in 0..next(5) {
                let s = solution(next(5) as f64 / 4.0, 1 + next(4));
                q.offer(j, next(holders) as u32, s, 0);
            }
        }
        let sight = if mixed {
            // A network population (one case in four) brings a graph: the general path.
            let rules = if next(4) == 0 { 5 } else { 4 };
            let rule = [
                Visibility::Open,
                Visibility::Private,
                Visibility::Groups,
                Visibility::Federated,
                Visibility::Network,
            ];
            // A network population's graph is a ring, or complete (a circle).
            let regimes: Vec<Regime> = (0..2)
                .map(|_| Regime {
                    visibility: rule[next(rules) as usize],
                    network: network_kind(next(2)),
                    network_k: 1,
                    ..Regime::default()
                })
                .collect();
            let cut = 1 + next(n as u64 - 1) as usize;
            let population = (0..n).map(|i| (i >= cut) as u8).collect();
            let groups = vec![next(2) as u8, next(2) as u8];
            Sight::mixed(&regimes, &[0..cut, cut..n], population, groups, case as u64)
        } else {
            sight(visibility, n)
        };
        let mut teams = Csr::default();
        teams.build(&target, m);
        let circles = circles(&sight, &target, m);
        let view = View {
            p: &p,
            switched: &switched,
            q: &q,
            sight: &sight,
            links: &links,
            teams: &teams,
            circles: &circles,
        };
        for i in 0..n {
            for j in 0..m {
                assert_eq!(view.best(i, j), view.best_naive(i, j), "case {case}");
                for lineage in 1..5 {
                    let start = (next(2) == 0).then(|| solution(0.5, lineage));
                    assert_eq!(
                        view.lineage_best(i, j, lineage, start),
                        view.lineage_best_naive(i, j, Some(lineage), start),
                        "case {case}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_heads_seen_equal_the_rule_of_sees_head() {
    use crate::model::network::NO_LINK;
    let mut next = draws(5);
    for case in 0..500 {
        let n = 2 + next(9) as usize;
        let sight = sight(VISIBILITIES[case % 5], n);
        // Each group sees another group this step, or none; sometimes no links at all.
        let links: Vec<u32> = match next(3) {
            0 => vec![],
            _ => (0..3)
                .map(|_| {
                    if next(2) == 0 {
                        NO_LINK
                    } else {
                        next(3) as u32
                    }
                })
                .collect(),
        };
        let i = next(n as u64) as usize;
        let group = next(3) as u32;
        let heads = HeadsSeen::of(&[], &sight, &links, i, group);
        for holder in (0..n as u32).chain([OPEN_HOLDER, NO_LINK]) {
            assert_eq!(
                heads.sees(holder),
                sees_head(&sight, &links, i, group, holder),
                "case {case}, holder {holder}"
            );
        }
    }
}

#[test]
fn a_mixed_worlds_holders_and_heads_seen_equal_its_rule() {
    use crate::model::network::NO_LINK;
    let mut next = draws(7);
    for case in 0..400 {
        // Two or three populations in blocks, each under a random rule.
        let n = 4 + next(9) as usize;
        let k = 2 + next(2) as usize;
        let regimes: Vec<Regime> = (0..k)
            .map(|_| Regime {
                visibility: VISIBILITIES[next(5) as usize],
                network: network_kind(next(2)),
                network_k: 1,
                ..Regime::default()
            })
            .collect();
        let cut = 1 + next(n as u64 - 2) as usize;
        let blocks = match k {
            2 => vec![0..cut, cut..n],
            _ => vec![0..cut, cut..cut + 1, cut + 1..n],
        };
        let population: Vec<u8> = (0..k as u8)
            .flat_map(|p| std::iter::repeat_n(p, blocks[p as usize].len()))
            .collect();
        let groups = 4;
        let group_population: Vec<u8> = (0..groups).map(|_| next(k as u64) as u8).collect();
        let mut sight = Sight::mixed(&regimes, &blocks, population, group_population, case as u64);
        if next(2) == 0 {
            // After migration: producers in other populations than their blocks'.
            let moved: Vec<u8> = (0..n).map(|_| next(k as u64) as u8).collect();
            sight.mixed.as_deref_mut().unwrap().set_population(&moved);
        }
        let m = sight.mixed.as_deref().unwrap();
        // Links as a step draws them (within a federated population), or any.
        let drawn = next(2) == 0;
        let links: Vec<u32> = match next(3) {
            0 => vec![],
            _ => (0..groups)
                .map(|g| {
                    let l = next(groups as u64) as usize;
                    let (kg, kl) = (m.group_population[g], m.group_population[l]);
                    let federated = m.visibility[kg as usize] == Visibility::Federated;
                    let within = kg == kl && federated && l != g;
                    if next(2) == 0 || (drawn && !within) {
                        NO_LINK
                    } else {
                        l as u32
                    }
                })
                .collect(),
        };
        let i = next(n as u64) as usize;
        // A producer's group is of its population (as laid out, and after
        // migration), or any group.
        let ours = (0..groups as u32).find(|&g| m.group_population[g as usize] == m.population[i]);
        let group = match ours {
            Some(g) if drawn => g,
            _ => next(groups as u64) as u32,
        };
        let consistent = drawn && ours.is_some();
        let records = MixedHolders::of(m, sight.graph.as_ref(), i, group, &links);
        let heads = HeadsSeen::of(&[], &sight, &links, i, group);
        let holders = (0..(n + groups) as u32).chain([OPEN_HOLDER]);
        for holder in holders {
            if holder < (n + groups) as u32 {
                assert_eq!(
                    records.sees(holder),
                    sight.sees_holder(i, group, holder, &links),
                    "case {case}, holder {holder}"
                );
            }
            // Heads assume the world's consistency (`HeadsSeen::of` takes the
            // producer's holder as its population's rule says).
            if consistent {
                assert_eq!(
                    heads.sees(holder),
                    sees_head(&sight, &links, i, group, holder),
                    "case {case}, holder {holder}"
                );
            }
        }
    }
}
