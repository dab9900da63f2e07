"""CLI module for `samenloket serve` (see sitegen.commands)."""

from .commands import add_serve_arguments as add_arguments
from .commands import run_serve as run

__all__ = ["add_arguments", "run"]
