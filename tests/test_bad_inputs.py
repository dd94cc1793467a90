"""The bad-input corpus of ``bench/bad_inputs.py``, fewer cases: every command and
endpoint answers bad input by the contract (exit 0 or 2 with one ``error:`` line, HTTP
below 500 with a JSON error) and leaves the memory as it was when it refuses."""

import pytest

from conftest import script

bad_inputs = script("bench/bad_inputs.py")


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    cases = bad_inputs.corpus(150, tmp, seed=1)
    return bad_inputs.run(cases, bad_inputs.prepare(tmp), slow=float("inf"))


def test_the_corpus_covers_every_command_and_endpoint(outcomes):
    commands = {o.case.argv[0] for o in outcomes if o.case.kind == "cli"}
    paths = {o.case.path.split("?")[0].rsplit("/", 1)[0] or "/" for o in outcomes}
    assert {"compress", "expand", "show", "list", "pulse", "recall", "decode", "export"} <= commands
    assert {"/", "/scenes", "/pulse"} <= paths
    assert {o.status for o in outcomes} & {2, 400, 422}  # the cases are really bad


def test_no_bad_input_breaks_the_contract(outcomes):
    broken = [f"{o.case.label()[:100]} → {o.status}: {o.problems}" for o in outcomes if o.problems]
    assert broken == []


def test_a_refused_write_leaves_the_memory_as_it_was(tmp_path):
    memory = bad_inputs.prepare(tmp_path)
    before = bad_inputs.fingerprint(memory)
    case = bad_inputs.Case("cli", ("compress", "x" * 65, "+", "жар"))
    (outcome,) = bad_inputs.run([case], memory)
    assert outcome.status == 2 and outcome.problems == []
    assert bad_inputs.fingerprint(memory) == before
