"""The five registers of an expanded scene: logical, poetic, emotional, archetypal, bodily.

Section 11.2.3 of the seed: the same scene, decompressed, can be read as a
proposition, an image, an emotional field, an archetype or a felt body — and all
these forms are equal. Each register has its module (:mod:`.logical`,
:mod:`.poetic`, :mod:`.emotional`, :mod:`.archetypal`, :mod:`.bodily`) writing from a
:class:`~.reading.Reading` of the scene; :mod:`.voice` holds the voices that speak
them and :mod:`scenecodec.expansion.bridge` decides which registers, at what pace, in
which voice.
"""
