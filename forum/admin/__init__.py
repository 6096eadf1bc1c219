"""Site administration: communities, role assignment and the audit log."""
