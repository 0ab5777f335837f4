"""Which Pulumi backend holds the stacks, and the ``sharedStack`` form that backend resolves.

A self-managed backend (``pulumi login s3://...``, what ``bootstrap/state-backend.yaml`` creates) puts every
project under one virtual organization named literally ``organization``; Pulumi Cloud uses the real
organization's name. A StackReference with the other backend's form fails only at deploy time, so it is
rejected here, before any resource exists.
"""

from __future__ import annotations

from config.errors import Problem
from config.schema import SELF_MANAGED_ORGANIZATION, StateBackend


def shared_stack_form(backend: StateBackend, project: str, organization: str | None = None) -> str:
    org = SELF_MANAGED_ORGANIZATION if backend is StateBackend.self_managed else (
        organization if organization and organization != SELF_MANAGED_ORGANIZATION else "<your Pulumi Cloud organization>")
    return f"{org}/{project}/shared"


def backend_problems(backend: StateBackend, shared_stack: str | None, project: str, organization: str | None) -> list[Problem]:
    """``organization`` is what the engine reports (``pulumi.get_organization()``); None when unknown.

    The engine says ``organization`` on a self-managed backend (and under mocks, where no backend exists), and
    the Cloud organization's name on Pulumi Cloud, so only the Cloud case can be cross-checked.
    """
    problems: list[Problem] = []
    on_cloud = organization not in (None, "", SELF_MANAGED_ORGANIZATION)
    if on_cloud and backend is StateBackend.self_managed:
        problems.append(Problem("stateBackend", f"this stack runs on Pulumi Cloud (organization '{organization}'), "
                                "but stateBackend says self-managed", "set aiplatform:stateBackend to cloud"))
        return problems
    if not shared_stack:
        return problems  # a missing sharedStack is reported by the cross-field rules
    expected = shared_stack_form(backend, project, organization)
    parts = shared_stack.split("/")
    if len(parts) != 3 or not all(parts):
        problems.append(Problem("sharedStack", f"'{shared_stack}' is not a fully qualified stack name (<organization>/<project>/<stack>)",
                                f"set it to {expected}"))
        return problems
    org, ref_project, _ = parts
    if backend is StateBackend.self_managed and org != SELF_MANAGED_ORGANIZATION:
        problems.append(Problem("sharedStack", f"'{shared_stack}' is the Pulumi Cloud form, but stateBackend is self-managed, "
                                f"where every stack's organization is '{SELF_MANAGED_ORGANIZATION}'",
                                f"set it to {SELF_MANAGED_ORGANIZATION}/{ref_project}/{parts[2]}, or set stateBackend: cloud"))
    elif backend is StateBackend.cloud and org == SELF_MANAGED_ORGANIZATION:
        problems.append(Problem("sharedStack", f"'{shared_stack}' is the self-managed form, but stateBackend is cloud",
                                f"set it to {shared_stack_form(backend, ref_project, organization).replace('/shared', '/' + parts[2])}, "
                                "or set stateBackend: self-managed"))
    elif backend is StateBackend.cloud and on_cloud and org != organization:
        problems.append(Problem("sharedStack", f"'{shared_stack}' names organization '{org}', but this stack runs in '{organization}'",
                                f"set it to {organization}/{ref_project}/{parts[2]}"))
    if ref_project != project:
        problems.append(Problem("sharedStack", f"'{shared_stack}' names project '{ref_project}', not this project ('{project}')",
                                f"set it to {org}/{project}/{parts[2]}"))
    return problems
