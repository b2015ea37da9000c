"""Voting and consensus rounds: electorates, ballots, tallies, live updates, deadlines."""
