"""The pure core: frozen model types (the walk's too), the engine, errors and text helpers.

No I/O, no clock, no terminal; imports nothing else of sharewizard.
"""
