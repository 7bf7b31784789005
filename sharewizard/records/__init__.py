"""Decision records: build, render (JSON, Markdown, text), sign and verify, load and write."""
