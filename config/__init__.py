"""Typed stack configuration: parsed and validated once, before any resource is registered."""

from config.errors import NAMESPACE, ConfigError, Problem
from config.settings import Settings, load_settings, validate

__all__ = ["NAMESPACE", "ConfigError", "Problem", "Settings", "load_settings", "validate"]
