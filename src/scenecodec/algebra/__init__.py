"""Layer 1, the algebra: bipolar hypervectors in, hypervectors out — no text, no storage.

:mod:`.hv` (bind, bundle, permute, pack), :mod:`.slots` (the rhythm's roles),
:mod:`.compress` (a scene's vector and gist), :mod:`.cleanup` (item memory, explaining
away) and :mod:`.decode` (a vector back into its parts). ``docs/algebra.md`` has the
mathematics, ``docs/architecture.md`` the layers.
"""
