"""The simulator under OpenAPI-driven fuzzing, and every HTTP method on every documented path.

* ``schemathesis`` generates requests from tests/simulator/openapi.yaml (a copy of the API
  contract; positive and negative data, the coverage phase's edge values, stateful
  sequences) and checks: no 5xx, the documented Content-Type, and the JSON envelope
  (schemathesis_hooks.py). Deviations from the contract that are deliberate are listed in
  tests/simulator/README.md ("The simulator and openapi.yaml").
* Every method on every path: what neither the contract nor the simulator serves gets a JSON
  405 with ``Allow``; HEAD answers as GET; OPTIONS lists the methods.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.join(os.path.dirname(HERE), "simulator", "openapi.yaml")
MAX_EXAMPLES = 10  # per operation and phase; with the coverage phase ~3,000 cases, about 2 minutes on 2 cores
SEED = 17
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "BREW")
# Methods the simulator serves beyond the contract, because CMR's documentation allows them (its older
# copy used POST; it shows no method for the reset): see tests/simulator/README.md.
EXTRA_SERVED = {("POST", "/domains/toggle-auto-renew"), ("DELETE", "/sandbox/pre-warmup/reset")}


def spec_paths() -> dict[str, set[str]]:
    with open(SPEC, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    return {path: {method.upper() for method in item if method.upper() in METHODS} for path, item in spec["paths"].items()}


def test_schemathesis_finds_no_server_error_and_only_json(start_sim, record_property, tmp_path):
    sim = start_sim()
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": HERE + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [
        os.path.join(os.path.dirname(sys.executable), "schemathesis"), "run", SPEC, "--url", sim.api_url,
        "--header", f"cmr-x-api-key: {sim.api_key}",
        "--checks", "not_a_server_error,content_type_conformance,json_envelope",
        "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--generation-database", "none",
        "--workers", "2", "--no-color", "--request-timeout", "20",
        "--report", "junit", "--report-junit-path", str(tmp_path / "junit.xml"),
    ]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    output = run.stdout + run.stderr
    summary = output[output.rfind("SUMMARY"):] if "SUMMARY" in output else output[-3000:]
    print(summary)
    generated = re.search(r"(\d+) generated", output)
    assert generated, output[-3000:]
    record_property("generated_cases", int(generated.group(1)))
    assert run.returncode == 0, output[-20000:]
    assert "Internal server error" not in sim.log() and "Traceback" not in sim.log(), sim.log()[-5000:]


def _request(url: str, method: str, key: str | None) -> tuple[int, bytes, dict[str, str]]:
    headers = {"cmr-x-api-key": key} if key else {}
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310 - loopback only
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_method_on_every_documented_path(start_sim, record_property):
    """405 + Allow for what is not served, HEAD like GET, OPTIONS lists; always JSON (HEAD: headers only)."""
    sim = start_sim()
    checked = 0
    for path, documented in sorted(spec_paths().items()):
        url = sim.api_url + _concrete(path)
        status, body, headers = _request(url, "OPTIONS", None)
        assert status == 200, (path, status, body)
        allow = set(headers["Allow"].split(", "))
        assert allow == set(json.loads(body)["data"]["allow"])
        served = {method for method in allow if method not in ("HEAD", "OPTIONS")}
        assert served == documented | {m for m, p in EXTRA_SERVED if p == path}, (path, served, documented)
        for method in METHODS:
            status, body, headers = _request(url, method, sim.api_key)
            checked += 1
            assert headers.get("Content-Type") == "application/json", (method, path, headers)
            assert status < 500, (method, path, status, body)
            if method == "HEAD":
                get_status, get_body, get_headers = _request(url, "GET", sim.api_key)
                assert (status, body) == (get_status, b""), (path, status, get_status)
                assert headers["Content-Length"] == get_headers["Content-Length"] or "GET" not in allow
                continue
            if method == "OPTIONS":
                continue
            if method not in allow:
                assert status == 405, (method, path, status, body)
                assert headers["Allow"] == ", ".join(sorted(allow))
                assert json.loads(body) == {"status": 405, "message": f"Method {method} not allowed on {_concrete(path)}", "data": None}
            else:
                assert status != 405 and json.loads(body)["status"] == status, (method, path, status, body)
    record_property("generated_cases", checked)
