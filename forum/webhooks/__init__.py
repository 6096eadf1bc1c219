"""Webhooks: a community's subscriptions, the events its services emit, signed deliveries and their log.

`events` is the low half every feature may call (it imports no feature); `payloads`, `delivery`
and the doors sit above the features and read them."""
