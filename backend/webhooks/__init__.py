"""Webhooks (issue 13): subscriptions an admin keeps, deliveries fanned out from the domain
events and sent, signed, by the worker (:mod:`backend.webhooks.delivery`)."""
