"""Wiring: config -> providers -> layers, per account x region."""

from config import load_settings
from components.providers import ProviderRegistry

settings = load_settings()
providers = ProviderRegistry(settings)
for account in settings.owned_accounts:
    for region in settings.regions:
        providers.target(account, region)
