"""What each stack deploys, wired from the layers in components/.

``deploy`` is the whole program once the configuration is valid: the shared
stack or a workload (dev, prod) stack, every account x region it owns.
"""

from components.providers import ProviderRegistry
from config import Settings
from stacks.shared import shared_stack
from stacks.workload import workload_stack


def deploy(settings: Settings, providers: ProviderRegistry) -> None:
    if settings.is_shared:
        shared_stack(settings, providers)
    else:
        workload_stack(settings, providers)
