"""The reader child hands the re-import each sheet as it is read, the meta sheet first and then
the sheet of most rows, and the workbook it returns is the same as without that."""

from __future__ import annotations

from pathlib import Path

from qtc_desktop.services.exporting.service import export_orders, orders_to_export
from qtc_desktop.services.exporting.writer import META_SHEET
from qtc_desktop.services.importing.reading import RawSheet, read_workbook
from qtc_desktop.store import OpenedStore


def test_sheets_arrive_meta_first_and_the_workbook_is_whole(sample_store: OpenedStore, tmp_path: Path) -> None:
    path = tmp_path / "erp.xlsx"
    with sample_store.transaction() as session:
        export_orders(session, orders_to_export(session, changed=True), path, "generic", who="maria")
    arrived: list[RawSheet] = []
    streamed = read_workbook(path, first=(META_SHEET,), on_sheet=arrived.append)
    plain = read_workbook(path)
    orders, lines, meta = plain.sheets
    assert len(lines.rows) > len(orders.rows)
    assert [sheet.name for sheet in arrived] == [META_SHEET, "Lines", "Orders"]
    assert [sheet.name for sheet in streamed.sheets] == [orders.name, lines.name, meta.name] == [
        "Orders", "Lines", META_SHEET]
    assert streamed == plain
    assert [sheet.rows for sheet in arrived] == [meta.rows, lines.rows, orders.rows]
