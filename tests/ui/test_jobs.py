"""Background jobs: results, user errors, bugs and Cancel all come back by signal."""

from __future__ import annotations

import threading

from qtc_desktop.services.errors import QtcError
from qtc_desktop.services.progress import Progress
from qtc_desktop.ui.jobs import Job, JobRunner


def test_a_job_runs_off_the_gui_thread_and_reports_progress(qtbot) -> None:
    runner = JobRunner()
    threads: list[threading.Thread] = []

    def work(progress: Progress) -> int:
        threads.append(threading.current_thread())
        for done in range(1, 4):
            progress.step(done, 3, f"step {done}")
        return 42

    job = Job(work)
    reports: list[tuple[int, int, str]] = []
    job.signals.progress.connect(lambda *args: reports.append(args))
    with qtbot.waitSignal(job.signals.succeeded, timeout=5000) as blocker:
        runner.start(job)
    assert blocker.args == [42]
    assert threads[0] is not threading.main_thread()
    assert reports[-1] == (3, 3, "step 3")  # the last step always gets through the throttle
    runner.wait()


def test_cancel_stops_the_job_cooperatively(qtbot) -> None:
    runner = JobRunner()
    started = threading.Event()
    steps: list[int] = []

    def work(progress: Progress) -> None:
        started.set()
        for done in range(10_000_000):
            steps.append(done)
            progress.step(done, 10_000_000)

    job = Job(work)
    with qtbot.waitSignal(job.signals.cancelled, timeout=10000):
        runner.start(job)
        assert started.wait(5)
        job.cancel()
    runner.wait()
    assert len(steps) < 10_000_000


def test_a_user_error_comes_back_as_its_message(qtbot) -> None:
    def work(progress: Progress) -> None:
        raise QtcError("Sheet 'Lines', row 7, column 'Quantity': not a number")

    job = Job(work)
    with qtbot.waitSignal(job.signals.failed, timeout=5000) as blocker:
        JobRunner().start(job)
    assert blocker.args == ["Sheet 'Lines', row 7, column 'Quantity': not a number"]


def test_a_bug_is_a_sentence_with_a_crash_log_not_a_traceback(qtbot, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("qtc_desktop.crash_log.crash_log_dir", lambda: tmp_path)

    def work(progress: Progress) -> None:
        raise ZeroDivisionError("division by zero")

    job = Job(work)
    with qtbot.waitSignal(job.signals.failed, timeout=5000) as blocker:
        JobRunner().start(job)
    message = blocker.args[0]
    assert message.startswith("Something went wrong (ZeroDivisionError: division by zero)")
    assert "Traceback" not in message
    logs = list(tmp_path.glob("error-*.txt"))
    assert len(logs) == 1 and "Traceback" in logs[0].read_text()
    assert str(logs[0]) in message
