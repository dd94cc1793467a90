"""The codec layer: :class:`Codec` over one memory, and the value objects it returns.

>>> from scenecodec.codec import Codec, Scene
>>> Codec.__name__, Scene.__name__
('Codec', 'Scene')
"""

from scenecodec.codec.codec import Codec, Cue
from scenecodec.codec.scene import Concept, Decoded, DecodedConcept, Recalled, Scene

__all__ = ["Codec", "Concept", "Cue", "Decoded", "DecodedConcept", "Recalled", "Scene"]
