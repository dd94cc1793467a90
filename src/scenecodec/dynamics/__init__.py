"""Scenes in time: lifecycle, ACT-R activation, resonance, the pulse, the stream, roles.

The time layer; each call takes a :class:`~scenecodec.codec.Codec`:
:func:`~scenecodec.dynamics.pulse.pulse`, :func:`~scenecodec.dynamics.stream.stream`
and :func:`~scenecodec.dynamics.roles.roles`.
"""
