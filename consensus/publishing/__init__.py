"""Adoption and publication: frozen adopted versions, public texts and their downloads."""
