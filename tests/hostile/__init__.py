"""The hostile-input suite: the reliability review's generators, kept in the test suite."""
