"""Meetings of a group: the agenda, running the meeting, the roll call and the calendar."""
