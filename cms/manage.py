#!/usr/bin/env python
"""Django's command-line utility for the CMS: `python cms/manage.py <command>`."""

import os
import sys
from pathlib import Path


def main() -> None:
    # Run from anywhere: the project root (which holds the `cms` package) on the path.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
