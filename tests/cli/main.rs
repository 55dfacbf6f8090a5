//! The `claimdesk` binary as a user runs it: against a SQLite file in a temp dir, and against
//! PostgreSQL too when `CLAIMDESK_TEST_PG_URL` is set (a fresh schema per test).

#[path = "../common/mod.rs"]
mod common;

mod assoc;
mod identity;
mod import_refusals;
mod life;
mod report;
mod round_trip;
mod safe_output;
mod secrets;
mod team;
mod tls;

use std::io::Write;
use std::process::{Command, Stdio};

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with everything the run printed unless it exited with `code`.
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs `claimdesk --db URL ARGS..` with `stdin`, isolated from the user's own config, data and
/// environment.
pub fn claimdesk(db: &str, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let home = tempfile::tempdir().expect("temp home");
    claimdesk_at(home.path(), db, args, stdin, &[])
}

/// As [`claimdesk`], with `home` as the home directory and `env` set (PostgreSQL's own `PG*`
/// variables are cleared first, so only what a test gives is seen).
pub fn claimdesk_at(
    home: &std::path::Path,
    db: &str,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &str)],
) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimdesk"));
    if !db.is_empty() {
        cmd.arg("--db").arg(db);
    }
    for var in [
        "PGPASSWORD",
        "PGPASSFILE",
        "PGSSLMODE",
        "PGSSLROOTCERT",
        "PGUSER",
    ] {
        cmd.env_remove(var);
    }
    cmd.args(args)
        .env_remove("CLAIMDESK_DATABASE_URL")
        .env_remove("CLAIMDESK_CONFIG")
        .env_remove("CLAIMDESK_REVIEWER")
        .env("HOME", home)
        .current_dir(home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("USER", "tester")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start claimdesk");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or_default())
            .expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for claimdesk");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh store URL per available backend; the temp dir keeps the SQLite file alive.
pub async fn urls() -> (tempfile::TempDir, Vec<(&'static str, String)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut out = vec![(
        "sqlite",
        format!("sqlite:{}", dir.path().join("claims.db").display()),
    )];
    if let Some(pg) = common::fresh_pg_url().await {
        out.push(("postgres", pg));
    }
    (dir, out)
}

/// The realistic fixture shipped with the tests.
pub const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/realistic.jsonl"
);

#[tokio::test]
async fn bad_or_unreachable_databases_exit_2_with_one_line_and_no_password() {
    for url in [
        "postgres://postgres:hunter2@127.0.0.1:1/x",
        "mysql://root:hunter2@localhost/claims",
    ] {
        let run = claimdesk(url, &["migrate"], None).expect_code(2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.starts_with("claimdesk: "), "{}", run.stderr);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
        assert!(run.stdout.is_empty());
    }
}

#[tokio::test]
async fn a_config_file_with_an_unknown_key_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[sla]\nbusiness_dayz = 5\n").unwrap();
    let db = format!("sqlite:{}", dir.path().join("c.db").display());
    let config = config.display().to_string();
    let run = claimdesk(&db, &["--config", &config, "migrate"], None).expect_code(2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("business_dayz") && run.stderr.contains("line 2"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn config_problems_exit_2_with_one_line_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite:{}", dir.path().join("c.db").display());
    let config = dir.path().join("config.toml");
    let path = config.display().to_string();
    let cases: [(&str, &[&str], &str); 4] = [
        (
            "[sla]\nbusiness_days = 4294967295\n",
            &["queue"],
            "business_days must be at least 1 and at most 60",
        ),
        ("", &["--theme", "neon"], "neon"),
        ("theme = \"neon\"\n", &[], "neon"),
        ("[keys]\nfrobnicate = \"x\"\n", &[], "frobnicate"),
    ];
    for (text, args, says) in cases {
        std::fs::write(&config, text).unwrap();
        let mut all = vec!["--config", path.as_str()];
        all.extend_from_slice(args);
        let run = claimdesk(&db, &all, None).expect_code(2);
        assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
        assert!(run.stderr.contains(says), "{text}: {}", run.stderr);
    }
}

#[tokio::test]
async fn migrate_says_what_it_did() {
    let (_dir, urls) = urls().await;
    for (backend, url) in &urls {
        let run = claimdesk(url, &["migrate"], None).expect_code(0);
        assert!(run.stdout.contains("migrated"), "{backend}: {}", run.stdout);
        assert!(run.stdout.contains("0 claims"), "{backend}: {}", run.stdout);
    }
}

#[tokio::test]
async fn generate_with_the_same_seed_gives_the_same_export() {
    let (_a, first) = urls().await;
    let (_b, second) = urls().await;
    let args = [
        "generate",
        "--claims",
        "500",
        "--seed",
        "7",
        "--as-of",
        "2026-11-16",
    ];
    let mut exports = Vec::new();
    for (_, url) in first.iter().chain(&second) {
        let run = claimdesk(url, &args, None).expect_code(0);
        assert!(
            run.stdout.contains("generated 500 claims (seed 7)"),
            "{}",
            run.stdout
        );
        exports.push(claimdesk(url, &["export"], None).expect_code(0).stdout);
    }
    assert_eq!(exports[0].lines().count(), 500);
    assert!(exports[0].contains("\"claim_id\":\"CPOR-7-0000001\""));
    for other in &exports[1..] {
        assert!(
            *other == exports[0],
            "exports differ between runs or backends"
        );
    }
    // Another seed adds 500 more claims beside them, without collisions.
    let url = &first[0].1;
    claimdesk(url, &["generate", "--claims", "500", "--seed", "8"], None).expect_code(0);
    let all = claimdesk(url, &["export"], None).expect_code(0).stdout;
    assert_eq!(all.lines().count(), 1000);
}

#[tokio::test]
async fn an_interrupted_generate_resumes_with_the_same_options_or_says_what_is_stored() {
    use claimdesk::generate::{GenerateOptions, Generator};
    use claimdesk::store::{Audit, AuditMode, Store};
    let (_a, interrupted) = urls().await;
    let (_b, whole) = urls().await;
    let args = [
        "generate",
        "--claims",
        "300",
        "--seed",
        "5",
        "--as-of",
        "2026-11-16",
        "--batch",
        "100",
    ];
    for ((backend, url), (_, fresh)) in interrupted.iter().zip(&whole) {
        // What a run killed during its second batch leaves: the first batch, committed.
        let store = Store::open(url).await.unwrap();
        let mut generator = Generator::new(GenerateOptions {
            claims: 300,
            seed: 5,
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
            batch_claims: 100,
        });
        let first = generator.next_batch(100).unwrap();
        let audit = Audit {
            actor: "tester".into(),
            mode: AuditMode::Summary("generated 100 claims (seed 5)".into()),
        };
        store.import(&first, &audit).await.unwrap();
        drop(store);

        let run = claimdesk(url, &args, None).expect_code(0);
        assert!(
            run.stdout.contains("generated 200 claims (seed 5)")
                && run
                    .stdout
                    .contains("100 were already stored by an interrupted run"),
            "{backend}: {}",
            run.stdout
        );
        claimdesk(fresh, &args, None).expect_code(0);
        let resumed = claimdesk(url, &["export"], None).expect_code(0).stdout;
        let straight = claimdesk(fresh, &["export"], None).expect_code(0).stdout;
        assert_eq!(resumed.lines().count(), 300, "{backend}");
        assert!(
            resumed == straight,
            "{backend}: a resumed run made other claims"
        );

        // Other options under the same ids: one short line saying what is stored.
        let mut other_day = args;
        other_day[6] = "2026-11-17";
        let run = claimdesk(url, &other_day, None).expect_code(1);
        // A resumed run writes one batch at a time, so the first batch is the one that says so.
        assert!(
            run.stderr.starts_with(
                "claimdesk: claims CPOR-5-0000001 .. CPOR-5-0000100 are stored, but not as this run makes them"
            ),
            "{backend}: {}",
            run.stderr
        );
        let mut more = args;
        (more[2], more[8]) = ("400", "400");
        let run = claimdesk(url, &more, None).expect_code(1);
        assert!(
            run.stderr.contains(
                "300 of the 400 claims CPOR-5-0000001 .. CPOR-5-0000400 are already stored and the rest are not"
            ),
            "{backend}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.lines().count(), 1);
        assert!(run.stderr.len() < 600, "{}", run.stderr);
        let far = ["generate", "--claims", "1", "--as-of", "9999-01-01"];
        let run = claimdesk(url, &far, None).expect_code(2);
        assert!(run.stderr.contains("outside 2000-01-01"), "{}", run.stderr);
        let after = claimdesk(url, &["export"], None).expect_code(0).stdout;
        assert!(after == resumed, "{backend}: a refused run wrote claims");
    }
}

#[tokio::test]
async fn queue_prints_aligned_rows_per_tab() {
    let (_dir, urls) = urls().await;
    for (backend, url) in &urls {
        claimdesk(url, &["import", FIXTURE], None).expect_code(0);
        let run = claimdesk(url, &["queue", "--tab", "contested"], None).expect_code(0);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert!(lines[0].starts_with("SLA") && lines[0].contains("PARTNER (MPN)"));
        let ids: Vec<&str> = lines[1..]
            .iter()
            .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("DEMO-")))
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                "DEMO-0001",
                "DEMO-0002",
                "DEMO-0003",
                "DEMO-0004",
                "DEMO-0005",
                "DEMO-0006",
                "DEMO-0015",
                "DEMO-0026"
            ],
            "{backend}:\n{}",
            run.stdout
        );
        let row = lines.iter().find(|l| l.contains("DEMO-0006")).unwrap();
        assert!(row.contains("incumbent:5100010"), "{row}");

        let run = claimdesk(url, &["queue", "--tab", "all", "--limit", "3"], None).expect_code(0);
        assert_eq!(run.stdout.lines().count(), 4, "{}", run.stdout);

        let run = claimdesk(url, &["queue", "--filter", "müller"], None).expect_code(0);
        assert!(
            run.stdout.contains("Müller IT GmbH (5100012)"),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("findings:mpn_not_enrolled"),
            "{}",
            run.stdout
        );
        // Müller's two MPNs (one partner) and the subsidiary's name.
        assert_eq!(run.stdout.lines().count(), 4, "{}", run.stdout);
    }
}

#[tokio::test]
async fn demo_loads_its_data_set_once() {
    let (_dir, urls) = urls().await;
    let url = &urls[0].1;
    let run = claimdesk(url, &["demo", "--no-tui"], None).expect_code(0);
    assert!(run.stderr.contains("(26 claims)"), "{}", run.stderr);
    let run = claimdesk(url, &["demo", "--no-tui"], None).expect_code(0);
    assert!(
        run.stderr.contains("already holds claims"),
        "{}",
        run.stderr
    );
    let export = claimdesk(url, &["export"], None).expect_code(0).stdout;
    assert_eq!(export.lines().count(), 26);
    // Decided claims carry a real decision: who, when, why.
    let approved = export
        .lines()
        .find(|l| l.contains(r#""claim_id":"DEMO-0014""#))
        .unwrap();
    assert!(
        approved.contains(r#""status":"approved""#)
            && approved.contains(r#""decision":{"outcome":"approved","by":"demo-lead""#),
        "{approved}"
    );
    let relecloud = export
        .lines()
        .find(|l| l.contains(r#""claim_id":"DEMO-0015""#))
        .unwrap();
    assert!(
        relecloud.contains("subscription_already_claimed"),
        "{relecloud}"
    );
}
