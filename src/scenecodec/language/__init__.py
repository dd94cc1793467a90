"""Layer 2, language and forms: words into embeddings, lemmas and concepts; concepts into
atoms; a scene's four forms.

:mod:`.embed` (embedders and a scene's meaning vector), :mod:`.morph` and
:mod:`.derive` (Russian and English morphology), :mod:`.concepts` (free text → 3–7
concepts), :mod:`.split` (fused names), :mod:`.prototypes`, :mod:`.atoms` (concept →
atom) and :mod:`.forms` (name, Δ-code, glyph, formula). ``docs/language.md``.
"""
