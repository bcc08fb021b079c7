"""Noticing what other coordinators save: a look at the change records every few seconds.

The look is one tiny query, but it runs on a thread of its own, not the window's: while
the server is unreachable each look waits for the connection attempt to give up, and
psycopg gives a connect 130 seconds by default (a connection that died without a word can
hang longer still). The window must keep working then: that is when a coordinator has
unsaved edits they want to keep. Only one look is out at a time; its answer comes back
by a queued signal, and everything else (the bookmark, the signals below) lives on the
window's thread.

While a question is open (any modal dialog: a stale save, "Why on hold?", the export
dialog) nothing is changed under it: what was found is left for the first look after.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from qtc_desktop.services.changes.watching import POLL_SECONDS, Bookmark, OutsideChanges, bookmark, changes_after
from qtc_desktop.store import Store, StoreError

# What an unreachable or failing database raises; anything else is a bug and is raised again.
UNREACHABLE = (DBAPIError, PoolTimeout, StoreError)
_JOIN_SECONDS = 2.0  # how long closing the window waits for a look that is still out


class ChangeWatcher(QObject):
    """Asks the database every POLL_SECONDS what was saved since the last look."""

    # The OutsideChanges found by a look.
    changed = Signal(object)
    # A sentence naming the database, once when looks start failing.
    connection_lost = Signal(str)
    # The first good look after connection_lost.
    connection_restored = Signal()
    # Every look asked for has been answered (tests wait on this instead of the clock).
    polled = Signal()
    # From the look's thread: what the database said, or the sentence saying why it did not.
    _answered = Signal(object, object)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.lost = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_SECONDS * 1000)
        self.timer.timeout.connect(self.poll)
        self._bookmark: Bookmark | None = None
        self._thread: threading.Thread | None = None
        self._again = False  # asked while a look was out: look again once it is answered
        self._stopped = False
        self._answered.connect(self._take_answer)

    def start(self) -> None:
        """Take the bookmark now, before the window reads its lists, then look every POLL_SECONDS.

        Taken here on the window's thread: the store was opened a moment ago, so the server
        answers, and a save made between this and the lists being read is only read twice.
        """
        self._stopped = False
        try:
            with self.store.session() as session:
                self._bookmark = bookmark(session)
        except UNREACHABLE as exc:  # the first good look takes it instead
            self._fail(_reason(exc))
        self.timer.start()

    def stop(self) -> None:
        """No more looks; a look still out is waited for briefly, then left to end on its own."""
        self.timer.stop()
        self._stopped, self._again = True, False
        thread = self._thread
        if thread is not None and thread.is_alive():
            thread.join(_JOIN_SECONDS)

    def poll(self) -> bool:
        """Look now (the timer does every POLL_SECONDS); False when a look is still out, in which
        case another follows as soon as it is answered."""
        if self._thread is not None:
            self._again = True
            return False
        self._thread = threading.Thread(target=self._look, args=(self._bookmark,), name="qtc-change-watcher",
                                        daemon=True)  # a look hanging on a dead server must not hold up quitting
        self._thread.start()
        return True

    # -- on the look's thread -------------------------------------------------------------

    def _look(self, since: Bookmark | None) -> None:
        answer: object
        problem: str | None = None
        try:
            with self.store.session() as session:
                answer = bookmark(session) if since is None else changes_after(session, since)
        except UNREACHABLE as exc:
            answer, problem = None, _reason(exc)
        except Exception as exc:  # noqa: BLE001 - a bug: raised again on the window's thread
            answer = exc
        try:
            self._answered.emit(answer, problem)
        except RuntimeError:  # the window closed while the look was out: nobody to tell
            pass

    # -- back on the window's thread --------------------------------------------------------

    def _take_answer(self, answer: object, problem: str | None) -> None:
        self._thread = None
        if self._stopped:  # the window is closing
            return
        if isinstance(answer, Exception):  # a bug, not the network: reported like any other
            self._again = False
            self.polled.emit()
            raise answer
        if problem is not None:
            self._fail(problem)
        else:
            if self.lost:
                self.lost = False
                self.connection_restored.emit()
            if isinstance(answer, Bookmark):
                self._bookmark = answer
            elif isinstance(answer, OutsideChanges) and QApplication.activeModalWidget() is None:
                self._bookmark = answer.bookmark
                self.changed.emit(answer)
        if self._again:
            self._again = False
            self.poll()
        else:
            self.polled.emit()

    def _fail(self, problem: str) -> None:
        if not self.lost:
            self.lost = True
            self.connection_lost.emit(f"Cannot reach the database {self.store.location} ({problem}).")


def _reason(exc: Exception) -> str:
    """The first line of what the driver said, short enough for a status bar."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    line = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    return line if len(line) <= 120 else line[:119] + "…"
