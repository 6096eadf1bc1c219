"""Mail: written to an outbox in the transaction that causes it, sent by the job consumer."""
