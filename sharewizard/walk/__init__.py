"""One walk through the flows: the decide facade, the session, prompts, console, summaries, drafts.

`prompts` is the only importer of questionary and prompt_toolkit.
"""
