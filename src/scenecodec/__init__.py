"""scenecodec: compress meaning into hypervector scenes and expand it back.

A scene (``жар + страх + тишина → вход``) is compressed into one bipolar
hypervector with four human forms (fused name, Δ-code, glyph, formula), kept in
a durable memory, recalled by meaning, decoded from its vector alone, and
expanded.

>>> import tempfile, pathlib
>>> from scenecodec import Codec
>>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", embedder="hash") as codec:
...     scene = codec.compress("жар + страх + тишина → вход")
...     expansion = codec.expand("жарстрахтишинавход")
>>> expansion.scene.code, expansion.decoded.formula
('Δ1', 'жар + страх + тишина → вход')
"""

from importlib.metadata import version

from scenecodec.codec import Codec
from scenecodec.errors import InputError, NotFoundError, ScenecodecError, StoreError
from scenecodec.forms import Formula, parse_formula
from scenecodec.language.split import SplitResult
from scenecodec.scene import Concept, Decoded, DecodedConcept, Expansion, Recalled, Scene

__version__ = version("scenecodec")

__all__ = [
    "Codec",
    "Concept",
    "Decoded",
    "DecodedConcept",
    "Expansion",
    "Formula",
    "InputError",
    "NotFoundError",
    "Recalled",
    "Scene",
    "ScenecodecError",
    "SplitResult",
    "StoreError",
    "parse_formula",
]
