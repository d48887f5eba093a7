use super::*;

fn counts(passed: u32, failed: u32, note: &str) -> Counts {
    Counts { passed, failed, note: note.to_string() }
}

#[test]
fn cargo_test_output_is_summed() {
    let check = |out: &str, expected: Counts| assert_eq!(cargo_test_counts(out), expected);
    check("", counts(0, 0, ""));
    check(
        "running 3 tests\ntest a ... ok\n\
         test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\
         \n   Doc-tests zhibu_core\n\
         test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.20s\n",
        counts(4, 2, ""),
    );
    check(
        "\u{1b}[32mtest result: ok.\u{1b}[0m 7 passed; 0 failed; 0 ignored; 0 filtered out; finished in 1.02s",
        counts(7, 0, ""),
    );
    check("test passed; not a result line", counts(0, 0, ""));
}

#[test]
fn playwright_totals_are_read() {
    let check = |out: &str, expected: Counts| assert_eq!(playwright_counts(out), expected);
    check(
        "Running 6 tests using 2 workers\n\
         \x20 ✓  1 [chromium] › tests/e2e/smoke.spec.js:3:1 › 2 passed tests (1.1s)\n\
         \x20 ✘  2 [chromium] › tests/e2e/roster.spec.js:9:1 › adds (3.0s)\n\n\
         \x20 1 failed\n\
         \x20   [chromium] › tests/e2e/roster.spec.js:9:1 › adds\n\
         \x20 1 flaky\n\
         \x20 1 skipped\n\
         \x20 3 passed (12.4s)\n",
        counts(3, 2, "1 flaky, 1 skipped"),
    );
    check("  5 passed (2.0s)", counts(5, 0, ""));
}

#[test]
fn a_failing_command_without_failed_tests_counts_once() {
    use std::os::unix::process::ExitStatusExt;
    let failed = ExitStatus::from_raw(101 << 8);
    let ok = ExitStatus::from_raw(0);
    assert_eq!(counts(2, 0, "").with_status(ok), counts(2, 0, ""));
    assert_eq!(counts(2, 3, "").with_status(failed), counts(2, 3, ""));
    assert_eq!(counts(0, 0, "").with_status(failed), counts(0, 1, "exited with exit status: 101"));
}

#[test]
fn only_selects_suites_in_order() {
    let check = |args: &[&str], expected: &[&str]| {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let names: Vec<_> = parse_only(&args).unwrap().iter().map(|s| s.name()).collect();
        assert_eq!(names, expected, "{args:?}");
    };
    check(&[], &["fmt", "clippy-host", "clippy-wasm", "native", "api", "browser", "build", "e2e"]);
    check(&["--only", "native"], &["native"]);
    check(&["--only", "e2e,fmt"], &["fmt", "build", "e2e"]);
    check(&["--only=clippy", "--only", "browser"], &["clippy-host", "clippy-wasm", "browser"]);
    assert!(parse_only(&["--only".into(), "nope".into()]).is_err());
    assert!(parse_only(&["--fast".into()]).is_err());
}

#[test]
fn the_size_gate_fails_a_bundle_over_either_limit() {
    let sizes = |first, all| bundle::Sizes { first_gzip: first, all_gzip: all, table: String::new() };
    assert!(size_gate(&sizes(FIRST_SCREEN_LIMIT, WHOLE_APP_LIMIT)).ok);
    assert!(!size_gate(&sizes(FIRST_SCREEN_LIMIT + 1, WHOLE_APP_LIMIT)).ok);
    assert!(!size_gate(&sizes(FIRST_SCREEN_LIMIT, WHOLE_APP_LIMIT + 1)).ok);
    assert!(size_gate(&sizes(FIRST_SCREEN_LIMIT + 1, 0)).note.contains("OVER"));
}

#[test]
fn thousands_groups_digits() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(196_341), "196,341");
    assert_eq!(thousands(1_234_567), "1,234,567");
}
