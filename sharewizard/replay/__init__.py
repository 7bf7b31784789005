"""Bulk replay: many answers files into records, in parallel, with expectations checked."""
