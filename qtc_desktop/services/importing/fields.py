"""The fields a quote line can carry, and the column names CPQ exports use for them."""

from __future__ import annotations

import enum
import re


class Field(enum.StrEnum):
    QUOTE_NUMBER = "quote_number"
    QUOTE_REVISION = "quote_revision"
    QUOTE_TYPE = "quote_type"
    QUOTE_DATE = "quote_date"
    ACCOUNT_NAME = "account_name"
    ACCOUNT_ID = "account_id"
    CURRENCY = "currency"
    ORIGINAL_QUOTE = "original_quote"
    CONTRACT = "contract"
    LINE_NUMBER = "line_number"
    LINE_ID = "line_id"
    PARENT_LINE_ID = "parent_line_id"
    PRODUCT_CODE = "product_code"
    PRODUCT_NAME = "product_name"
    PRODUCT_FAMILY = "product_family"
    QUANTITY = "quantity"
    PRIOR_QUANTITY = "prior_quantity"
    LIST_PRICE = "list_price"
    NET_PRICE = "net_price"
    DISCOUNT = "discount"
    NET_TOTAL = "net_total"
    START_DATE = "start_date"
    END_DATE = "end_date"
    SUBSCRIPTION_TERM = "subscription_term"
    BILLING_FREQUENCY = "billing_frequency"

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())


_LABELS = {
    Field.ACCOUNT_ID: "Account id",
    Field.LINE_ID: "Line id",
    Field.PARENT_LINE_ID: "Bundle parent (line id)",
    Field.DISCOUNT: "Discount (%)",
    Field.SUBSCRIPTION_TERM: "Subscription term (months)",
}

# A file must map at least these to be read as quote lines.
REQUIRED = (Field.QUOTE_NUMBER, Field.PRODUCT_CODE, Field.QUANTITY)
# Read as dates, numbers, percentages; every other field is text.
DATE_FIELDS = frozenset({Field.QUOTE_DATE, Field.START_DATE, Field.END_DATE})
MONEY_FIELDS = frozenset({Field.LIST_PRICE, Field.NET_PRICE, Field.NET_TOTAL})
QUANTITY_FIELDS = frozenset({Field.QUANTITY, Field.PRIOR_QUANTITY})
INTEGER_FIELDS = frozenset({Field.QUOTE_REVISION, Field.LINE_NUMBER, Field.SUBSCRIPTION_TERM})
PERCENT_FIELDS = frozenset({Field.DISCOUNT})

# Report labels (as a CPQ report or a person writes them) and Salesforce CPQ API names,
# including relationship paths. Compared after normalising: case, spaces, punctuation.
BUILT_IN_NAMES: dict[Field, tuple[str, ...]] = {
    Field.QUOTE_NUMBER: ("Quote Number", "Quote No", "Quote #", "Quote", "Quote Name", "Quote ID",
                         "SBQQ__Quote__r.Name", "SBQQ__Quote__c.Name", "Quote: Quote Number",
                         "Quote: Quote Name"),
    Field.QUOTE_REVISION: ("Revision", "Quote Revision", "Rev", "Version", "Quote Version"),
    Field.QUOTE_TYPE: ("Quote Type", "Type", "SBQQ__Quote__r.SBQQ__Type__c", "SBQQ__Type__c",
                       "Quote: Type"),
    Field.QUOTE_DATE: ("Quote Date", "Date", "Created Date", "Accepted Date",
                       "SBQQ__Quote__r.CreatedDate", "SBQQ__Quote__r.SBQQ__StartDate__c__quote"),
    Field.ACCOUNT_NAME: ("Account Name", "Account", "Customer", "Customer Name", "Sold To",
                         "SBQQ__Quote__r.SBQQ__Account__r.Name", "SBQQ__Account__r.Name",
                         "Quote: Account Name"),
    Field.ACCOUNT_ID: ("Account ID", "Account Id", "Customer ID", "Customer Number",
                       "SBQQ__Quote__r.SBQQ__Account__c", "SBQQ__Account__c",
                       "SBQQ__Quote__r.SBQQ__Account__r.Id"),
    Field.CURRENCY: ("Currency", "Currency Code", "CurrencyIsoCode", "Quote Currency",
                     "SBQQ__Quote__r.CurrencyIsoCode"),
    Field.ORIGINAL_QUOTE: ("Original Quote", "Original Quote Number", "Amended Quote",
                           "SBQQ__Quote__r.SBQQ__OriginalQuote__r.Name", "SBQQ__OriginalQuote__c"),
    Field.CONTRACT: ("Contract", "Contract Number", "Master Contract", "Amended Contract",
                     "Renewed Contract", "SBQQ__Quote__r.SBQQ__MasterContract__r.ContractNumber",
                     "SBQQ__Quote__r.SBQQ__MasterContract__c", "SBQQ__MasterContract__c",
                     "SBQQ__RenewedContract__c", "SBQQ__Quote__r.SBQQ__RenewedContract__c"),
    Field.LINE_NUMBER: ("Line", "Line Number", "Line No", "Line #", "#", "SBQQ__Number__c"),
    Field.LINE_ID: ("Line ID", "Quote Line ID", "Quote Line", "Id", "SBQQ__QuoteLine__c.Id",
                    "Quote Line: ID"),
    Field.PARENT_LINE_ID: ("Required By", "Parent Line", "Parent Line ID", "Bundle Parent",
                           "SBQQ__RequiredBy__c", "SBQQ__RequiredBy__r.Id"),
    Field.PRODUCT_CODE: ("Product Code", "SKU", "Item", "Item Number", "Part Number", "Material",
                         "Product SKU", "SBQQ__ProductCode__c", "SBQQ__Product__r.ProductCode",
                         "Product: Product Code"),
    Field.PRODUCT_NAME: ("Product Name", "Product", "Description", "Item Description",
                         "SBQQ__ProductName__c", "SBQQ__Product__r.Name", "Product: Product Name"),
    Field.PRODUCT_FAMILY: ("Product Family", "Family", "SBQQ__ProductFamily__c",
                           "SBQQ__Product__r.Family"),
    Field.QUANTITY: ("Quantity", "Qty", "Units", "New Quantity", "SBQQ__Quantity__c",
                     "SBQQ__EffectiveQuantity__c"),
    Field.PRIOR_QUANTITY: ("Prior Quantity", "Previous Quantity", "Original Quantity", "Prior Qty",
                           "SBQQ__PriorQuantity__c"),
    Field.LIST_PRICE: ("List Price", "List Unit Price", "Unit List Price", "SBQQ__ListPrice__c",
                       "SBQQ__OriginalPrice__c"),
    Field.NET_PRICE: ("Net Price", "Net Unit Price", "Unit Price", "Sales Price", "Price",
                      "SBQQ__NetPrice__c", "SBQQ__CustomerPrice__c"),
    Field.DISCOUNT: ("Additional Disc. (%)", "Additional Discount", "Discount", "Discount (%)",
                     "Disc. (%)", "Discount %", "SBQQ__Discount__c", "SBQQ__AdditionalDiscount__c"),
    Field.NET_TOTAL: ("Net Total", "Total", "Line Total", "Net Amount", "Extended Price",
                      "Amount", "SBQQ__NetTotal__c", "SBQQ__CustomerTotal__c"),
    Field.START_DATE: ("Start Date", "Service Start", "Subscription Start", "Effective Date",
                       "SBQQ__StartDate__c", "SBQQ__EffectiveStartDate__c"),
    Field.END_DATE: ("End Date", "Service End", "Subscription End", "SBQQ__EndDate__c",
                     "SBQQ__EffectiveEndDate__c"),
    Field.SUBSCRIPTION_TERM: ("Subscription Term", "Term", "Term (Months)", "Months",
                              "SBQQ__SubscriptionTerm__c", "SBQQ__DefaultSubscriptionTerm__c"),
    Field.BILLING_FREQUENCY: ("Billing Frequency", "Billing", "SBQQ__BillingFrequency__c"),
}


def normalise(header: str) -> str:
    """A header as compared: lower case, without spaces and punctuation ('Net Total' = 'net_total')."""
    text = header.strip().lower()
    if text in {"#", "line #", "quote #"}:
        return text.replace(" ", "")
    return re.sub(r"[^0-9a-z]+", "", text.replace("%", "pct").replace("#", "no"))


_BUILT_IN: dict[str, Field] = {}
for _field, _names in BUILT_IN_NAMES.items():
    for _name in (*_names, _field.value):
        _BUILT_IN.setdefault(normalise(_name), _field)


def built_in_field(header: str) -> Field | None:
    """The field a column name means among the names CPQ exports use, or None."""
    return _BUILT_IN.get(normalise(header))
