//! Process helpers shared by the tasks: quiet probes, a time-out, and a
//! runner that streams a command's output while keeping a copy to parse.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use xshell::Cmd;

/// Runs a command quietly; its trimmed stdout if it started and succeeded.
pub fn probe(cmd: Cmd<'_>) -> Option<String> {
    let out = cmd.quiet().ignore_status().ignore_stderr().output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The first executable called `name` on `PATH` (a file check, no process).
pub fn which(name: &str, path: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(path).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether we run as root (`id -u` is 0).
pub fn is_root() -> bool {
    // /proc/self/status: "Uid:\t<real>\t<effective>\t..."
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("Uid:"))?;
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        })
        .unwrap_or(false)
}

/// Runs `cmd` (output inherited) and kills it after `limit`.
/// `Ok(None)` means it timed out.
pub fn run_with_timeout(mut cmd: Command, limit: Duration) -> Result<Option<ExitStatus>> {
    let mut child = cmd.stdin(Stdio::null()).spawn().with_context(|| format!("starting {cmd:?}"))?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if start.elapsed() >= limit {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(None);
        }
        thread::sleep(Duration::from_millis(200));
    }
}

/// Runs `cmd`, streaming its stdout and stderr to ours as they come, and
/// returns its exit status with everything it printed (both streams).
pub fn tee(mut cmd: Command) -> Result<(ExitStatus, String)> {
    eprintln!("$ {}", display(&cmd));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", display(&cmd)))?;
    let out = child.stdout.take().expect("piped stdout");
    let err = child.stderr.take().expect("piped stderr");
    let out = thread::spawn(move || pump(out, false));
    let err = thread::spawn(move || pump(err, true));
    let status = child.wait()?;
    let mut text = out.join().expect("stdout reader panicked")?;
    text.push_str(&err.join().expect("stderr reader panicked")?);
    Ok((status, text))
}

fn pump(stream: impl Read, to_stderr: bool) -> Result<String> {
    let mut reader = BufReader::new(stream);
    let mut all = String::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(all);
        }
        if to_stderr {
            let mut e = std::io::stderr().lock();
            e.write_all(&line)?;
            e.flush()?;
        } else {
            let mut o = std::io::stdout().lock();
            o.write_all(&line)?;
            o.flush()?;
        }
        all.push_str(&String::from_utf8_lossy(&line));
    }
}

/// Environment that asks tools to keep colours although their output is piped
/// through [`tee`] (only when our own output is a terminal).
pub fn colour_env() -> Vec<(&'static str, &'static str)> {
    if std::io::stdout().is_terminal() {
        vec![("CARGO_TERM_COLOR", "always"), ("FORCE_COLOR", "1")]
    } else {
        Vec::new()
    }
}

/// `program arg arg` for messages.
pub fn display(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes ANSI escape sequences (colours) so output can be parsed.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                // CSI: parameters, then one final byte in '@'..='~'.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `12.3s` or `4m 05s`.
pub fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 { format!("{s:.1}s") } else { format!("{}m {:02}s", d.as_secs() / 60, d.as_secs() % 60) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_ansi_removes_colours_only() {
        let check = |input: &str, expected: &str| assert_eq!(strip_ansi(input), expected);
        check("plain", "plain");
        check("\u{1b}[32mok\u{1b}[0m.", "ok.");
        check("\u{1b}[1m\u{1b}[31m2 failed\u{1b}[39m\u{1b}[22m", "2 failed");
        check("测试 \u{1b}[2m(1.2s)\u{1b}[22m", "测试 (1.2s)");
    }

    #[test]
    fn secs_formats_short_and_long() {
        assert_eq!(secs(Duration::from_millis(1234)), "1.2s");
        assert_eq!(secs(Duration::from_secs(245)), "4m 05s");
    }
}
