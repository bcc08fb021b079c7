"""Change tracking: history, and what amendments, renewals and cancellations ask of fulfillment."""
