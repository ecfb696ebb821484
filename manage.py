#!/usr/bin/env python
"""Django's command-line utility for Cluster Explorer."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "explorer.settings")
    from django.core.management import execute_from_command_line

    from explorer.env import SettingsError

    try:
        execute_from_command_line(sys.argv)
    except SettingsError as error:
        sys.exit(f"settings: {error}")


if __name__ == "__main__":
    main()
