"""What the command line prints for people (``--json`` prints the objects' ``to_dict()``).

>>> from scenecodec.codec import Concept, Scene
>>> parts = (Concept("жар", "entry"),)
>>> scene_lines(Scene(None, "Δ1", "🜂⟁", "жар → вход", "жарвход", parts, "вход"))
Δ1  🜂⟁  жар → вход
  name      жарвход
  concepts  жар (entry)
  anchor    вход
"""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from scenecodec.codec import Decoded, Recalled, Scene
from scenecodec.dynamics.roles import Role
from scenecodec.dynamics.timeline import Timeline
from scenecodec.expansion.expand import Expansion
from scenecodec.expansion.unfold import MicroScene
from scenecodec.interfaces.cli.app import out
from scenecodec.language.morph import language

__all__ = [
    "decoded_table",
    "expansion_lines",
    "pulse_lines",
    "recalled_table",
    "roles_table",
    "scene_lines",
]


def scene_lines(scene: Scene) -> None:
    code = scene.code or "(not stored)"
    out.print(f"[bold]{code}[/]  {scene.glyph}  {scene.formula}")
    out.print(f"  name      {scene.name}")
    parts = " · ".join(f"{c.lemma} ({c.phase})" for c in scene.concepts)
    out.print(f"  concepts  {parts}")
    out.print(f"  anchor    {scene.anchor or '—'}")
    read = scene.reading
    if read is not None and len(read.parts) > 1:  # a name read as one word needs no line
        how = "split into its words" if read.confident else "kept whole"
        others = "".join(f"; or {' | '.join(a.parts)}" for a in read.alternatives[:2])
        out.print(f"  read as   {' | '.join(read.parts)}  ({how}{others})")


def decoded_table(decoded: Decoded) -> None:
    table = Table(title="decoded from the vector alone", title_justify="left", box=None)
    for column in ("slot", "concept", "confidence", "similarity"):
        table.add_column(column)
    rows = [*decoded.concepts, *([decoded.anchor] if decoded.anchor else [])]
    for c in rows:
        table.add_row(c.phase, c.lemma, f"{c.confidence:.3f}", f"{c.similarity:.3f}")
    out.print(table)
    out.print(
        f"  residual  {decoded.residual:.3f}  (energy the parts leave unexplained; "
        f"≈0.3 for a clean scene)"
    )


def recalled_table(results: list[Recalled], title: str) -> None:
    if not results:
        out.print(f"{title}: none")
        return
    table = Table(title=title, title_justify="left", box=None)
    for column in ("code", "glyph", "score", "formula"):
        table.add_column(column)
    for r in results:
        table.add_row(r.scene.code or "", r.scene.glyph, f"{r.score:.3f}", r.scene.formula)
    out.print(table)


def expansion_lines(expansion: Expansion, realiser: dict[str, str] | None = None) -> None:
    """Print an expansion; ``realiser`` says who wrote each register (model, lexical)."""
    scene_lines(expansion.scene)
    tension = "—" if expansion.tension is None else f"{expansion.tension:.3f}"
    kind = expansion.archetype
    out.print(f"  tension   {tension}  (how far the parts stand from the anchor, 0…1)")
    name = "none" if kind is None else kind.archetype.name(expansion.language)
    out.print(f"  archetype {name}")
    if expansion.plan is not None:
        out.print(f"  plan      {escape(expansion.plan.line())}")
    out.print()
    _microscene_lines(expansion.microscenes, "")
    if len(expansion.levels) > 1:
        shown = " · ".join(f"depth {d}: {r:.3f} ({n})" for d, n, r in expansion.levels)
        out.print(f"  residual by level  {shown}")
    out.print()
    _register_lines(expansion, realiser or {})
    out.print()
    decoded_table(expansion.decoded)
    out.print()
    recalled_table(list(expansion.neighbours), "nearest stored scenes")


def _register_lines(expansion: Expansion, realiser: dict[str, str]) -> None:
    if expansion.bridge is None:
        return
    pace = expansion.bridge.pace
    out.print(
        f"  [bold]registers[/]  pace: depth {pace.depth} · breadth {pace.breadth} · "
        f"length {pace.length} ({escape(pace.reason)})"
    )
    for route in expansion.bridge.active:
        who = f"{route.voice} ({realiser[route.register]})" if realiser else route.voice
        out.print(
            f"  {route.register:<10} {route.weight:.2f} {who:<{19 if realiser else 11}} "
            f"{escape(expansion.registers[route.register])}"
        )


def _microscene_lines(microscenes: tuple[MicroScene, ...], indent: str) -> None:
    for m in microscenes:
        lang = language(m.lemma) or "en"
        kind = "" if m.archetype is None else f" · {m.archetype.archetype.name(lang)}"
        pull = "" if m.pull is None else f" · pull {m.pull:+.2f}"
        out.print(f"{indent}[bold]{m.lemma}[/] ({', '.join(m.gloss)}) {m.phase}{kind}{pull}")
        if m.context:
            out.print(f"{indent}    near      {', '.join(w for w, _ in m.context)}")
        if m.templates:
            shown = "; ".join(f"{t.code} → [{', '.join(t.concepts)}]" for t in m.templates)
            out.print(f"{indent}    templates {escape(shown)}")
        if m.unfolding is not None:
            u = m.unfolding
            out.print(f"{indent}    unfolds   {u.formula}  (residual {u.residual:.3f})")
            _microscene_lines(u.microscenes, indent + "      ")


def pulse_lines(line: Timeline) -> None:
    out.print(f"[bold]{escape(line.name)}[/]  seed {line.seed['code']}  {line.seed['formula']}")
    for s in line.segments:
        first = s["sentences"][0]
        shown = first if len(first) <= 60 else first[:59] + "…"
        out.print(
            f"  part {s['tick']:>3}  {s['scene']['code']}  {escape(s['scene']['formula'])}  "
            f"({len(s['sentences'])} sentences: {escape(shown)})"
        )
    for t in line.ticks:
        events = []
        if t.unfolded:
            u = t.unfolded
            events.append(f"unfolds {u['lemma']} (novelty {u['novelty']:.2f})")
        if t.resonated:
            r = t.resonated[0]
            events.append(
                f"resonates {r['code']} {r['formula']} ({r['cosine']:.2f}, {t.steps} steps)"
            )
        if t.condensed:
            c = t.condensed
            events.append(f"condenses {c['code']} {c['formula']} from {', '.join(c['sources'])}")
        if t.faded:
            events.append("fades " + ", ".join(f["label"] for f in t.faded))
        out.print(f"tick {t.tick:>3}  " + escape(" · ".join(events) or "—"))
        for f in t.focus:
            mark = f" · {f['decision']}" if f["decision"] else ""
            out.print(
                f"          {f['activation']:+.2f}  p {f['probability']:.2f}  "
                f"{f['phase']:<10}{mark}  {escape(f['label'])}"
            )


def roles_table(found: list[Role]) -> None:
    table = Table(box=None)
    for column in ("#", "code", "formula", "role", "evidence"):
        table.add_column(column)
    for r in found:
        scene = r.scene
        assert scene is not None  # roles() fills in the scene of every role
        evidence = ", ".join(f"#{i}" for i in r.evidence)
        table.add_row(f"#{r.index}", scene.code or "", scene.formula, r.role, evidence)
    out.print(table)
