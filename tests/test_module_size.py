"""Every module fits in one reading: at most 400 lines. A bigger one becomes a package of modules by topic, as
models, selectors and services are; the few files that must stay whole say why below."""

from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
MOST = 400
EXEMPT = {
    "config/settings.py": "the project keeps one settings file, every value from the environment in one place",
    "tools/verify_record.py": "people copy it alone to check the record from outside, so it cannot import a sibling",
}


def checked_modules() -> list[Path]:
    ours = [Path(config.path) for config in apps.get_app_configs() if Path(config.path).parent == ROOT]
    folders = [*ours, ROOT / "config", ROOT / "tools", ROOT / "bench"]
    return [
        path
        for folder in folders
        for path in folder.rglob("*.py")
        if not {"migrations", "tests", ".venv"} & set(path.relative_to(ROOT).parts)
    ]


def lines_in(path: Path) -> int:
    return len(path.read_text().splitlines())


def test_every_module_has_at_most_400_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines_in(path)
        for path in checked_modules()
        if str(path.relative_to(ROOT)) not in EXEMPT and lines_in(path) > MOST
    }
    assert not too_long, f"Modules over {MOST} lines (split them by topic): {too_long}"


def test_every_exemption_is_still_needed():
    for name in EXEMPT:
        assert lines_in(ROOT / name) > MOST, f"{name} fits in {MOST} lines now: remove it from EXEMPT"


def test_it_sees_the_apps_and_the_tools():
    names = {str(path.relative_to(ROOT)) for path in checked_modules()}
    assert {"appeals/models/appeals.py", "config/urls.py", "tools/verify_record.py"} <= names
    assert not any("/migrations/" in name for name in names)
