"""The PostgreSQL memory where it differs from a file: URLs, errors, migration.

What both stores share (compress, decode, recall, forget, concurrent writers, a writer
killed) is tested once, on both: the ``memory`` fixture of conftest.py.
"""

import json
from urllib.parse import urlparse

import httpx
import psycopg
import pytest

from scenecodec import Codec, StoreError
from scenecodec.interfaces.ingest import Reader, documents
from scenecodec.memory import open_store
from test_transfer import cli, fails

FLAT = ["жар + страх → вход", "тишина + ночь → сон", "heat + fear → door", "a + b"]


@pytest.fixture
def source(tmp_path):
    """A SQLite memory with flat and nested scenes, a forgotten code, a link and a pulse."""
    path = tmp_path / "a.sqlite"
    with Codec.open(path, embedder="hash") as codec:
        codec.compress_many(FLAT)
        codec.compress("(жар + страх → шаг) + тишина → вход")  # Δ5 a part of Δ6
        codec.store.add_links(6, [1, 2], "condensed")
        codec.store.put_pulse("main", '{"t": 3}')
        codec.store.forget([4])
        with codec.store.transaction():
            codec.store.put_senses({1: bytes(512), 6: bytes(range(256)) * 2})
    return path


def _listing(capsys, memory):
    status, out, _ = cli(capsys, "list", "--memory", memory, "--json")
    assert status == 0
    return json.loads(out)


def test_the_cli_answers_the_same_json_on_both_stores(postgres, tmp_path, capsys):
    url = postgres()
    for memory in (str(tmp_path / "m.sqlite"), url):
        for formula in FLAT:
            assert (
                cli(capsys, "compress", formula, "--memory", memory, "--embedder", "hash")[0] == 0
            )
    file, database = (_listing(capsys, m) for m in (str(tmp_path / "m.sqlite"), url))
    assert database == file and len(database["scenes"]) == 4
    answers = [
        cli(capsys, "recall", "жар + страх", "--memory", m, "--json")[1]
        for m in (tmp_path / "m.sqlite", url)
    ]
    assert answers[0] == answers[1]


def test_migration_keeps_every_code_and_counts(source, postgres, capsys):
    url = postgres()
    status, out, _ = cli(capsys, "migrate", "--from", source, "--to", url, "--json")
    assert status == 0, out
    said = json.loads(out)
    assert {k: said[k] for k in ("atoms", "scenes", "links", "pulses")} == {
        "atoms": 12,
        "scenes": 5,
        "links": 2,
        "pulses": 1,
    }
    assert _listing(capsys, url) == _listing(capsys, source)
    with Codec.open(url) as codec:
        assert codec.decode(codec.show("Δ6").vector).formula == codec.show("Δ6").formula
        assert [s.code for s, _ in codec.links("Δ6")] == ["Δ1", "Δ2"]
        assert codec.store.get_pulse("main") == '{"t": 3}'
        assert codec.compress("новое + слово").code == "Δ7"  # past the source's codes


def test_a_migration_cut_short_goes_on_where_it_stopped(source, postgres, capsys, monkeypatch):
    from scenecodec.memory import migrate as module

    url, real, written = postgres(), module._write, []

    def failing(dest, lines):
        if written and "scene" in lines[0]:
            raise KeyboardInterrupt  # stopped after the atoms' chunk was committed
        written.append(len(lines))
        real(dest, lines)

    monkeypatch.setattr(module, "_write", failing)
    with pytest.raises(KeyboardInterrupt), Codec.open(source) as codec:
        module.migrate(codec.store, url)
    with Codec.open(url) as codec:
        assert codec.count() == 0 and len(codec.store.atoms_since(0)[0]) == 12
    monkeypatch.setattr(module, "_write", real)
    assert cli(capsys, "migrate", "--from", source, "--to", url)[0] == 0
    assert _listing(capsys, url) == _listing(capsys, source)
    assert cli(capsys, "migrate", "--from", source, "--to", url)[0] == 0  # again: nothing new


def test_an_export_of_the_migrated_memory_is_the_same_bytes_and_comes_back(
    source, postgres, tmp_path, capsys
):
    url = postgres()
    assert cli(capsys, "migrate", "--from", source, "--to", url)[0] == 0
    for memory, file in ((source, "a.jsonl"), (url, "b.jsonl")):
        assert cli(capsys, "export", tmp_path / file, "--memory", memory)[0] == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.jsonl").read_text().count('"sense"') == 2  # kept senses travel
    assert cli(capsys, "migrate", "--from", url, "--to", tmp_path / "back.sqlite")[0] == 0
    assert _listing(capsys, tmp_path / "back.sqlite") == _listing(capsys, source)


def test_migration_refuses_a_database_holding_another_memory(source, postgres, capsys):
    url = postgres()
    with Codec.open(url, embedder="hash") as codec:
        codec.compress("иной + мир")
    fails(capsys, "migrate", "--from", source, "--to", url, says="holds a memory already")
    fails(capsys, "migrate", "--from", url, "--to", url, says="the same memory")


def test_a_bad_url_is_one_line_naming_it_without_its_password(capsys):
    err = fails(
        capsys,
        "list",
        "--memory",
        "postgresql://me:secret@/none?host=/nonexistent",
        says="cannot reach the memory postgresql://me@/none",
    )
    assert "secret" not in err


def test_reading_a_database_with_no_memory_makes_none(postgres, capsys):
    url = postgres()
    status, out, _ = cli(capsys, "split", "тишинажарвход", "--memory", url, "--json")
    assert status == 0 and json.loads(out)["parts"] == ["тишина", "жар", "вход"]
    fails(capsys, "list", "--memory", url, says="no memory at postgresql://postgres@/memory")
    with psycopg.connect(url) as db:
        assert db.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'scenecodec'"
        ).fetchone() == (0,)


@pytest.mark.parametrize("older", [False, True], ids=["today", "made-before-senses"])
def test_a_reader_that_may_not_write_reads_the_memory(postgres, older):
    url = postgres()
    with Codec.open(url, embedder="hash") as codec:
        codec.compress(["снег", "мороз", "тишина"])
    role = f"reader_{urlparse(url).path.strip('/')}"
    with psycopg.connect(url, autocommit=True) as db:
        if older:  # a memory made before scenes kept senses
            db.execute("DROP TABLE scenecodec.text_senses")
        db.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'r'")
        db.execute(f"GRANT USAGE ON SCHEMA scenecodec TO {role}")
        db.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA scenecodec TO {role}")
    reader = url.replace("postgres:@", f"{role}:r@")
    assert reader != url
    with Codec.open(reader, missing="error") as codec:
        assert [s.formula for s in codec.scenes()] == ["снег + мороз + тишина"]
        assert codec.recall(["снег"], k=1)[0].scene.code == "Δ1"


def test_another_programs_schema_is_refused_and_left_alone(postgres):
    url = postgres()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE SCHEMA scenecodec; CREATE TABLE scenecodec.t (x int)")
    with pytest.raises(StoreError, match="not a scenecodec memory"):
        open_store(url)


def test_file_commands_name_what_does_their_work_on_postgresql(postgres, tmp_path, capsys):
    url = postgres()
    assert cli(capsys, "compress", "a + b", "--memory", url, "--embedder", "hash")[0] == 0
    fails(capsys, "backup", tmp_path / "x.sqlite", "--memory", url, says="pg_dump")
    fails(capsys, "import", tmp_path / "x.jsonl", "--memory", url, says="import into a file")


@pytest.fixture
def corpus(tmp_path):
    """Twelve short documents of two scenes each, one empty."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(12):
        (folder / f"d{i:02}.txt").write_text(
            f"Шёл снег {i}. Мороз трещал. Дети катались на санках. "
            "Банк поднял ставку. Семья отложила покупку. Отец считал расходы.",
            encoding="utf-8",
        )
    (folder / "empty.txt").write_text(" ", encoding="utf-8")
    return folder


def test_ingest_over_ray_stores_every_document_once_and_resumes(corpus, postgres, tmp_path, capsys):
    url = postgres()
    reader = Reader(url)  # a run that stopped after the first document
    reader.read([next(documents(corpus))])
    reader.close()
    args = ("ingest", corpus, "--memory", url, "--ray", "local", "--workers", "2", "--json")
    status, out, _ = cli(capsys, *args)
    said = json.loads(out)
    assert status == 0 and said["skipped"] == 1 and said["documents"] == 11
    assert said["failed"] == [{"name": "empty.txt", "error": "empty text"}]
    assert said["workers"] == 2
    with Codec.open(url) as codec:
        formulas = [s.formula for s in codec.scenes()]
        assert all(codec.store.get_pulse(f"document d{i:02}.txt") for i in range(12))
    file = tmp_path / "one.sqlite"  # the same corpus read here, in one process
    assert cli(capsys, "ingest", corpus, "--memory", file)[0] == 0
    with Codec.open(file) as codec:
        assert sorted(formulas) == sorted(s.formula for s in codec.scenes())
    assert len(formulas) == len(set(formulas))
    again = json.loads(cli(capsys, *args)[1])
    assert (again["documents"], again["skipped"], again["scenes"]) == (0, 12, 0)


def test_server_workers_share_one_memory(serve, postgres):
    """Two server processes on one port: scenes stored through any connection (the
    kernel spreads them over both workers) are one memory, codes in order, none twice."""
    url = postgres()
    Codec.open(url, embedder="hash").close()
    first = serve(url, "t", "--workers", "2")
    formulas = [f"слово{i} + word{i} → вход" for i in range(8)]
    for formula in formulas:  # each request on a new connection
        with httpx.Client(base_url=first.base_url, headers=first.headers) as client:
            answer = client.post("/compress", json={"concepts": formula})
            assert answer.status_code == 200, answer.text
    with httpx.Client(base_url=first.base_url, headers=first.headers) as client:
        listed = client.get("/scenes", params={"limit": 20}).json()["scenes"]
    assert [s["formula"] for s in listed] == formulas
    assert [s["code"] for s in listed] == [f"Δ{i}" for i in range(1, 9)]


def test_ingest_refuses_what_it_cannot_read_and_makes_no_memory(tmp_path, capsys):
    memory = tmp_path / "m.sqlite"
    fails(capsys, "ingest", tmp_path / "none", "--memory", memory, says="no corpus at")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "Шёл снег."}\n[1, 2]\n', encoding="utf-8")
    fails(capsys, "ingest", bad, "--memory", memory, says="bad.jsonl:2: not a document")
    fails(capsys, "ingest", bad, "--workers", "2", "--memory", memory, says="give --ray local")
    assert not memory.exists()
