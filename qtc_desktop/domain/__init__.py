"""The domain: every entity the coordinator works with, as SQLAlchemy models. No Qt."""

from qtc_desktop.domain.accounts import Account
from qtc_desktop.domain.base import Base
from qtc_desktop.domain.changes import ChangeRecord
from qtc_desktop.domain.contracts import ContractedPosition
from qtc_desktop.domain.enums import (
    ChangeSource,
    FulfillmentKind,
    OrderStatus,
    ProvisioningAction,
    QuoteType,
)
from qtc_desktop.domain.exports import ExportBatch, ExportBatchOrder, ExportLayout
from qtc_desktop.domain.orders import FulfillmentOrder, FulfillmentOrderLine
from qtc_desktop.domain.quotes import Quote, QuoteLine
from qtc_desktop.domain.settings import DatabaseIdentity, ImportMapping, ProductRule
from qtc_desktop.domain.shipments import Package, Shipment, ShipmentLine

__all__ = [
    "Account",
    "Base",
    "ChangeRecord",
    "ChangeSource",
    "ContractedPosition",
    "DatabaseIdentity",
    "ExportBatch",
    "ExportBatchOrder",
    "ExportLayout",
    "FulfillmentKind",
    "FulfillmentOrder",
    "FulfillmentOrderLine",
    "ImportMapping",
    "OrderStatus",
    "Package",
    "ProductRule",
    "ProvisioningAction",
    "Quote",
    "QuoteLine",
    "QuoteType",
    "Shipment",
    "ShipmentLine",
]
