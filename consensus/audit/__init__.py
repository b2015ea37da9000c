"""The audit log: every change of state, hash-chained."""
