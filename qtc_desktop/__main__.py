"""Entry point for `python -m qtc_desktop` and the installed program."""

import sys

if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        # The importer reads spreadsheets in a spawned child process; in a PyInstaller
        # build that child is this same program, which must hand over to multiprocessing.
        import multiprocessing

        multiprocessing.freeze_support()
    from qtc_desktop.cli import main

    sys.exit(main())
