"""Wiring: config -> providers -> layers, per account x region."""

from components.providers import ProviderRegistry
from config import load_settings

settings = load_settings()
providers = ProviderRegistry(settings)
for account in settings.owned_accounts:
    for region in settings.regions:
        providers.target(account, region)
