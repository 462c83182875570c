"""The environment files agree, and the README's two commands exist."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "conda-forge" in env["channels"]
    assert any(d.startswith("python=3.11") for d in env["dependencies"] if isinstance(d, str))
    assert conda == wanted
    assert "-e ." in pip


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make dashboard" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def test_server_side_imports_stay_light():
    """The Voila server imports the plotly.js route and the xsrf fix; neither may pull in pandas."""
    import subprocess
    import sys
    code = "import sys, stepguide.serve.extension, stepguide.serve.hooks; assert 'pandas' not in sys.modules"
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

