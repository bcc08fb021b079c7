"""The sample catalog and customers: realistic names for a new user's first look."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from qtc_desktop.domain import FulfillmentKind


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    family: str
    list_price: Decimal
    kind: FulfillmentKind
    serialized: bool = False
    term_months: int | None = None  # subscriptions
    location: str | None = None  # warehouse bin for goods
    unit_weight_kg: Decimal | None = None


PRODUCTS: tuple[Product, ...] = (
    Product("HW-SRV-R220", "Rack Server R220, 2U, 2x CPU", "Hardware", Decimal("6480.00"),
            FulfillmentKind.SHIP, serialized=True, location="A-01-03", unit_weight_kg=Decimal("24.5")),
    Product("HW-SW-48P", "48-port PoE+ Switch", "Hardware", Decimal("2890.00"),
            FulfillmentKind.SHIP, serialized=True, location="A-02-01", unit_weight_kg=Decimal("6.2")),
    Product("HW-AP-6E", "Wi-Fi 6E Access Point", "Hardware", Decimal("540.00"),
            FulfillmentKind.SHIP, serialized=True, location="B-04-07", unit_weight_kg=Decimal("0.9")),
    Product("HW-UPS-1500", "UPS 1500 VA, rack mount", "Hardware", Decimal("1190.00"),
            FulfillmentKind.SHIP, serialized=True, location="C-01-02", unit_weight_kg=Decimal("19.0")),
    Product("HW-RAIL-KIT", "Sliding Rail Kit", "Accessories", Decimal("89.00"),
            FulfillmentKind.SHIP, location="B-01-11", unit_weight_kg=Decimal("1.4")),
    Product("HW-SFP-10G", "SFP+ 10G SR Transceiver", "Accessories", Decimal("129.00"),
            FulfillmentKind.SHIP, location="B-02-05", unit_weight_kg=Decimal("0.05")),
    Product("HW-CBL-C6A", "Cat6A Patch Cable 2 m (10-pack)", "Accessories", Decimal("39.90"),
            FulfillmentKind.SHIP, location="B-03-01", unit_weight_kg=Decimal("0.8")),
    Product("SUB-CLOUD-STD", "Cloud Management, Standard (per device)", "Subscription",
            Decimal("96.00"), FulfillmentKind.PROVISION, term_months=12),
    Product("SUB-CLOUD-ADV", "Cloud Management, Advanced (per device)", "Subscription",
            Decimal("168.00"), FulfillmentKind.PROVISION, term_months=12),
    Product("SUB-SEC-ATP", "Advanced Threat Protection", "Subscription", Decimal("2400.00"),
            FulfillmentKind.PROVISION, term_months=36),
    Product("SUB-SUPPORT-247", "24/7 Premium Support", "Subscription", Decimal("1800.00"),
            FulfillmentKind.PROVISION, term_months=12),
    Product("SVC-INSTALL", "On-site Installation (day)", "Services", Decimal("1250.00"),
            FulfillmentKind.PERFORM),
    Product("SVC-TRAIN-ADM", "Administrator Training (seat)", "Services", Decimal("690.00"),
            FulfillmentKind.PERFORM),
    Product("SVC-PM", "Project Management (hour)", "Services", Decimal("145.00"),
            FulfillmentKind.PERFORM),
)

COMPANY_STEMS = (
    "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Proseware", "Wingtip",
    "Adatum", "Coho", "Lucerne", "Margie's", "Trey", "Woodgrove", "Humongous", "Blue Yonder",
    "Fourth Coffee", "Alpine", "Graphic Design", "Wide World", "Relecloud", "Bellows",
    "Datum", "Lamna", "Munson's", "Nod", "VanArsdel", "Consolidated", "Southridge",
)
COMPANY_SUFFIXES = (
    "Traders", "Logistics", "Health", "Manufacturing", "Energy", "Foods", "Labs",
    "Airlines", "Retail", "Bank", "Insurance", "Hotels", "Clinics", "Engineering",
)
LEGAL_FORMS = {"US": "Inc.", "GB": "Ltd", "DE": "GmbH", "FR": "SAS", "NL": "B.V.",
               "SE": "AB", "PL": "Sp. z o.o.", "GR": "A.E.", "CA": "Inc.", "ES": "S.L."}

# (city, postal code, region, country, street name)
PLACES = (
    ("Seattle", "98101", "WA", "US", "Pike Street"),
    ("Austin", "78701", "TX", "US", "Congress Avenue"),
    ("Chicago", "60601", "IL", "US", "Wacker Drive"),
    ("Toronto", "M5H 2N2", "ON", "CA", "King Street West"),
    ("London", "EC2A 4NE", None, "GB", "Tabernacle Street"),
    ("Manchester", "M1 1AE", None, "GB", "Piccadilly"),
    ("München", "80331", "BY", "DE", "Marienplatz"),
    ("Köln", "50667", "NW", "DE", "Hohe Straße"),
    ("Lyon", "69002", None, "FR", "Rue de la République"),
    ("Rotterdam", "3011 AD", None, "NL", "Coolsingel"),
    ("Göteborg", "411 06", None, "SE", "Kungsportsavenyen"),
    ("Łódź", "90-001", None, "PL", "ulica Piotrkowska"),
    ("Αθήνα", "105 57", None, "GR", "Οδός Ερμού"),
    ("Málaga", "29015", None, "ES", "Calle Larios"),
)
# A few customers whose names are not Latin script, as a multinational's list has.
NATIVE_NAMES = {"GR": ("Αιγαίο Ναυτιλιακή", "Ολυμπος Τεχνολογίες")}

CARRIERS = (("UPS", "Ground"), ("UPS", "Express Saver"), ("FedEx", "Priority Overnight"),
            ("DHL", "Express Worldwide"), ("DB Schenker", "System"), ("DPD", "Classic"))
INCOTERMS = ("DAP", "DDP", "FCA", "EXW", "CPT")
WAREHOUSES = ("RNO-1", "AMS-2", "FRA-1")
FIRST_NAMES = ("Ana", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro", "Ingrid",
               "Jonas", "Katarzyna", "Liam", "Maya", "Nikos", "Olivia", "Pedro", "Sofia")
LAST_NAMES = ("Andersson", "Brown", "Costa", "Dubois", "Evans", "Fischer", "García",
              "Hughes", "Ivanova", "Jansen", "Kowalski", "Lopez", "Müller", "Nowak",
              "O'Brien", "Papadopoulos", "Schmidt")
