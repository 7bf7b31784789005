"""Tools for flow authors: lint, factcheck tables and graphs of flows."""
