"""The sync server's API against its own OpenAPI document (issue 22, item 11).

Starts the real `zhibu-server` (SQLite in a temporary directory, rate limits
off) and runs schemathesis three times: with no token, with an organizer's
token and with a member phone's token. Every answer must be below 500 and
match the document: its status listed for the operation, its body the
listed schema, its content type the listed one. Prints each run's figures
and closing `N passed` and `M failed` lines; exits non-zero on any failure.

    python tests/api/fuzz.py --server target/debug/zhibu-server [--examples N]

Run by `cargo xtask test` (suite `api`) with a pinned schemathesis in a
virtual environment under target/.
"""

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    ]
)
# Revoking the token under test (logging out, or revoking its device by an
# id another answer gave) would turn every later case into a 401: these run
# last, alone, with a token of their own.
REVOKING = ["logout", "revoke"]
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid() -> str:
    value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(base: str, method: str, path: str, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read().decode()
        return json.loads(text) if text else None


def start(server: str, data: str, log) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIBU_")}
    args = [server, "--bind", f"127.0.0.1:{port}", "--data-dir", data]
    args += ["--rate-per-token", "0", "--rate-per-address", "0", "--rate-login", "0"]
    process = subprocess.Popen(args, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"fuzz: the server exited ({process.returncode}); its log is {log.name}")
        try:
            call(base, "GET", "/api/health")
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    sys.exit("fuzz: the server did not answer /api/health within 60 s")


def tokens(base: str) -> dict[str, str]:
    """An organizer's session and a member phone's token in a fresh branch."""
    login = f"fuzz-{secrets.token_hex(4)}"
    organizer = call(base, "POST", "/api/branches", {"name": "接口测试支部", "login": login, "password": "a long password"})
    member = "fuzz-member"
    event = {
        "i": ulid(),
        "d": "fuzz-laptop",
        "c": 1,
        "w": int(time.time() * 1000),
        "p": {
            "t": "member_added",
            "member": member,
            "fields": {"name": "张三", "group": "第一党小组", "status": "full", "role": "member", "exempt": False},
        },
    }
    pushed = call(base, "POST", "/api/sync/push", {"schema": 1, "events": [event]}, organizer["token"])
    outcome = pushed["events"][0]
    if outcome["outcome"] != "accepted":
        sys.exit(f"fuzz: the roster event was not accepted: {outcome}")
    invitation = call(base, "POST", "/api/invitations", {"member": member}, organizer["token"])
    phone = call(base, "POST", "/api/invitations/accept", {"code": invitation["code"], "label": "fuzz phone"})
    return {"organizer": organizer["token"], "member": phone["token"]}


# A CPython 3.11 bug (ast.parse at a deep recursion level) that hypothesis
# meets now and then when it describes a lambda: a failure of the fuzzer's
# own process, with nothing wrong found in the server.
FUZZER_BUG = "SystemError: AST constructor recursion depth mismatch"


def run(st: str, base: str, name: str, token, examples: int, report: str, only=None) -> tuple[int, int, str]:
    path = os.path.join(report, f"{name}.json")
    args = [st, "run", f"{base}/api/openapi.json", "--checks", CHECKS, "--max-examples", str(examples)]
    args += ["--workers", "2", "--seed", "22", "--phases", "examples,coverage,fuzzing"]
    args += ["--report", "ndjson", "--report-ndjson-path", path]
    for operation in REVOKING:
        args += ["--include-operation-id" if only else "--exclude-operation-id", operation]
    if token:
        args += ["--header", f"Authorization: Bearer {token}"]
    started = time.time()
    # In the run's own directory: schemathesis leaves a .schemathesis cache there.
    result = subprocess.run(args, capture_output=True, text=True, cwd=report)
    took = time.time() - started
    requests, server_errors = 0, 0
    # No report when schemathesis stopped before its first request (a bad
    # argument, an unreadable schema): say so with its output, not a traceback.
    missing = not os.path.exists(path)
    if not missing:
        with open(path, encoding="utf-8") as events:
            for line in events:
                for interaction in find_interactions(json.loads(line)):
                    requests += 1
                    if interaction >= 500:
                        server_errors += 1
    code = result.returncode if result.returncode != 0 or not missing else 1
    summary = f"{name}: {requests} requests, {server_errors} 5xx, exit {result.returncode}, {took:.0f} s"
    if missing:
        summary += f" (no report at {path})"
    if code != 0:
        # Indented behind a bar, so its own "N passed" lines are not counted.
        output = (result.stdout[-8000:] + result.stderr[-2000:]).splitlines()
        summary += "".join(f"\n  | {line}" for line in output)
    return code, server_errors, summary


def find_interactions(node):
    """Statuses of the responses an ndjson event records."""
    if isinstance(node, dict):
        response = node.get("response")
        if isinstance(response, dict) and isinstance(response.get("status_code"), int) and "request" in node:
            yield response["status_code"]
        for value in node.values():
            yield from find_interactions(value)
    elif isinstance(node, list):
        for value in node:
            yield from find_interactions(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--schemathesis", default="schemathesis")
    parser.add_argument("--examples", type=int, default=40)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhibu-fuzz-") as work:
        log = open(os.path.join(work, "server.log"), "w")
        process, base = start(options.server, os.path.join(work, "data"), log)
        passed = failed = 0
        try:
            first, last = tokens(base), tokens(base)
            # The member's phone before the organizer, whose fuzzing may
            # change that device's role.
            runs = [("anonymous", None, False), ("member", first["member"], False)]
            runs += [("organizer", first["organizer"], False), ("revoking", last["organizer"], True)]
            for name, token, only in runs:
                code, server_errors, summary = run(
                    options.schemathesis, base, name, token, options.examples, work, only
                )
                if code != 0 and server_errors == 0 and FUZZER_BUG in summary:
                    # Not the server: CPython 3.11's ast.parse failing inside
                    # hypothesis while it names a strategy, now and then.
                    # Said, then tried once more.
                    print(f"fuzz: {name}: the fuzzer itself failed ({FUZZER_BUG}); running it again", flush=True)
                    code, server_errors, summary = run(
                        options.schemathesis, base, name, token, options.examples, work, only
                    )
                print(f"fuzz: {summary}", flush=True)
                if code == 0 and server_errors == 0:
                    passed += 1
                else:
                    failed += 1
        finally:
            process.kill()
            process.wait()
            log.close()
        # Two lines, as the xtask's counter reads them.
        print(f"{passed} passed\n{failed} failed")
        return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
