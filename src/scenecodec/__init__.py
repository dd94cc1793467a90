"""scenecodec: compress meaning into hypervector scenes and expand it back.

A scene (``жар + страх + тишина → вход``) is compressed into one bipolar
hypervector with four human forms (fused name, Δ-code, glyph, formula), kept in
a durable memory, recalled by meaning, decoded from its vector alone, and
expanded. :class:`Codec` compresses, decodes, resolves and recalls over one memory;
:func:`expand`, :func:`pulse`, :func:`stream` and :func:`roles` take a codec and build
on it (``docs/architecture.md`` says why they are functions).

>>> import tempfile, pathlib
>>> from scenecodec import Codec, expand
>>> with Codec.open(pathlib.Path(tempfile.mkdtemp()) / "m.sqlite", embedder="hash") as codec:
...     scene = codec.compress("жар + страх + тишина → вход")
...     expansion = expand(codec, "жарстрахтишинавход")
>>> expansion.scene.code, expansion.decoded.formula
('Δ1', 'жар + страх + тишина → вход')
"""

from importlib.metadata import version

from scenecodec.codec import Codec, Concept, Decoded, DecodedConcept, Recalled, Scene
from scenecodec.dynamics.pulse import pulse
from scenecodec.dynamics.roles import Role, roles
from scenecodec.dynamics.stream import stream
from scenecodec.dynamics.timeline import Tick, Timeline
from scenecodec.errors import InputError, NotFoundError, ScenecodecError, StoreError
from scenecodec.expansion.expand import Expansion, expand
from scenecodec.language.forms import Formula, parse_formula
from scenecodec.language.split import SplitResult

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
    "Role",
    "Scene",
    "ScenecodecError",
    "SplitResult",
    "StoreError",
    "Tick",
    "Timeline",
    "expand",
    "parse_formula",
    "pulse",
    "roles",
    "stream",
]
