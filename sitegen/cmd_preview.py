"""CLI module for `samenloket preview` (see sitegen.commands)."""

from .commands import add_preview_arguments as add_arguments
from .commands import run_preview as run

__all__ = ["add_arguments", "run"]
