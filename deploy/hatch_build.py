"""The package's build hook (hatchling): the Voila template's made files go into the wheel.

The widgets' front ends, style sheets, glossary and the template's preloads are made from ``stepguide/ui/static/``
and ``data/`` by :func:`stepguide.ui.front_ends.write_template_files` and git ignores them, so they are made here,
into the template's folder, and named one by one (an ignored file is otherwise left out of the wheel). That module
and what it reads import nothing but the standard library, which is all a build environment has.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class TemplateFiles(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        sys.path.insert(0, str(root))
        try:
            from stepguide.ui.front_ends import write_template_files

            made = write_template_files()
        finally:
            sys.path.remove(str(root))
        shared = build_data.setdefault("shared_data", {})
        for path in made:
            shared[str(path)] = path.relative_to(root).as_posix()
