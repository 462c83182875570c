"""The ``stepguide`` command's choices, at its public functions (the servers it starts are tested in
tests/test_fresh_install.py and the serve/browser tests)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from stepguide.serve import cli, project

ROOT = Path(__file__).resolve().parents[2]


def test_in_a_clone_the_project_is_the_clone() -> None:
    assert project.in_checkout() and project.project_root() == ROOT
    assert set(project.notebooks()) >= {"dashboard", "presenter", "00_start_here", "06_for_advisers"}
    assert project.find_notebook("dashboard") == ROOT / "notebooks" / "dashboard.ipynb"
    assert project.find_notebook("02_timing.ipynb") == ROOT / "notebooks" / "02_timing.ipynb"


def test_an_unknown_notebook_names_the_ones_there_are() -> None:
    with pytest.raises(FileNotFoundError, match="dashboard, presenter"):
        project.find_notebook("nope")
    done = subprocess.run([sys.executable, "-m", "stepguide.serve.cli", "dashboard", "--notebook", "nope"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "00_start_here" in done.stderr and "Traceback" not in done.stderr


def test_dashboard_command_line() -> None:
    argv = cli.dashboard_argv(ROOT / "notebooks" / "dashboard.ipynb", 9001, "0.0.0.0", 2, ["--debug"])
    assert argv[1:4] == ["-m", "voila", str(ROOT / "notebooks" / "dashboard.ipynb")]
    assert {"--port=9001", "--Voila.ip=0.0.0.0", "--pool_size=2", "--no-browser", "--debug"} <= set(argv)


def test_lab_runs_as_root_in_a_container_and_takes_a_port(tmp_path: Path) -> None:
    argv = cli.lab_argv(tmp_path, 9100, "127.0.0.1", browser=False)
    assert "--port=9100" in argv and f"--ServerApp.root_dir={tmp_path}" in argv and "--no-browser" in argv
    assert ("--allow-root" in argv) == (os.getuid() == 0)
    # a chapter's kernel left behind by a closed tab is culled as the dashboard's are (voila.json)
    assert {"--MappingKernelManager.cull_idle_timeout=600", "--MappingKernelManager.cull_interval=60",
            "--MappingKernelManager.cull_connected=False"} <= set(argv)


def test_lab_copies_the_chapters_and_never_overwrites_yours(tmp_path: Path) -> None:
    mine = tmp_path / "00_start_here.ipynb"
    mine.write_text("my notes")
    copied = cli.copy_chapters(tmp_path)
    assert mine.read_text() == "my notes" and mine not in copied
    assert {p.name for p in copied} == {p.name for p in project.notebooks().values()} - {mine.name}
    assert cli.copy_chapters(tmp_path) == []


def test_workshop_takes_its_own_options() -> None:
    done = subprocess.run([sys.executable, "-m", "stepguide.serve.cli", "workshop", "--help"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    assert "stepguide workshop" in done.stdout and "--room" in done.stdout and "--cap" in done.stdout
    done = subprocess.run([sys.executable, "-m", "stepguide.serve.cli", "workshop", "--room", "0"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "room must be >= 1" in done.stderr


@pytest.mark.parametrize("document", ["notebooks/00_start_here.ipynb", "README.md"])
def test_the_commands_that_open_a_chapter_as_a_page_exist(document: str) -> None:
    """Chapter 0 and the README say how to open a chapter (chapter 6 in the README) as a page in Voila; every
    such command names a notebook that is there."""
    text = (ROOT / document).read_text()
    named = re.findall(r"stepguide dashboard --notebook (\w+)", text)
    made = re.findall(r"make dashboard NOTEBOOK=(\w+)", text)
    assert named and made
    for name in named + made:
        assert project.find_notebook(name).is_file()
