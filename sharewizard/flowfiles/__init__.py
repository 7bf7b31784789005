"""The files people write, read: flows and answers files (YAML with positions and limits).

Schemas, the flow rules, the loader, the catalogue cache, the `list` rows, the guidance texts.
"""
