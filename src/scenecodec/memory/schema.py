"""The layout of a memory file: its SQLite tables, application id and schema version.

>>> import sqlite3
>>> db = sqlite3.connect(":memory:")
>>> _ = db.executescript(SCHEMA + ADDED)
>>> tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
>>> sorted(name for (name,) in tables if not name.startswith("sqlite_"))
['concepts', 'links', 'parts', 'pulses', 'scenes', 'settings', 'text_senses']
"""

import re

__all__ = [
    "ADDED",
    "APPLICATION_ID",
    "PHASES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SENSE_BYTES",
    "temporary",
]

APPLICATION_ID = 0x5343454E  # "SCEN"
SCHEMA_VERSION = 3
"""2 added gists and concept embeddings; 3 changed the e5 atoms (words embedded as
passages, centred per language), so a version-2 memory's atoms would not meet new ones."""

PHASES = ("entry", "peak", "decline", "anchor")
"""A part's phase as stored: its index here."""

SCHEMA = """
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE concepts (
    id INTEGER PRIMARY KEY,
    lemma TEXT NOT NULL UNIQUE,
    atom BLOB NOT NULL,
    embedding BLOB NOT NULL
);
CREATE TABLE scenes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    formula TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    glyph TEXT NOT NULL,
    vector BLOB NOT NULL,
    gist BLOB NOT NULL,
    is_part INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
CREATE INDEX scenes_name ON scenes(name);
CREATE INDEX scenes_glyph ON scenes(glyph);
CREATE INDEX scenes_parts ON scenes(id) WHERE is_part = 1;
CREATE TABLE parts (
    scene INTEGER NOT NULL REFERENCES scenes(id),
    position INTEGER NOT NULL,
    phase INTEGER NOT NULL,
    concept INTEGER REFERENCES concepts(id),
    sub INTEGER REFERENCES scenes(id),
    PRIMARY KEY (scene, position)
) WITHOUT ROWID;
CREATE INDEX parts_concept ON parts(concept) WHERE concept IS NOT NULL;
"""

ADDED = """
CREATE TABLE IF NOT EXISTS links (
    scene INTEGER NOT NULL REFERENCES scenes(id),
    source INTEGER NOT NULL REFERENCES scenes(id),
    kind TEXT NOT NULL,
    PRIMARY KEY (scene, source, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pulses (name TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS text_senses (
    scene INTEGER PRIMARY KEY REFERENCES scenes(id),
    sense BLOB NOT NULL
);
"""
"""Tables added within schema 3: created on open where missing, so older files gain them.
``text_senses`` keeps, for a scene compressed from text, the sense of that text
(:mod:`scenecodec.codec.rerank`): :data:`SENSE_BYTES` int8s, one row a scene, kept
when the scene is first stored. A read-only file made before a table was added reads
it as empty (:func:`temporary`)."""

SENSE_BYTES = 512
"""A kept sense's size: the sentence encoder's 512 dimensions, an int8 each."""


def temporary(statement: str) -> str:
    """An :data:`ADDED` table as an empty temporary one (no references: a temporary
    table may not name a stored one), for a memory that cannot be written.

    >>> temporary("CREATE TABLE IF NOT EXISTS t (a INTEGER REFERENCES s(id), b BLOB)")
    'CREATE TEMP TABLE IF NOT EXISTS t (a INTEGER, b BLOB)'
    """
    temp = statement.replace("CREATE TABLE", "CREATE TEMP TABLE", 1)
    return re.sub(r" REFERENCES \w+ ?\(\w+\)", "", temp)
