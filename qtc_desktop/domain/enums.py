"""The fixed vocabularies of the domain: quote types, order states, fulfillment kinds."""

from __future__ import annotations

import enum

from sqlalchemy import Enum as SqlEnum


class QuoteType(enum.StrEnum):
    NEW = "new"
    AMENDMENT = "amendment"
    RENEWAL = "renewal"
    CANCELLATION = "cancellation"


class OrderStatus(enum.StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SENT_TO_ERP = "sent_to_erp"
    CONFIRMED = "confirmed"
    PARTLY_SHIPPED = "partly_shipped"
    SHIPPED = "shipped"
    CLOSED = "closed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def phrase(self) -> str:
        """The label inside a sentence: "is sent to ERP", "is on hold"."""
        return self.label.lower().replace("erp", "ERP")


_STATUS_LABELS = {
    OrderStatus.DRAFT: "Draft",
    OrderStatus.READY: "Ready",
    OrderStatus.SENT_TO_ERP: "Sent to ERP",
    OrderStatus.CONFIRMED: "Confirmed",
    OrderStatus.PARTLY_SHIPPED: "Partly shipped",
    OrderStatus.SHIPPED: "Shipped",
    OrderStatus.CLOSED: "Closed",
    OrderStatus.ON_HOLD: "On hold",
    OrderStatus.CANCELLED: "Cancelled",
}

OPEN_ORDER_STATUSES = frozenset(OrderStatus) - {OrderStatus.CLOSED, OrderStatus.CANCELLED}


class FulfillmentKind(enum.StrEnum):
    SHIP = "ship"  # ship goods from a warehouse
    PROVISION = "provision"  # provision a subscription or licence
    PERFORM = "perform"  # perform a service


class ProvisioningAction(enum.StrEnum):
    """The delta an amendment, renewal or cancellation asks of fulfillment."""

    ADD = "add"
    INCREASE = "increase"
    DECREASE = "decrease"
    REMOVE = "remove"
    SWAP = "swap"
    RENEW = "renew"
    CANCEL = "cancel"
    NONE = "none"


class ChangeSource(enum.StrEnum):
    USER_EDIT = "user_edit"
    IMPORT = "import"
    QUOTE_REVISION = "quote_revision"
    AMENDMENT = "amendment"
    ERP_ROUND_TRIP = "erp_round_trip"
    ERP_EXPORT = "erp_export"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("erp", "ERP").capitalize().replace(
            "Erp", "ERP"
        )


def enum_column(enum_class: type[enum.StrEnum]) -> SqlEnum:
    """Store an enum by its value in a plain string column, the same on every engine."""
    return SqlEnum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
