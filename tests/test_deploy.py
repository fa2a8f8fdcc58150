"""The systemd unit in deploy/ is one systemd accepts, pointed at this checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALL_DIR = "/opt/bar-raiser"


def units() -> list[Path]:
    return sorted((ROOT / "deploy").glob("*.service"))


def test_the_unit_runs_the_same_command_as_the_readme() -> None:
    [unit] = [u for u in units() if u.name == "bar-raiser.service"]
    text = unit.read_text()
    assert f"ExecStart={INSTALL_DIR}/.venv/bin/python -m bot run" in text
    assert "Restart=on-failure" in text and "RestartPreventExitStatus=2" in text
    readme = (ROOT / "README.md").read_text()
    assert "deploy/bar-raiser.service" in readme and ".venv/bin/python -m bot run" in readme



def test_the_shard_template_runs_one_range_per_instance_from_its_own_settings_file() -> None:
    text = (ROOT / "deploy" / "bar-raiser@.service").read_text()
    assert f"EnvironmentFile={INSTALL_DIR}/shards/%i.env" in text
    assert f"ExecStart={INSTALL_DIR}/.venv/bin/python -m bot run" in text
    assert "Restart=on-failure" in text and "RestartPreventExitStatus=2" in text
    assert "deploy/bar-raiser@.service" in (ROOT / "README.md").read_text()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", units(), ids=lambda u: u.name)
def test_systemd_analyze_verifies_the_unit(unit: Path, tmp_path: Path) -> None:
    """Verified with the install folder mapped onto this checkout, whose venv really exists."""
    venv = Path(sys.prefix)
    checkout = venv.parent if venv.name == ".venv" else ROOT
    # A template is verified as one of its instances, with that instance's settings file.
    name = unit.name.replace("@.", "@a.")
    copy = tmp_path / name
    shards = tmp_path / "shards"
    shards.mkdir()
    (shards / "a.env").write_text("SHARD_IDS=0\n")
    copy.write_text(unit.read_text().replace(f"{INSTALL_DIR}/shards", str(shards))
                    .replace(INSTALL_DIR, str(checkout)))
    if not (checkout / ".venv" / "bin" / "python").exists():
        pytest.skip("the tests do not run from the checkout's own .venv")
    result = subprocess.run(["systemd-analyze", "verify", str(copy)],
                            capture_output=True, text=True, timeout=60, check=False)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if name in line or "error" in line.lower()]
    assert result.returncode == 0 and problems == [], result.stdout + result.stderr
