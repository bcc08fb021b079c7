"""Long work off the GUI thread: one job at a time, progress by signal, cooperative Cancel.

Like Anki's collection operations, jobs run one after another on a single worker so
database writes never race; each job opens its own Session through the function it runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from qtc_desktop.crash_log import write_crash_log
from qtc_desktop.services.errors import USER_ERRORS
from qtc_desktop.services.progress import Cancelled, Progress

_REPORT_INTERVAL = 0.05  # seconds: fast enough to look live, slow enough not to flood


class JobSignals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()


class _SignalProgress(Progress):
    def __init__(self, signals: JobSignals) -> None:
        super().__init__()
        self._signals = signals
        self._last = 0.0

    def report(self, done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if now - self._last >= _REPORT_INTERVAL or done >= total:
            self._last = now
            self._signals.progress.emit(done, total, message)


class Job(QRunnable):
    """Runs `work(progress)` on the worker thread and reports the outcome by signal."""

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = JobSignals()
        self.progress = _SignalProgress(self.signals)
        self._work = work

    def cancel(self) -> None:
        self.progress.cancel()

    def run(self) -> None:
        try:
            result = self._work(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except USER_ERRORS as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - a bug: a sentence for the user, details on disk
            log = write_crash_log(exc)
            self.signals.failed.emit(
                f"Something went wrong ({type(exc).__name__}: {exc}). Nothing was stored.\n"
                f"Details were written to {log}."
            )
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class JobRunner(QObject):
    """A single-worker queue of jobs, owned by the main window."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running: set[Job] = set()

    def start(self, job: Job) -> Job:
        self._running.add(job)
        job.signals.finished.connect(lambda: self._running.discard(job))
        self._pool.start(job)
        return job

    def cancel_all(self) -> None:
        for job in list(self._running):
            job.cancel()

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)
