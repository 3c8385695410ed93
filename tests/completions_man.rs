//! `mallette completions <shell>` and `mallette man`: generated from the command line itself,
//! so every command is in them (docs/cli.md §10, §11).

mod common;

use common::{mallette, run};

/// Every command of docs/cli.md §1.
const COMMANDS: &[&str] = &[
    "build",
    "check",
    "serve",
    "new",
    "init",
    "search",
    "fetch-catalogs",
    "completions",
    "man",
];

#[test]
fn completions_of_every_shell_name_the_commands() {
    for (shell, marker) in [
        ("bash", "complete -F _mallette"),
        ("zsh", "#compdef mallette"),
        ("fish", "complete -c mallette"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[mallette]"),
    ] {
        let out = run(mallette().args(["completions", shell]));
        assert_eq!(out.code(), 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains(marker), "{shell} script lacks {marker}");
        for command in COMMANDS {
            assert!(
                out.stdout.contains(command),
                "{shell} completions lack `{command}`"
            );
        }
    }
}

#[test]
fn bash_completes_a_command_and_its_options() {
    let script = run(mallette().args(["completions", "bash"])).stdout;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mallette.bash");
    std::fs::write(&file, script).unwrap();
    // What bash does on Tab: call the registered function with the words typed so far.
    let complete = |words: &str| {
        let program = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _mallette mallette \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.display()
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "-c", &program])
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let after_bu: Vec<String> = complete("mallette bu").lines().map(String::from).collect();
    assert_eq!(after_bu, ["build"]);
    let fetch = complete("mallette fe");
    assert_eq!(fetch.trim(), "fetch-catalogs");
    let build_options = complete("mallette build --of");
    assert_eq!(build_options.trim(), "--offline");
    let shells = complete("mallette completions ''");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(shells.lines().any(|l| l == shell), "{shell} not offered");
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = run(mallette().args(["completions", "tcsh"]));
    assert_eq!(out.code(), 2);
    assert!(out.stderr.contains("tcsh"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
}

#[test]
fn the_man_page_is_roff_and_documents_every_command() {
    let out = run(mallette().arg("man"));
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let page = &out.stdout;
    assert!(page.contains("\n.TH mallette 1 "), "no .TH title line");
    assert!(page.contains(".SH NAME\n"));
    for command in COMMANDS {
        // A section per command, with its synopsis (roff escapes `-` as `\-`).
        let heading = format!(".SH \"MALLETTE {}\"", command.to_uppercase());
        assert!(page.contains(&heading), "no section {heading}");
        let synopsis = format!("\\fBmallette {}\\fR", command.replace('-', "\\-"));
        assert!(page.contains(&synopsis), "no synopsis of `{command}`");
    }
    // Options are there, with their help text.
    assert!(page.contains("\\fB\\-\\-offline\\fR"));
    assert!(page.contains("\\fB\\-\\-interface\\fR"));
}

#[test]
fn man_out_writes_one_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("man/man1");
    let out = run(mallette().arg("man").arg("--out").arg(&out_dir));
    assert_eq!(out.code(), 0, "{}", out.stderr);
    let main = common::read(out_dir.join("mallette.1"));
    assert!(main.contains(".TH mallette 1 "));
    for command in COMMANDS {
        let path = out_dir.join(format!("mallette-{command}.1"));
        let page = common::read(&path);
        let title = page.lines().find(|l| l.starts_with(".TH ")).unwrap_or("");
        assert!(
            title.starts_with(&format!(".TH mallette-{command} 1 "))
                && title.contains(&format!("\"mallette {}\"", env!("CARGO_PKG_VERSION"))),
            "{}: {title}",
            path.display()
        );
        assert!(
            out.stdout.lines().any(|l| l == path.to_string_lossy()),
            "{} not listed on stdout",
            path.display()
        );
        assert!(main.contains(&format!("mallette\\-{}(1)", command.replace('-', "\\-"))));
    }
}
