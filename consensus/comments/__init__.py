"""Comments on clauses: threads, edits with history, the secretariat's dispositions."""
