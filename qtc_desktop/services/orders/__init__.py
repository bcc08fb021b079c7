"""Fulfillment orders: creating them from quotes, editing, readiness, workflow and shipments."""
