"""Entry point for `python -m qtc_desktop`."""

import sys

from qtc_desktop.cli import main

sys.exit(main())
