"""The hostile-input suite's report: how many examples ran, per family."""

from __future__ import annotations

from hostile.sandbox import report_line


def pytest_terminal_summary(terminalreporter):
    line = report_line()
    if line:
        terminalreporter.write_line(line)
