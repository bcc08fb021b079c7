"""Guards against the PySide6 6.12.0 / Python 3.11 crash that frees None after many repaints.

That release decrements None's reference count each time a Python data() returns None to
C++; a table view then aborts the whole process ("none_dealloc") after a few thousand
repaints. The repaints run in a child process so a regression fails this test instead of
killing the test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication, QTableView
    from qtc_desktop.services.lists import ORDERS
    from qtc_desktop.services.sample_data import load_sample_data
    from qtc_desktop.store import open_store, resolve_url
    from qtc_desktop.ui.list_model import PagedListModel

    app = QApplication([])
    store = open_store(resolve_url(sys.argv[1]))
    with store.transaction() as session:
        load_sample_data(session, orders=60)
    model = PagedListModel(store, ORDERS)
    model.refresh()
    view = QTableView()
    view.setModel(model)
    view.resize(1200, 900)
    view.show()
    refcount = sys.getrefcount(None)
    for _ in range(int(sys.argv[2])):
        view.viewport().repaint()
    # Each repaint asks data() for many roles that answer None; None must not leak away.
    print(sys.getrefcount(None) - refcount)
    store.close()
    """
)


def test_table_survives_many_thousand_repaints(tmp_path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "paint.sqlite3"), "3000"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, f"the table view crashed: {result.stderr[-2000:]}"
    # A leak or a steal of None's references shows as a large drift after 3000 repaints.
    assert abs(int(result.stdout.strip().splitlines()[-1])) < 1000
