"""`sharewizard lint`: one fixture flow per rule, each found at the right line, and the CLI."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest

from sharewizard.author.lint import lint_paths
from sharewizard.cli import main
from sharewizard.core.errors import FlowError
from sharewizard.flowfiles.flowrules import RULES

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "lint"
GUIDE = FIXTURES / "guidance"
LOADER_FIXTURES = REPO / "tests" / "fixtures" / "flows"
SHARED_GUIDANCE = REPO.parent / "shared" / "guidance"
EXPECT = re.compile(r"#\s*expect:\s*(SW\d{3})")
FIXTURE_FILES = sorted(
    p
    for p in FIXTURES.glob("*.yaml")
    if p.name not in ("sources.yaml", "record.yaml", "facts.yaml", "policy.yaml")
)
#: Rules about facts.yaml itself: a folder named after the rule, whose facts.yaml breaks it.
FACTS_FIXTURES = sorted(
    p / "facts.yaml" for p in FIXTURES.iterdir() if (p / "facts.yaml").is_file()
)


def fixture_name(path: Path) -> str:
    """A fixture's name: its file's stem, or its folder's for a facts.yaml fixture."""
    return path.parent.name if path.name == "facts.yaml" else path.stem


def expected(path: Path) -> list[tuple[str, int]]:
    """(rule code, line) for every `# expect: SWnnn` comment in a fixture."""
    return [
        (m.group(1), n)
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if (m := EXPECT.search(line))
    ]


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    out, err = capsys.readouterr()
    return int(stopped.value.code or 0), out, err


@pytest.mark.parametrize("fixture", FIXTURE_FILES + FACTS_FIXTURES, ids=fixture_name)
def test_each_fixture_triggers_exactly_its_rule_at_its_line(fixture):
    result = lint_paths([fixture], GUIDE)
    found = sorted((f.code, f.line) for f in result.findings)
    assert found == sorted(expected(fixture)), "\n".join(map(str, result.findings))


def test_every_rule_has_a_fixture_named_after_it():
    covered = {code for p in FIXTURE_FILES + FACTS_FIXTURES for code, _ in expected(p)}
    # The policy's rules (SW6xx) have a folder per rule of policy.yaml, named after what is
    # wrong in it (tests/fixtures/policy/, test_policy.py).
    policy = REPO / "tests" / "fixtures" / "policy"
    covered |= {code for p in policy.glob("*/*.yaml") for code, _ in expected(p)}
    # SW303 is about a whole folder (below).
    assert set(RULES) - covered == {"SW303"}
    for path in FIXTURE_FILES + FACTS_FIXTURES:
        for code, _ in expected(path):
            assert fixture_name(path) == RULES[code].name.replace("-", "_")


def test_clean_fixture_is_clean_even_when_strict(capsys):
    code, out, _ = run(
        capsys, "lint", "--strict", "--guidance", str(GUIDE), str(FIXTURES / "clean.yaml")
    )
    assert (code, out) == (0, "No problems found in 1 flow file.\n")


def folder_with(tmp_path: Path, *flows: tuple[str, str]) -> Path:
    for name in ("sources.yaml", "record.yaml"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    for name, text in flows:
        (tmp_path / name).write_text(text)
    return tmp_path


def test_unused_source_is_a_warning_when_linting_a_folder(tmp_path, capsys):
    folder = folder_with(tmp_path, ("clean.yaml", (FIXTURES / "clean.yaml").read_text()))
    result = lint_paths([folder], GUIDE)
    assert [(f.code, f.path.name, f.line) for f in result.findings] == [
        ("SW303", "sources.yaml", 9)
    ]
    assert not result.failed() and result.failed(strict=True)
    code, out, _ = run(capsys, "lint", "--guidance", str(GUIDE), str(folder))
    assert (
        code == 0
        and "warning SW303 unused-source: no flow, fact or rule cites 'other-guide'." in out
    )
    code, _, _ = run(capsys, "lint", "--strict", "--guidance", str(GUIDE), str(folder))
    assert code == 1


def handing_over(name: str, to: str) -> str:
    """The clean fixture, named `name`, whose "not sure" answer hands over to the flow `to`."""
    text = (FIXTURES / "clean.yaml").read_text().replace("id: clean", f"id: {name}")
    text = text.replace("type: yesno\n", "type: yesno\n    not_sure: true\n", 1)
    return text.replace("no: wait}", f"no: wait, not-sure: 'flow:{to}'}}")


def handoff_line(text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if "flow:" in line)


def test_handoff_cycle_across_two_flows_is_found(tmp_path):
    folder = folder_with(
        tmp_path, ("a.yaml", handing_over("a", "b")), ("b.yaml", handing_over("b", "a"))
    )
    result = lint_paths([folder], GUIDE)
    cycles = [f for f in result.findings if f.code == "SW204"]
    assert len(cycles) == 1
    assert (
        "hands over to 'a', which leads back to 'b'. A walk that comes back does not loop"
        in cycles[0].message
    )
    assert cycles[0].path.name == "b.yaml"
    assert cycles[0].line == handoff_line(handing_over("b", "a"))
    assert cycles[0].severity == "note"


def test_made_up_quote_names_the_nearest_passage():
    (finding,) = lint_paths([FIXTURES / "misquote.yaml"], GUIDE).findings
    assert finding.code == "SW401"
    assert finding.hint.startswith("Nearest passage: “") and finding.hint.endswith("”.")


def test_quotes_unchecked_without_guidance(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SHAREWIZARD_GUIDANCE", raising=False)
    assert lint_paths([FIXTURES / "misquote.yaml"], None).findings == ()
    # the CLI finds ../shared/guidance beside the repository, so name one that lacks the texts
    code, out, _ = run(capsys, "lint", "--guidance", str(tmp_path), str(FIXTURES / "misquote.yaml"))
    assert code == 0 and "SW401" not in out
    assert "warning SW402 unchecked-quote: quotes of 'guide' cannot be checked: its text" in out


def test_missing_guidance_folder_is_bad_input(capsys):
    code, out, err = run(capsys, "lint", "--guidance", "/no/such/dir", str(FIXTURES / "clean.yaml"))
    assert code == 2 and out == ""
    assert "/no/such/dir: no such guidance folder." in err and "Traceback" not in err


def test_unreadable_input_exits_2_naming_line_and_column(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nquestions: [\n")
    code, out, err = run(capsys, "lint", str(bad))
    assert code == 2 and out == ""
    assert f"{bad}:3:1: not valid YAML" in " ".join(err.split())
    code, _, err = run(capsys, "lint", str(tmp_path / "missing.yaml"))
    assert code == 2 and "no such file or folder" in err


def test_json_output_for_editors(capsys):
    code, out, _ = run(
        capsys, "lint", "--json", "--guidance", str(GUIDE), str(FIXTURES / "cycle.yaml")
    )
    assert code == 1
    report = json.loads(out)
    assert report["errors"] == 1 and report["warnings"] == 0 and report["files"] == 1
    (finding,) = report["findings"]
    assert finding == {
        "file": str(FIXTURES / "cycle.yaml"),
        "line": 20,
        "column": 17,
        "code": "SW203",
        "rule": "cycle",
        "severity": "error",
        "message": "this leads back to 'concern', so the walk could loop forever.",
        "hint": "Flows must always move forward.",
    }


def test_text_output_names_file_line_column_code_and_hint(capsys):
    code, out, _ = run(
        capsys, "lint", "--guidance", str(GUIDE), str(FIXTURES / "dangling_next.yaml")
    )
    assert code == 1
    assert out == (
        f"{FIXTURES / 'dangling_next.yaml'}:14:28: error SW101 dangling-next: 'nowhere' names no "
        "question or outcome in this flow. Fix the id, or add the question or outcome it should "
        "lead to.\n1 error, 0 warnings in 1 flow file.\n"
    )


def test_warnings_pass_unless_strict(capsys):
    path = str(FIXTURES / "straight_quotes.yaml")
    assert run(capsys, "lint", "--guidance", str(GUIDE), path)[0] == 0
    assert run(capsys, "lint", "--strict", "--guidance", str(GUIDE), path)[0] == 1


#: Lint's own analyses, beyond the flow rules the loader applies too.
LINT_ONLY = {
    "SW205",
    "SW206",
    "SW208",
    "SW209",
    "SW210",
    "SW303",
    "SW401",
    "SW402",
    "SW501",
    "SW502",
    "SW503",
    "SW504",
}
#: SW301 words a schema error for authors; the loader reports the schema's own message.
WORDED_FOR_AUTHORS = {"SW301"}


@pytest.mark.parametrize(
    "fixture",
    [*sorted(LOADER_FIXTURES.glob("*.yaml")), *FIXTURE_FILES],
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_the_loader_refuses_a_flow_with_the_first_error_lint_lists(fixture, tmp_path):
    """One set of rules: what `decide` refuses, lint lists first; what lint passes, loads."""
    from sharewizard.flowfiles.loader import load_catalogue

    beside = FIXTURES if fixture.parent == FIXTURES else REPO / "tests" / "fixtures" / "catalogue"
    for name in ("sources.yaml", "record.yaml", "facts.yaml"):
        if (beside / name).exists():
            shutil.copy(beside / name, tmp_path / name)
    shutil.copy(fixture, tmp_path / fixture.name)
    try:
        findings = lint_paths([tmp_path / fixture.name]).findings
    except FlowError as unreadable:  # exit 2 for both
        with pytest.raises(FlowError) as refused:
            load_catalogue(tmp_path)
        assert str(refused.value) == str(unreadable)
        return
    errors = [f for f in findings if f.severity == "error" and f.code not in LINT_ONLY]
    if not errors:
        load_catalogue(tmp_path)  # loads
        return
    with pytest.raises(FlowError) as refused:
        load_catalogue(tmp_path)
    first = errors[0]
    assert str(refused.value).startswith(f"{first.where()}: "), str(refused.value)
    if first.code not in WORDED_FOR_AUTHORS:
        assert str(refused.value).endswith(f": {first.message} {first.hint}".rstrip())


def test_packaged_flows_have_no_lint_errors_and_quotes_check_out():
    import os

    from sharewizard.flowfiles.guidance import GUIDANCE_ENV

    named = os.environ.get(GUIDANCE_ENV)
    guidance = Path(named) if named else SHARED_GUIDANCE
    if not guidance.is_dir():
        if named:  # CI names the folder: it must be there
            pytest.fail(f"{GUIDANCE_ENV} names {guidance}, which is missing")
        pytest.skip(
            f"the guidance texts are not here: put them in {SHARED_GUIDANCE} (next to the "
            f"repository), or set {GUIDANCE_ENV} to the folder that holds them"
        )
    result = lint_paths([REPO / "flows"], guidance)
    assert result.errors == 0, "\n".join(map(str, result.findings))
    assert not [f for f in result.findings if f.code in ("SW401", "SW402")]


def test_loader_handles_a_long_chain(tmp_path):
    """A chain of 2,000 questions loads (it used to exceed the recursion limit)."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    from load_scale import chain

    from sharewizard.flowfiles.loader import load_catalogue

    folder = folder_with(tmp_path, ("chain.yaml", chain(2000).replace("sscp-faq", "guide")))
    assert len(load_catalogue(folder).flows["chain"].questions) == 2000
    assert lint_paths([folder], GUIDE).errors == 0


def test_authoring_guide_lists_every_rule_and_the_limits():
    from sharewizard.author.lint import LABEL_COLUMNS, QUESTION_COLUMNS

    guide = (REPO / "docs" / "authoring.md").read_text()
    for rule in RULES.values():
        assert f"| {rule.code} | {rule.name} | {rule.severity} |" in guide, rule.code
    assert f"longer than {LABEL_COLUMNS} characters" in guide
    assert f"longer than {QUESTION_COLUMNS} characters" in guide


def test_sources_and_record_form_problems_are_findings(tmp_path):
    folder = folder_with(tmp_path, ("clean.yaml", (FIXTURES / "clean.yaml").read_text()))
    sources = (folder / "sources.yaml").read_text()
    (folder / "sources.yaml").write_text(sources.replace("id: other-guide", "id: guide"))
    record = (folder / "record.yaml").read_text()
    (folder / "record.yaml").write_text(
        record.replace("disclaimer:", "disclaimer: x\ndisclaimer:", 1)
    )
    found = {(f.code, f.path.name) for f in lint_paths([folder], GUIDE).findings}
    assert found == {("SW003", "sources.yaml"), ("SW002", "record.yaml")}


def test_flows_origin_tells_packaged_from_custom(tmp_path):
    from sharewizard.flowfiles.loader import flows_origin, load_catalogue

    assert flows_origin(load_catalogue(REPO / "flows")) == "packaged"
    copy = tmp_path / "flows"
    shutil.copytree(REPO / "flows", copy)
    assert flows_origin(load_catalogue(copy)) == "custom"


FAN_OUT = """id: pick
version: 1
title: Pick flows
description: A fan-out question hands over to every flow picked, in turn.
faq: {question: Which situations?}
start: which
questions:
  - id: which
    text: Which situations fit?
    type: multi
    fan_out: true
    guidance:
      - {source: guide, section: Part 1, quote: Share when it protects the child.}
    choices:
      - {value: one, label: The first}
      - {value: two, label: The second}
    next: {one: 'flow:clean', two: 'flow:other'}
outcomes: []
"""


def test_a_fan_out_question_lints_clean_and_each_hand_off_is_a_factcheck_row(tmp_path):
    from sharewizard.author.factcheck import rows
    from sharewizard.flowfiles.loader import load_catalogue

    clean = (FIXTURES / "clean.yaml").read_text()
    folder = folder_with(
        tmp_path,
        ("pick.yaml", FAN_OUT),
        ("clean.yaml", clean),
        ("other.yaml", clean.replace("id: clean", "id: other")),
    )
    assert lint_paths([folder / "pick.yaml"], GUIDE).findings == ()
    table = rows(load_catalogue(folder).flows["pick"])
    assert [row.outcome_id for row in table] == ["flow:clean", "flow:other"]


MULTI = """id: multi
version: 1
title: Several answers at once
description: Conditions that need two answers of a multiple choice together can hold.
faq: {number: 1, question: Can I share?}
start: kinds
questions:
  - id: kinds
    text: Which kinds of harm?
    type: multi
    guidance:
      - {source: guide, section: Part 1, quote: Share when it protects the child.}
    choices:
      - {value: neglect, label: Neglect}
      - {value: injury, label: Injury}
      - {value: online, label: Online harm}
    next:
      - when: {all: [{kinds: neglect}, {kinds: injury}]}
        goto: urgent
      - goto: later
  - id: later
    text: Anything else?
    type: text
    guidance:
      - {source: guide, section: Part 1, quote: Share when it protects the child.}
    next:
      - when: {all: [{kinds: online}, {not: {kinds: neglect}}]}
        goto: share
      - when: {later: urgent}
        goto: urgent
      - goto: wait
  - id: urgent
    text: Is it urgent?
    type: yesno
    guidance:
      - {source: guide, section: Part 1, quote: Share when it protects the child.}
    next: {yes: share, no: wait}
"""


def test_conditions_on_several_answers_and_typed_text_are_not_called_never_true(tmp_path):
    clean = (FIXTURES / "clean.yaml").read_text()
    outcomes = clean[clean.index("outcomes:") :]
    folder = folder_with(tmp_path, ("multi.yaml", MULTI + outcomes))
    assert lint_paths([folder / "multi.yaml"], GUIDE).findings == ()


def test_guidance_folder_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("SHAREWIZARD_GUIDANCE", str(GUIDE))
    code, out, _ = run(capsys, "lint", str(FIXTURES / "misquote.yaml"))
    assert code == 1 and "error SW401 misquote" in out
    monkeypatch.setenv("SHAREWIZARD_GUIDANCE", str(GUIDE / "missing"))
    code, _, err = run(capsys, "lint", str(FIXTURES / "misquote.yaml"))
    assert code == 2 and "no such guidance folder" in err


def test_quotes_compare_ignoring_typography_and_spacing_only():
    from sharewizard.flowfiles.guidance import normalise

    assert normalise("‘a’  —\n“b”\u00a0c‑d") == "'a' - \"b\" c-d"
    assert normalise("Yes, you can.") != normalise("Yes you can.")


def test_guidance_folder_order(tmp_path, monkeypatch):
    from sharewizard.core.errors import UsageError
    from sharewizard.flowfiles.guidance import find_guidance

    named, env = tmp_path / "named", tmp_path / "env"
    named.mkdir()
    env.mkdir()
    monkeypatch.setenv("SHAREWIZARD_GUIDANCE", str(env))
    assert find_guidance(named) == named
    assert find_guidance() == env
    monkeypatch.delenv("SHAREWIZARD_GUIDANCE")
    repo = tmp_path / "repo"
    assert find_guidance(repo=repo) is None
    (tmp_path / "shared" / "guidance").mkdir(parents=True)
    assert find_guidance(repo=repo) == tmp_path / "shared" / "guidance"
    with pytest.raises(UsageError):
        find_guidance(tmp_path / "missing")


def test_the_guidance_is_found_beside_the_clone_the_command_runs_in(tmp_path, monkeypatch):
    """Not beside the installed package: an install in site-packages knows no clone."""
    from sharewizard.flowfiles.guidance import find_guidance

    monkeypatch.delenv("SHAREWIZARD_GUIDANCE", raising=False)
    clone, guidance = tmp_path / "clone", tmp_path / "shared" / "guidance"
    (clone / ".git").mkdir(parents=True)
    (clone / "flows").mkdir()
    guidance.mkdir(parents=True)
    monkeypatch.chdir(clone / "flows")
    assert find_guidance() == guidance


def test_a_handoff_cycle_cannot_make_decide_spin(tmp_path):
    """A real process on flows that hand over A to B to A: it stops, it never goes round."""
    import subprocess
    import sys

    (tmp_path / "flows").mkdir()
    folder = folder_with(
        tmp_path / "flows", ("a.yaml", handing_over("a", "b")), ("b.yaml", handing_over("b", "a"))
    )
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        "schema_version: 1\nflow: {id: b, version: '1'}\nroute: {a: {concern: not-sure}}\n"
        "answers: {concern: not-sure}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "--flows", str(folder), "decide", "b"]
        + ["--answers", str(answers), "--out", str(tmp_path / "r.json")],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert "lead back here" in done.stderr  # the session refuses to go round
    assert "Traceback" not in done.stderr
    lint = subprocess.run(
        [sys.executable, "-m", "sharewizard", "lint", "--strict", "--guidance", str(GUIDE)]
        + [str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "note SW204 handoff-cycle" in lint.stdout
    assert "0 errors, 1 warning" in lint.stdout  # the unused source: a note is never counted


def test_every_key_given_twice_is_listed_not_only_the_first(tmp_path):
    flow = tmp_path / "twice.yaml"
    text = (FIXTURES / "duplicate_key.yaml").read_text()
    flow.write_text(text.replace("version: 1", "version: 1\nversion: 2"))
    found = [(f.code, f.line) for f in lint_paths([flow], GUIDE).findings]
    assert found == [("SW002", 4), ("SW002", 13)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: x\nfoo: &a\n  x: *a\n", ":3:6: the alias *a refers to a value that contains it."),
        (
            "a: &a [x,x,x,x,x,x,x,x,x]\n"
            + "".join(
                f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]\n"
                for a, b in itertools.pairwise("abcdefghij")
            ),
            ":7:11: too large: more than 1,000,000 values once its aliases (*name) are expanded",
        ),
    ],
    ids=["self-alias", "alias-bomb"],
)
def test_lint_refuses_a_self_alias_or_an_alias_bomb_as_every_command_does(tmp_path, text, message):
    """The review's F-16: lint fell back to an unlimited parse, looping or taking minutes."""
    import subprocess
    import sys

    flows = tmp_path / "flows"
    shutil.copytree(REPO / "flows", flows)
    (flows / "zz.yaml").write_text(text)
    done = subprocess.run(
        [sys.executable, "-m", "sharewizard", "lint", str(flows)],
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard: the old lint never returned from the self-alias
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"Error: {flows / 'zz.yaml'}{message}")


def test_lint_of_a_fifo_or_a_device_says_what_it_is(tmp_path, capsys):
    import os

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code, out, err = run(capsys, "lint", str(fifo))
    assert (code, out) == (2, "")
    assert err == f"Error: {fifo}: is a named pipe (FIFO), not a regular file; nothing was read.\n"
    code, _, err = run(capsys, "lint", "/dev/zero")
    assert err == "Error: /dev/zero: is a device, not a regular file; nothing was read.\n"


def test_a_link_to_nothing_in_a_flows_folder_is_named(tmp_path, capsys):
    flows = tmp_path / "flows"
    shutil.copytree(REPO / "tests" / "fixtures" / "catalogue", flows)
    (flows / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    expected = (
        f"Error: {flows / 'gone.yaml'}: is a symbolic link to a file that does not exist. "
        "Remove the link, or put back the flow it points to.\n"
    )
    for args in (["--flows", str(flows), "list"], ["lint", str(flows)]):
        code, out, err = run(capsys, *args)
        assert (code, out, err) == (2, "", expected)
