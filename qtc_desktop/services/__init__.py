"""Use cases: each takes a Session or Connection (and a Progress for long work). No Qt."""
