"""The hostile-input suite's report (how many examples ran, per family) and clean-up."""

from __future__ import annotations

import shutil

from hostile.sandbox import SCRATCH, report_line


def pytest_terminal_summary(terminalreporter):
    line = report_line()
    if line:
        terminalreporter.write_line(line)


def pytest_sessionfinish(session):
    shutil.rmtree(SCRATCH, ignore_errors=True)
