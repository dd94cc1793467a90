"""Scenes in time: activation (ACT-R), resonance (modern Hopfield), the lifecycle and the
pulse ``scene → unfolding → resonance → condensation → scene`` (seed, section 11.1.3–4)."""
