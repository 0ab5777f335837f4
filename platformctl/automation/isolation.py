"""Give each stack its own Pulumi workspace settings so stacks can run side by side.

The CLI records the selected stack in ``$PULUMI_HOME/workspaces/<project>-<hash>-workspace.json``
on ``stack select``/``stack init`` (which ``create_or_select_stack`` runs), and since 3.154 (#14519) other
stack selections are saved the same way. Parallel runs over one project therefore race on that one
file and can corrupt it (pulumi/pulumi#8186, #6287).
Each stack gets a private PULUMI_HOME whose ``workspaces`` directory is its own while every
other entry (plugins, credentials, policy packs, templates) is a symlink into the real home,
so logins and the plugin cache stay shared and nothing is copied.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

PRIVATE_ENTRIES = frozenset({"workspaces"})
# Created in the real home when missing, so what one stack downloads the next one reuses.
SHARED_DIRS = ("plugins", "policies")


def default_pulumi_home() -> Path:
    return Path(os.environ.get("PULUMI_HOME") or Path.home() / ".pulumi")


class PulumiHomes:
    """Private PULUMI_HOME directories for one invocation; ``close()`` removes them (links only)."""

    def __init__(self, shared_home: Path | None = None) -> None:
        self.shared_home = shared_home or default_pulumi_home()
        self._root: Path | None = None

    def for_stack(self, stack: str) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="platformctl-pulumi-home-"))
        home = self._root / stack.replace("/", "_")
        home.mkdir(exist_ok=True)
        (home / "workspaces").mkdir(exist_ok=True)
        for name in SHARED_DIRS:
            (self.shared_home / name).mkdir(parents=True, exist_ok=True)
        for entry in self.shared_home.iterdir():
            link = home / entry.name
            if entry.name not in PRIVATE_ENTRIES and not link.exists() and not link.is_symlink():
                link.symlink_to(entry)
        return home

    def close(self) -> None:
        if self._root is not None:
            # rmtree removes the symlinks themselves, never what they point at
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None
