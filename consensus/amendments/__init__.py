"""Amendments: proposals to replace, insert or delete a clause; co-sponsors; the chair's decision."""
