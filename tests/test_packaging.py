"""The environment files agree, the README's two commands exist and check the code, the wheel is complete."""
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert "conda-forge" in env["channels"]
    assert any(d.startswith("python=3.11") for d in env["dependencies"] if isinstance(d, str))
    assert conda == wanted
    # repo2docker reads binder/ only once it exists: its environment.yml is a link to the top-level one
    assert (ROOT / "binder" / "environment.yml").resolve() == (ROOT / "environment.yml").resolve()
    assert "pip install --no-deps" in (ROOT / "binder" / "postBuild").read_text()


def test_binder_settings_stay_in_binder():
    """Binder's Voila settings reach its server through binder/start, not through a file the wheel installs; they
    leave the template to each notebook, and our notebooks ask for ours."""
    import json

    start = (ROOT / "binder" / "start").read_text()
    assert "JUPYTER_CONFIG_PATH" in start and 'exec "$@"' in start
    config = json.loads((ROOT / "binder" / "jupyter_server_config.json").read_text())
    assert config["VoilaConfiguration"]["allow_template_override"] == "NOTEBOOK"
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert json.loads(notebook.read_text())["metadata"]["voila"] == {"template": "stepguide"}, notebook.name


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make dashboard" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_make_test_checks_the_code_before_running_the_tests():
    """``make test`` (CI's command) and ``make test-fast`` run ruff and mypy first, with pyproject.toml's settings."""
    rules = dict(re.findall(r"^([\w-]+):([^\n=]*)$", (ROOT / "Makefile").read_text(), re.M))
    assert "lint" in rules["test"].split() and "lint" in rules["test-fast"].split()
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe and "ruff check" in recipe[1] and "mypy" in recipe[1]
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert {"ruff", "mypy"} <= set(pyproject["tool"])
    assert {"ruff", "mypy", "pandas-stubs"} <= {_name(r) for r in pyproject["project"]["optional-dependencies"]["test"]}


def test_each_make_target_builds_the_environment_that_fits_its_job():
    """``make dashboard`` (and lab, workshop) installs the guide alone; the tests add the test extra; the static
    build has its own ``.venv-static`` with the static extra, which ``.venv`` never gets (its JupyterLite front end
    would load in every JupyterLab page there); ``make test`` builds both, as its static-edition tests need."""
    text = (ROOT / "Makefile").read_text()
    rules = dict(re.findall(r"^([\w$().-]+):([^\n=]*)$", text, re.M))
    recipes = {target: body for target, body in re.findall(r"^([\w$().-]+):.*\n((?:\t.*\n)+)", text, re.M)}
    for target in ("dashboard", "lab", "workshop"):
        assert "$(RUNTIME)" in rules[target].split() and "$(TESTING)" not in rules[target], target
    assert re.search(r"pip install -q -e \.$", recipes["$(RUNTIME)"], re.M)
    assert 'pip install -q -e ".[test]"' in recipes["$(TESTING)"]
    static = recipes["$(STATIC_ENV)"]
    assert "stepguide-runtime.pth" in static and '["optional-dependencies"]["static"]' in static
    assert "$(RUNTIME)" in rules["$(STATIC_ENV)"].split()
    assert "$(STATIC_PY) deploy/static/build_site.py" in recipes["static"]
    assert {"$(TESTING)", "$(STATIC_ENV)", "lint"} <= set(rules["test"].split())
    assert "static" not in re.sub(r"\$\(STATIC_\w+\)|STATIC_ONLY", "", recipes["$(RUNTIME)"] + recipes["$(TESTING)"])


def test_server_side_imports_stay_light():
    """The Voila server imports our hooks (voila.json); they may not pull in pandas."""
    import subprocess
    import sys
    code = "import sys, stepguide.serve.hooks; assert 'pandas' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_one_person_never_imports_pandas():
    """A one-person kernel (the dashboard, a chapter) reads data/ without pandas or numpy (standards: pandas
    only for DataFrame APIs); the cohort view is the one place that pays for it."""
    import subprocess
    import sys
    code = ("import sys\n"
            "import stepguide as sg\n"
            "from stepguide import charts, guide, plan\n"
            "from stepguide.ui.pages.dashboard import Dashboard\n"
            "a = sg.assess(step1=245, step2=224, specialty='IM', month='Dec', stage='interviewed')\n"
            "plan.plan_markdown(a, sg.draft_email(a)); charts.figures_for(a)\n"
            "d = Dashboard(); d.set(step1=245, step2=224, specialty='derm'); sg.draft_email(d.assessment)\n"
            "for chapter in (guide.start_here, guide.risk_by_profile, guide.timing, guide.score_trends,\n"
            "                guide.to_email_or_not, guide.after_a_drop):\n"
            "    chapter()\n"
            "heavy = sorted(m for m in ('pandas', 'numpy') if m in sys.modules)\n"
            "assert not heavy, heavy\n"
            "from stepguide.rules.tables import frame; frame('tiers')\n"
            "assert 'pandas' in sys.modules  # the DataFrame API still works, on demand\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_the_wheel_ships_what_is_ours_and_nothing_else(tmp_path: Path) -> None:
    """``py.typed`` tells type checkers to read stepguide's annotations (PEP 561); the data, the notebooks and the
    serving config travel with the code (``stepguide dashboard`` from a plain install); outside the package only our
    template (plotly.js in its static folder, and the front ends made from ``stepguide/ui/static``), never any
    Jupyter config."""
    import zipfile

    wheel_builder = pytest.importorskip("hatchling.builders.wheel")  # the build backend, in the test extra
    [wheel] = wheel_builder.WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    assert "stepguide/py.typed" in names
    assert "stepguide/rules/assessment.py" in names
    assert {f"stepguide/_data/{p.name}" for p in (ROOT / "data").glob("*.csv")} <= names
    assert {f"stepguide/_project/notebooks/{p.name}" for p in (ROOT / "notebooks").glob("*.ipynb")} <= names
    assert "stepguide/_project/voila.json" in names
    data = {n.split(".data/data/", 1)[1] for n in names if ".data/" in n}
    template = ROOT / "share/jupyter/voila/templates/stepguide"
    assert data == {f"share/jupyter/voila/templates/stepguide/{p.relative_to(template).as_posix()}"
                    for p in template.rglob("*") if p.is_file()}
    assert "share/jupyter/voila/templates/stepguide/static/plotly-basic.min.js" in data
    # the made files (git keeps none of them: deploy/hatch_build.py makes them for the wheel)
    from stepguide.ui.front_ends import template_files

    assert {f"share/jupyter/voila/templates/stepguide/{name}" for name in template_files()} <= data
    assert not any("etc/jupyter" in n for n in names)
    assert not [n for n in names if not n.startswith(("stepguide/", "stepguide-"))]
    dist = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "stepguide = stepguide.serve.cli:main" in archive.read(dist).decode()
    metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "Requires-Dist: psutil" in metadata  # the workshop and the kernel cap use it at run time


@pytest.mark.parametrize("target", ["chromium", "haproxy"])
def test_make_test_says_what_to_install_where_apt_is_missing(target: str) -> None:
    """``make test`` installs Chromium and HAProxy with apt; on a system without apt it says what to install
    instead of failing on a missing ``sudo apt-get``."""
    import shutil
    import subprocess

    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    done = subprocess.run([make, "-s", target], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/nonexistent", "CHROMIUM": "/nonexistent/chromium"})
    if target == "haproxy" and (Path("/usr/sbin/haproxy").exists()):
        assert done.returncode == 0  # found where Debian puts it, whatever the PATH
        return
    assert done.returncode == 0, done.stderr
    assert "not found" in done.stdout and "brew install" in done.stdout
