"""Files on disk: atomic, owner-only writes that never replace anything but a regular file.

Every layer above that writes (the catalogue cache, answers files, drafts, records, keys) writes
through here; it sits just above `core` so that `flowfiles` can use it too.
"""
