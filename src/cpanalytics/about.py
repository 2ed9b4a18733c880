"""Package facts any layer may read: the version (part of every cache key) and the default
authority name shown when none is given."""

from pathlib import Path

__version__ = "0.1.0"

#: The authority name shown when none is given (``--la-name``) or recorded in a manifest.
DEFAULT_LA_NAME = "Local authority"

#: Files shipped with the package: configuration defaults, notebooks, report sources, styles.
RESOURCES = Path(__file__).resolve().parent / "resources"
