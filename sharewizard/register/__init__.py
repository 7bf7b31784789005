"""The register: many decision records in one database, counted, checked and exported.

It owns the database (an SQLite file in the user's data folder by default, PostgreSQL for a
partnership; `database`), the mapping from a record to its row (`rows`), adding records with
their checks and the quarantine (`intake`, `store`), the ledger that shows a removal (`ledger`),
the report and its charts (`report`, `render`, `charts`) and the export.

From the rest of sharewizard it takes only record loading and verification, the user's data
folder, the error classes and safe text; the command line over it is `sharewizard.cli.register`.
"""
