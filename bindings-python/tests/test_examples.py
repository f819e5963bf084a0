"""examples/python/demo.py runs end to end and reports the SDK's real figures."""

import json
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "python" / "demo.py"


def run_demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(DEMO), *args], capture_output=True, text=True,
                          timeout=120, cwd="/")


def test_demo_prints_one_line_per_step() -> None:
    done = run_demo()
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[1] for line in lines] == ["key", "sign", "verify", "gate", "config", "render", "images", "plan"]
    assert "verifies to the signed seats=250 with 1 warning, strict mode refuses it" in lines[2]
    assert "KOTS 1.99.0: blocked (belowMinKotsVersion)" in lines[3]


def test_demo_json_figures() -> None:
    done = run_demo("--json")
    assert done.returncode == 0, done.stderr
    steps = {s["step"]: s["figures"] for s in json.loads(done.stdout)["steps"]}
    assert steps["verify"]["scheme"] == "ed25519"
    assert steps["verify"]["seats"] == 250 and steps["verify"]["editedSeats"] == 250
    assert steps["verify"]["strictRefused"] is True
    assert steps["gate"]["decision"]["allowed"] is True
    assert steps["gate"]["olderKots"]["allowed"] is False
    assert (steps["config"]["groups"], steps["config"]["items"]) == (4, 9)
    assert steps["render"]["documents"] == 9
    assert (steps["images"]["images"], steps["images"]["rewritten"]) == (4, 4)
    summary = steps["plan"]["summary"]
    assert (summary["create"], summary["update"], summary["delete"], summary["refused"]) == (2, 2, 3, 1)
    [refused] = steps["plan"]["refused"]
    assert refused["key"] == "StatefulSet.apps/acme-notes/postgres"
    assert (refused["op"], refused["severity"]) == ("delete", "data")
