use super::*;
use crate::experiment::InputError;

fn parse(text: &str) -> Result<Scenario, InputError> {
    Scenario::parse(text, "test.toml", "test", &[])
}

fn errors(text: &str) -> String {
    parse(text).unwrap_err().to_string()
}

#[test]
fn variants_start_from_their_preset() {
    let s = parse(
        r#"regimes = ["enclosure", { preset = "commons", name = "costly", integration_cost = 0.3, patent_term = 5 }]"#,
    )
    .unwrap();
    let costly = &s.regimes[1];
    assert_eq!(costly.name, "costly");
    assert_eq!(costly.preset.as_deref(), Some("commons"));
    let mut expected = Regime::preset("commons").unwrap();
    expected.integration_cost = 0.3;
    expected.patent_term = Some(5);
    assert_eq!(costly.regime, expected);
}

#[test]
fn unknown_keys_suggest_the_nearest() {
    let e = errors("[world]\ninteraction = 3");
    assert!(e.contains("test.toml: world.interaction = 3"), "{e}");
    assert!(e.contains("did you mean `interactions`"), "{e}");
    let e = errors("stepz = 3");
    assert!(e.contains("did you mean `steps`"), "{e}");
    let e = errors("regimes = [{ preset = \"commons\", levvy = 0.2 }]");
    assert!(e.contains("regimes[0].levvy = 0.2"), "{e}");
    assert!(e.contains("did you mean `levy`"), "{e}");
    let e = errors("[sweep]\n\"world.interaction\" = [1]");
    assert!(e.contains("sweep.\"world.interaction\""), "{e}");
    assert!(e.contains("did you mean `world.interactions`"), "{e}");
}

#[test]
fn unknown_preset_lists_the_presets() {
    let e = errors("regimes = [\"enclosur\"]");
    assert!(
        e.contains("regimes[0] = \"enclosur\": unknown preset"),
        "{e}"
    );
    assert!(e.contains("did you mean `enclosure`"), "{e}");
    assert!(e.contains("open_access, cooperative, patents"), "{e}");
}

#[test]
fn values_are_checked_by_type_and_by_the_model() {
    let e = errors("[world]\nloci = \"twenty\"");
    assert!(
        e.contains("world.loci = \"twenty\": allowed an integer in 1..=64"),
        "{e}"
    );
    let e = errors("[world]\nloci = 70");
    assert!(
        e.contains("world.loci = 70: allowed an integer in 1..=64"),
        "{e}"
    );
    let e = errors("regimes = [{ preset = \"commons\", levy = 1.5 }]");
    assert!(
        e.contains("regimes[0].levy = 1.5: allowed a share in [0, 1]"),
        "{e}"
    );
    let e = errors("[sweep]\n\"regime.levy\" = [0.5, 2.0]");
    assert!(
        e.contains("sweep.\"regime.levy\" = 2: allowed a share"),
        "{e}"
    );
    let e = errors("[sweep]\n\"regime.visibility\" = [\"open\", \"public\"]");
    assert!(
        e.contains("allowed private, groups, federated, network or open"),
        "{e}"
    );
    let e = errors("steps = 0\nreplicates = -1");
    assert!(e.contains("steps = 0: allowed an integer >= 1"), "{e}");
    assert!(e.contains("replicates = -1"), "{e}");
    let e = errors("regimes = [\"commons\", \"commons\"]");
    assert!(e.contains("regimes[1].name = \"commons\""), "{e}");
    let e = errors("name = \"a b\"");
    assert!(
        e.contains("name = \"a b\": allowed a non-empty name"),
        "{e}"
    );
}
