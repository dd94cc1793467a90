"""The layout of a memory on PostgreSQL: its tables in the schema ``scenecodec``.

The same tables as the SQLite file (:mod:`.schema`), with PostgreSQL's types: scene
vectors and gists are pgvector's ``bit(d)`` with an HNSW index on Hamming distance each
(recall searches them in the database), atoms and embeddings ``bytea`` (they are read
back exactly into the process that decodes, never searched in the database). Δ-codes
are counted in the setting ``last_code``, raised inside the transaction that stores the
scenes: like SQLite's ``AUTOINCREMENT`` a number is never handed out twice, and unlike a
PostgreSQL sequence a write that fails or is killed leaves no gap in the codes. The
``settings`` table also records ``application`` and ``schema``, which an open checks.

>>> print(tables(1024).splitlines()[2].strip())
CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
"""

from __future__ import annotations

__all__ = ["ADDED", "APPLICATION", "NAMESPACE", "tables"]

NAMESPACE = "scenecodec"
"""The PostgreSQL schema a memory's tables live in: a database may hold other programs' tables."""

APPLICATION = "scenecodec"
"""The ``application`` setting that marks the namespace as a scenecodec memory."""

ADDED = """
CREATE TABLE IF NOT EXISTS text_senses (
    scene bigint PRIMARY KEY REFERENCES scenes (id),
    sense bytea NOT NULL
);
"""
"""Tables added within schema 3 (as :data:`.schema.ADDED`): made on open where missing."""


def tables(dim: int) -> str:
    """The statements that make a memory of ``dim``-bit vectors (in :data:`NAMESPACE`)."""
    return f"""
CREATE SCHEMA {NAMESPACE};
CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE concepts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lemma text NOT NULL UNIQUE,
    atom bytea NOT NULL,
    embedding bytea NOT NULL
);
CREATE TABLE scenes (
    id bigint PRIMARY KEY,
    formula text NOT NULL UNIQUE,
    name text NOT NULL,
    glyph text NOT NULL,
    vector bit({dim}) NOT NULL,
    gist bit({dim}) NOT NULL,
    is_part boolean NOT NULL DEFAULT false,
    created double precision NOT NULL
);
CREATE INDEX scenes_name ON scenes (name);
CREATE INDEX scenes_glyph ON scenes (glyph);
CREATE INDEX scenes_parts ON scenes (id) WHERE is_part;
CREATE INDEX scenes_vector ON scenes USING hnsw (vector bit_hamming_ops);
CREATE INDEX scenes_gist ON scenes USING hnsw (gist bit_hamming_ops);
CREATE TABLE parts (
    scene bigint NOT NULL REFERENCES scenes (id),
    position integer NOT NULL,
    phase smallint NOT NULL,
    concept bigint REFERENCES concepts (id),
    sub bigint REFERENCES scenes (id),
    PRIMARY KEY (scene, position)
);
CREATE INDEX parts_concept ON parts (concept) WHERE concept IS NOT NULL;
CREATE INDEX parts_sub ON parts (sub) WHERE sub IS NOT NULL;
CREATE TABLE links (
    scene bigint NOT NULL REFERENCES scenes (id),
    source bigint NOT NULL REFERENCES scenes (id),
    kind text NOT NULL,
    PRIMARY KEY (scene, source, kind)
);
CREATE TABLE pulses (name text PRIMARY KEY, state text NOT NULL);
{ADDED}"""
