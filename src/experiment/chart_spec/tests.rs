use super::*;

fn entry(text: &str) -> Value {
    Value::Table(toml::from_str(text).unwrap())
}

#[test]
fn publisher_controls_are_read_and_checked() {
    let spec = check(
        &entry("metric = \"welfare\"\nkind = \"bars\"\ny_scale = \"log\"\nwidth_cm = 8\ndpi = 300\nnames = { enclosure = \"Private labs\" }"),
        &[],
        &["enclosure"],
    )
    .unwrap();
    assert_eq!(spec.look.y_scale, Some(YScale::Log));
    assert_eq!(spec.look.width_cm, Some(8.0));
    assert_eq!(spec.look.names["enclosure"], "Private labs");
    let problems = check(
        &entry("metric = \"welfare\"\nkind = \"bars\"\ndpi = 5\nnames = { enclosur = \"x\" }"),
        &[],
        &["enclosure"],
    )
    .unwrap_err();
    assert!(problems[0].key == "names.enclosur" && problems[0].message.contains("enclosure"));
    let problems = check(
        &entry("metric = \"welfare\"\nkind = \"bars\"\ndpi = 5"),
        &[],
        &[],
    )
    .unwrap_err();
    assert_eq!(problems[0].key, "dpi");
    assert!(problems[0].message.contains("50..=1200"));
    // A value of the wrong type names its key.
    let problems = check(
        &entry("metric = \"welfare\"\nkind = \"bars\"\ntitle = 64"),
        &[],
        &[],
    )
    .unwrap_err();
    assert_eq!((problems[0].key.as_str(), problems.len()), ("title", 1));
}

#[test]
fn plot_options_override_the_scenario() {
    let scenario = Look {
        y_zero: Some(true),
        dpi: Some(300),
        names: [("a".to_string(), "A".to_string())].into(),
        ..Look::default()
    };
    let plot = Look {
        dpi: Some(100),
        names: [("b".to_string(), "B".to_string())].into(),
        ..Look::default()
    };
    let l = scenario.overridden_by(&plot);
    assert_eq!((l.y_zero, l.dpi, l.names.len()), (Some(true), Some(100), 2));
}

#[test]
fn charts_by_population_need_a_mixed_world_and_name_its_populations() {
    let by = "metric = \"welfare\"\nkind = \"bars\"\nby = \"population\"";
    let problems = check(&entry(by), &[], &["enclosure"]).unwrap_err();
    assert_eq!(problems[0].key, "by");
    assert!(problems[0].message.contains("needs a mixed world"));
    let spec = check_in(&entry(by), &[], &["mixed"], &["open", "closed"]).unwrap();
    assert_eq!(spec.by, By::Population);
    let listed = format!("{by}\nregimes = [\"all\", \"opn\"]\nnames = {{ open = \"Commoners\" }}");
    let problems = check_in(&entry(&listed), &[], &["mixed"], &["open", "closed"]).unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].key, "regimes[1]");
    assert!(problems[0].message.contains("did you mean `open`"));
    // By regime, the default, the list names regimes.
    let spec = check(&entry("metric = \"welfare\"\nkind = \"bars\""), &[], &[]).unwrap();
    assert_eq!(spec.by, By::Regime);
}
