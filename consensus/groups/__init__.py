"""Working groups: delegations, members, group files."""
