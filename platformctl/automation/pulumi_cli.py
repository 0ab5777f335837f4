"""Find a usable Pulumi CLI and a logged-in backend, or say exactly what is missing."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pulumi.automation import LocalWorkspace, PulumiCommand
from pulumi.automation import errors as auto_errors
from semver import VersionInfo

from platformctl.automation.errors import AutomationSetupError, describe_failure, hint_for, strip_ansi

# `refresh --preview-only` (drift without writing state) arrived in 3.105.0.
MINIMUM_CLI_VERSION = VersionInfo(3, 105, 0)
INSTALL_HINT = ("install it: `curl -fsSL https://get.pulumi.com | sh` (see https://www.pulumi.com/docs/iac/download-install/), "
                "then put it on PATH or pass --pulumi-root DIR (the directory holding bin/pulumi)")


def resolve_pulumi_command(root: Path | None = None) -> PulumiCommand:
    """One PulumiCommand shared by every stack: `pulumi version` runs once, not once per workspace."""
    where = f"{root}/bin/pulumi" if root else "`pulumi` on PATH"
    try:
        return PulumiCommand(root=str(root) if root else None, version=MINIMUM_CLI_VERSION)
    except FileNotFoundError:
        raise AutomationSetupError(f"Pulumi CLI not found ({where}); {INSTALL_HINT}") from None
    except PermissionError:
        raise AutomationSetupError(f"Pulumi CLI at {where} is not executable; {INSTALL_HINT}") from None
    except subprocess.CalledProcessError as exc:
        raise AutomationSetupError(f"`pulumi version` failed with exit code {exc.returncode} ({where}); {INSTALL_HINT}") from None
    except auto_errors.InvalidVersionError as exc:
        raise AutomationSetupError(f"{exc} platformctl needs Pulumi CLI >= {MINIMUM_CLI_VERSION}; "
                                   f"upgrade with `pulumi self-update` or reinstall") from None


def check_login(workspace: LocalWorkspace) -> str:
    """`pulumi whoami` in the project directory; returns the backend user."""
    try:
        return workspace.who_am_i().user
    except auto_errors.CommandError as exc:
        text = strip_ansi(str(exc))
        hint = hint_for(text) or "log in with `pulumi login`"
        raise AutomationSetupError(f"no usable Pulumi backend login: {describe_failure(exc).split(' (fix:')[0]} "
                                   f"(fix: {hint})") from None
