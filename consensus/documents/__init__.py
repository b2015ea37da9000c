"""Documents, their versions and clauses."""
