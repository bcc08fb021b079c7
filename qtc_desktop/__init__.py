"""qtc-desktop: the fulfillment coordinator's desktop tool."""

__version__ = "0.1.0"
