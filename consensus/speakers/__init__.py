"""The list of speakers of an agenda item and a meeting's live stream."""
