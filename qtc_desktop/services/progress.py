"""The progress-and-cancel object every long job receives as its last argument."""

from __future__ import annotations


class Cancelled(Exception):
    """The user pressed Cancel; the job's transaction is rolled back."""


class Progress:
    """Reports how far a job is and lets the caller stop it between steps.

    The base class reports nowhere and is never cancelled, for the command line and tests.
    A window passes a subclass that forwards `report` to a progress bar.
    """

    def __init__(self) -> None:
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def step(self, done: int, total: int, message: str = "") -> None:
        """Say how far the job is; raises Cancelled if the user asked to stop."""
        if self._cancelled:
            raise Cancelled()
        self.report(done, total, message)

    def report(self, done: int, total: int, message: str) -> None:
        """Override to show progress; called from the job's own thread."""
