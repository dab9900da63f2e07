"""CLI module for `samenloket build` (see sitegen.commands)."""

from .commands import add_build_arguments as add_arguments
from .commands import run_build as run

__all__ = ["add_arguments", "run"]
