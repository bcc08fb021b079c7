"""`qtc-desktop pdf packing-slip|pick-list`: packing paperwork as PDF, over the services."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from qtc_desktop.cli_common import EXIT_OK, open_database
from qtc_desktop.store import Store


def add_commands(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    pdf = commands.add_parser("pdf", help="packing slips and pick lists as PDF")
    kinds = pdf.add_subparsers(dest="pdf_command", metavar="DOCUMENT", required=True, parser_class=parser_class)
    slip = kinds.add_parser("packing-slip", help="the packing slip of a shipment (default: each of the "
                            "order's shipments; the order as it stands when it has none)")
    slip.add_argument("order", metavar="ORDER_ID", help="order id or number")
    slip.add_argument("--shipment", metavar="ID", help="a shipment number (SH-0000012) or id")
    slip.add_argument("--out", type=Path, required=True, metavar="FILE")
    pick = kinds.add_parser("pick-list", help="what to fetch for the orders, by warehouse and bin")
    pick.add_argument("orders", nargs="+", metavar="ORDER_ID")
    pick.add_argument("--out", type=Path, required=True, metavar="FILE")


def pdf_command(args: argparse.Namespace) -> int:
    store = open_database(args, exclusive=False)
    try:
        print(run_pdf(store, args))
    finally:
        store.close()
    return EXIT_OK


def run_pdf(store: Store, args: argparse.Namespace) -> str:
    """Write the PDF; returns what was written, for the terminal."""
    from qtc_desktop.services.paperwork.documents import (
        SlipRequest,
        packing_slips,
        write_packing_slips,
        write_pick_list,
    )
    from qtc_desktop.services.preferences import load_preferences

    preferences = load_preferences()
    with store.session() as session:
        if args.pdf_command == "packing-slip":
            slips = packing_slips(session, [SlipRequest(args.order, args.shipment)])
            path = write_packing_slips(slips, args.out, preferences)
            return f"{path}: {len(slips)} packing slip(s) ({', '.join(slip.key for slip in slips)})"
        path = write_pick_list(session, args.orders, args.out, preferences)
        return f"{path}: pick list for {len(args.orders)} order(s)"
