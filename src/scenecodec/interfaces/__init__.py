"""Layer 6, interfaces: the command line (:mod:`.cli`), the HTTP API (:mod:`.server`) and
the page (``web/``) — parsing and printing over the public API, no logic of their own.
"""
