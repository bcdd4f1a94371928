//! Property tests of the reconciliation rules: a report built to satisfy R1–R4 never triggers
//! them, and breaking any one cell of table 三 or 四 triggers exactly the rules whose equations
//! contain that cell.
#![allow(clippy::unwrap_used)]

use gongkai_report::template::{self, CellKind};
use gongkai_report::{
    Applicant, CellKey, Format, Report, Rule, T3Row, T4Col, Value, keys::T4_GROUPS, rules,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// Raw random figures; `build` turns them into a reconciled report.
#[derive(Debug, Clone)]
struct Figures {
    format: Format,
    outcomes: Vec<i64>,
    carried_out: Vec<i64>,
    carried_in_pct: Vec<i64>,
    remedies: Vec<i64>,
    t2: Vec<i64>,
}

fn figures() -> impl Strategy<Value = Figures> {
    (
        prop_oneof![Just(Format::F2019), Just(Format::F2021)],
        prop::collection::vec(0i64..30, 6 * 21),
        prop::collection::vec(0i64..10, 6),
        prop::collection::vec(0i64..=100, 6),
        prop::collection::vec(0i64..10, 12),
        prop::collection::vec(0i64..100_000, 32),
    )
        .prop_map(
            |(format, outcomes, carried_out, carried_in_pct, remedies, t2)| Figures {
                format,
                outcomes,
                carried_out,
                carried_in_pct,
                remedies,
                t2,
            },
        )
}

/// A report whose tables reconcile by construction (the way a report computed from case
/// records does).
fn build(f: &Figures) -> Report {
    let mut r = Report::blank(f.format, 2024, "测试县人民政府");
    let t3 = |row, col| CellKey::T3(row, col);
    let outcome_rows: Vec<T3Row> = template::t3_rows(f.format)
        .into_iter()
        .filter(|x| {
            !matches!(
                x,
                T3Row::NewReceived | T3Row::CarriedIn | T3Row::RTotal | T3Row::CarriedOut
            )
        })
        .collect();
    let mut totals = std::collections::BTreeMap::<T3Row, i64>::new();
    for (k, &col) in Applicant::KINDS.iter().enumerate() {
        let mut r_total = 0;
        for (i, &row) in outcome_rows.iter().enumerate() {
            let v = f.outcomes[k * 21 + i];
            r_total += v;
            r.set(t3(row, col), Some(Value::Int(v))).unwrap();
        }
        let carried_out = f.carried_out[k];
        let carried_in = (r_total + carried_out) * f.carried_in_pct[k] / 100;
        let new = r_total + carried_out - carried_in;
        for (row, v) in [
            (T3Row::RTotal, r_total),
            (T3Row::CarriedOut, carried_out),
            (T3Row::CarriedIn, carried_in),
            (T3Row::NewReceived, new),
        ] {
            r.set(t3(row, col), Some(Value::Int(v))).unwrap();
        }
    }
    for row in template::t3_rows(f.format) {
        for &col in &Applicant::KINDS {
            *totals.entry(row).or_default() += r.int(t3(row, col)).unwrap();
        }
        r.set(t3(row, Applicant::Total), Some(Value::Int(totals[&row])))
            .unwrap();
    }
    for (g, group) in T4_GROUPS.iter().enumerate() {
        let parts = &f.remedies[g * 4..g * 4 + 4];
        for (i, &col) in group[..4].iter().enumerate() {
            r.set(CellKey::T4(col), Some(Value::Int(parts[i]))).unwrap();
        }
        r.set(CellKey::T4(group[4]), Some(Value::Int(parts.iter().sum())))
            .unwrap();
    }
    let t2: Vec<CellKey> = template::cells(f.format)
        .into_iter()
        .filter(|k| matches!(k, CellKey::T2(..)))
        .collect();
    for (i, key) in t2.into_iter().enumerate() {
        let v = f.t2[i % f.t2.len()];
        let value = match key.kind() {
            CellKind::Money(_) => Value::Money(Decimal::new(v, 2)),
            _ => Value::Int(v),
        };
        r.set(key, Some(value)).unwrap();
    }
    r
}

fn arithmetic_rules(r: &Report) -> BTreeSet<Rule> {
    rules::check(r)
        .into_iter()
        .map(|f| f.rule)
        .filter(|x| matches!(x, Rule::R1 | Rule::R2 | Rule::R3 | Rule::R4 | Rule::R7))
        .collect()
}

/// The rules whose equations contain `key`.
fn rules_of(key: CellKey) -> BTreeSet<Rule> {
    match key {
        CellKey::T4(_) => [Rule::R4].into(),
        CellKey::T3(row, _) => {
            let mut set = BTreeSet::from([Rule::R2]);
            if matches!(
                row,
                T3Row::NewReceived | T3Row::CarriedIn | T3Row::RTotal | T3Row::CarriedOut
            ) {
                set.insert(Rule::R1);
            }
            if !matches!(
                row,
                T3Row::NewReceived | T3Row::CarriedIn | T3Row::CarriedOut
            ) {
                set.insert(Rule::R3);
            }
            set
        }
        CellKey::T2(..) => BTreeSet::new(),
    }
}

proptest! {
    #[test]
    fn a_reconciled_report_never_triggers_r1_to_r4_or_r7(f in figures()) {
        let r = build(&f);
        prop_assert_eq!(arithmetic_rules(&r), BTreeSet::new());
    }

    #[test]
    fn breaking_one_cell_triggers_exactly_its_rules(f in figures(), pick in any::<prop::sample::Index>(), delta in 1i64..5) {
        let mut r = build(&f);
        let keys: Vec<CellKey> = template::cells(f.format)
            .into_iter()
            .filter(|k| matches!(k, CellKey::T3(..) | CellKey::T4(_)))
            .collect();
        let key = *pick.get(&keys);
        let old = r.int(key).unwrap();
        r.set(key, Some(Value::Int(old + delta))).unwrap();
        let found = rules::check(&r);
        prop_assert_eq!(arithmetic_rules(&r), rules_of(key));
        // Every arithmetic finding names the broken cell.
        for f in found.iter().filter(|f| matches!(f.rule, Rule::R1 | Rule::R2 | Rule::R3 | Rule::R4)) {
            prop_assert!(f.cells.contains(&key), "{:?} does not name {}", f, key);
        }
    }

    #[test]
    fn carry_over_across_years_is_checked_column_by_column(f in figures(), col in 0usize..7, delta in 1i64..5) {
        let prev = build(&f);
        let mut cur = Report::blank(Format::F2021, 2025, prev.agency.clone());
        for &c in Applicant::ALL {
            let out = prev.int(CellKey::T3(T3Row::CarriedOut, c));
            cur.set(CellKey::T3(T3Row::CarriedIn, c), out.map(Value::Int)).unwrap();
        }
        let reports = [&prev, &cur];
        prop_assert!(rules::check_series(&reports).iter().all(|(_, f)| f.rule != Rule::R5));
        let key = CellKey::T3(T3Row::CarriedIn, Applicant::ALL[col]);
        cur.set(key, Some(Value::Int(cur.int(key).unwrap() + delta))).unwrap();
        let reports = [&prev, &cur];
        let r5: Vec<_> = rules::check_series(&reports).into_iter().filter(|(_, f)| f.rule == Rule::R5).collect();
        prop_assert_eq!(r5.len(), 1);
        prop_assert_eq!(r5[0].0, 1);
        prop_assert_eq!(&r5[0].1.cells, &vec![key]);
    }
}

#[test]
fn in_force_documents_follow_issued_and_repealed_across_years() {
    use gongkai_report::{T2Col, T2Row};
    let agency = "某市人民政府";
    let mut prev = Report::blank(Format::F2021, 2023, agency);
    let mut cur = Report::blank(Format::F2021, 2024, agency);
    let k = |c| CellKey::T2(T2Row::NormativeDocs, c);
    prev.set(k(T2Col::InForce), Some(Value::Int(40))).unwrap();
    cur.set(k(T2Col::Issued), Some(Value::Int(5))).unwrap();
    cur.set(k(T2Col::Repealed), Some(Value::Int(2))).unwrap();
    cur.set(k(T2Col::InForce), Some(Value::Int(43))).unwrap();
    assert!(rules::check_series(&[&prev, &cur]).is_empty());
    cur.set(k(T2Col::InForce), Some(Value::Int(45))).unwrap();
    let found = rules::check_series(&[&prev, &cur]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1.rule, Rule::R6);
    assert!(
        found[0].1.message.contains("= 43 件") && found[0].1.message.contains("45 件"),
        "{}",
        found[0].1.message
    );
    // A different agency is never compared.
    let other = Report::blank(Format::F2021, 2023, "另一机关");
    assert!(rules::check_series(&[&other, &cur]).is_empty());
}

#[test]
fn prose_figures_are_compared_with_the_tables() {
    let mut r = build(&Figures {
        format: Format::F2021,
        outcomes: vec![1; 126],
        carried_out: vec![0; 6],
        carried_in_pct: vec![0; 6],
        remedies: vec![1; 12],
        t2: vec![1; 32],
    });
    let total = r
        .int(CellKey::T3(T3Row::NewReceived, Applicant::Total))
        .unwrap();
    r.set_section(
        gongkai_report::Section::S1Overview,
        format!("全年共收到政府信息公开申请{total}件，被申请行政复议四件。"),
    );
    let r8: Vec<_> = rules::check(&r)
        .into_iter()
        .filter(|f| f.rule == Rule::R8)
        .collect();
    assert_eq!(r8.len(), 0, "{r8:?}");
    r.set_section(
        gongkai_report::Section::S1Overview,
        format!(
            "全年共收到政府信息公开申请{}件，被申请行政复议十二件。",
            total + 1
        ),
    );
    let r8: Vec<_> = rules::check(&r)
        .into_iter()
        .filter(|f| f.rule == Rule::R8)
        .collect();
    let cells: Vec<String> = r8.iter().map(|f| f.cells[0].to_string()).collect();
    assert_eq!(cells, ["t3.new_received.total", "t4.rev_total"]);
    assert!(
        r8[1].message.contains("行政复议十二件") && r8[1].message.contains("为 4"),
        "{}",
        r8[1].message
    );
    let _ = T4Col::RevTotal;
}

proptest! {
    /// R10 lists exactly the cells of the layout that are empty: the cells completeness counts
    /// ([`Report::printed_cells`]), also for a 2021 report printed with the 2019 `（六）` row.
    #[test]
    fn r10_lists_the_empty_cells_of_the_layout(f in figures(), holes in prop::collection::vec(any::<prop::sample::Index>(), 0..20), mixed in any::<bool>()) {
        let mut r = build(&f);
        if mixed && r.format == Format::F2021 {
            for &col in Applicant::ALL {
                r.set(CellKey::T3(T3Row::ROther, col), Some(Value::Int(0))).unwrap();
                for row in [T3Row::OpNoCorrection, T3Row::OpFeeUnpaid, T3Row::OpOther] {
                    r.set(CellKey::T3(row, col), None).unwrap();
                }
            }
        }
        let printed = r.printed_cells();
        let mut emptied = BTreeSet::new();
        for h in holes {
            let k = printed[h.index(printed.len())];
            r.set(k, None).unwrap();
            emptied.insert(k);
        }
        let listed: BTreeSet<CellKey> = rules::check(&r)
            .into_iter()
            // R10's other findings (fees not explained) name cells that hold figures.
            .filter(|f| f.rule == Rule::R10 && f.cells.iter().all(|&k| r.get(k).is_none()))
            .flat_map(|f| f.cells)
            .collect();
        prop_assert_eq!(listed, emptied);
    }
}
