"""Apps depend downwards only: the import contracts of pyproject.toml, run as `make lint` runs them."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
LINT = "from importlinter.cli import lint_imports; raise SystemExit(lint_imports(no_cache=True, no_logo=True))"


def contracts() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def test_no_app_imports_one_above_it():
    done = subprocess.run([sys.executable, "-c", LINT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_app_of_ours_is_in_a_layer():
    ours = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    [layers] = [contract for contract in contracts()["contracts"] if contract["type"] == "layers"]
    layered = {name.strip() for layer in layers["layers"] for name in layer.split("|")}
    assert ours <= layered and layered <= set(contracts()["root_packages"])
