"""The hand-written voices corpus keeps its format (``tools/voice_corpus.py``)."""

import json

from conftest import script

corpus = script("tools/voice_corpus.py")


def test_the_corpus_has_no_problems():
    paths = sorted(corpus.CORPUS.glob("*.jsonl"))
    assert len(paths) >= 4 and corpus.problems(paths) == []


def test_both_languages_have_training_and_held_out_scenes():
    seen = set()
    for path in corpus.CORPUS.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            scene = json.loads(line)
            seen.add((scene["lang"], scene["split"]))
    assert seen == {("ru", "train"), ("ru", "heldout"), ("en", "train"), ("en", "heldout")}


def test_a_record_off_the_tables_or_templated_is_named(tmp_path):
    line = (corpus.CORPUS / "ru-1.jsonl").read_text(encoding="utf-8").splitlines()[0]
    scene = json.loads(line)
    scene["field"]["emotions"] = ["boredom", "happiness"]  # happiness is not in emotions.tsv
    scene["body"] = [{"sensation": "heat", "location": "elbow"}]
    scene["texts"]["poetic"] = "Слишком коротко."
    bad = tmp_path / "bad.jsonl"
    copies = [dict(scene, id=f"x-{i}", formula=f"a{i} + b → c") for i in range(3)]
    bad.write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in copies), encoding="utf-8")
    found = corpus.problems([bad])
    assert any("emotions" in p for p in found) and any("body" in p for p in found)
    assert any("poetic: 1 sentences, 2 words" in p for p in found)
    assert any("open with" in p for p in found)  # three texts with one opening
