"""Layer 5, expansion: a scene of a :class:`~scenecodec.codec.Codec` unfolded and spoken.

:func:`.expand.expand` is the one call; :mod:`.unfold` makes the micro-scenes,
:mod:`.facets` and :mod:`.archetype` their readings, :mod:`.registers` the five texts
and :mod:`.bridge` (the HyperBridge) routes them; :mod:`.plan` says what every voice
must carry of the scene. Beside it stands the time layer,
:mod:`scenecodec.dynamics`; neither imports the other. ``docs/expansion.md``.
"""
