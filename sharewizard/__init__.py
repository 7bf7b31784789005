"""sharewizard: decide whether, what and how to share safeguarding information, and record it."""

__version__ = "0.1.0"

__all__ = ["__version__"]
