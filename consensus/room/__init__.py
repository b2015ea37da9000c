"""The room: the projector, the chair's console and the summary of proceedings of a meeting."""
