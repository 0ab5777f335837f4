"""Entry point: config -> providers -> the stack's layers (see stacks/ and components/).

The config is validated before anything else runs, so a bad stack file fails
with one message and registers nothing. Every layer receives its provider
through its Args; none can fall back to a default provider.
"""

from components.providers import ProviderRegistry
from config import load_settings
from stacks import deploy

settings = load_settings()
deploy(settings, ProviderRegistry(settings))
