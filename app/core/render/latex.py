"""Turn common LaTeX math into readable Unicode text (no TeX engine, nothing executed).

Handles Greek letters, common operators, relations and arrows, ``\\frac{a}{b}`` -> ``a/b``,
``\\sqrt``, ``^``/``_`` (Unicode super/subscripts where every character has one),
``\\text{..}``-style wrappers, ``\\mathbb`` letters and spacing commands. Anything it does not
know stays as written, so the result is always at least as readable as the source. Input is
untrusted: nesting is capped and the work is linear in the input length.
"""

from __future__ import annotations

import re

# fmt: off
_SYMBOLS: dict[str, str] = {
    # Greek
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    # operators
    "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "ast": "∗", "star": "⋆",
    "circ": "∘", "bullet": "•", "oplus": "⊕", "otimes": "⊗", "cup": "∪", "cap": "∩",
    "setminus": "∖", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨", "neg": "¬", "lnot": "¬",
    "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "iiint": "∭", "oint": "∮",
    "partial": "∂", "nabla": "∇", "infty": "∞", "emptyset": "∅", "varnothing": "∅",
    "forall": "∀", "exists": "∃", "nexists": "∄", "angle": "∠", "triangle": "△",
    "hbar": "ℏ", "ell": "ℓ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ", "prime": "′", "degree": "°",
    "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
    # relations
    "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈",
    "equiv": "≡", "sim": "∼", "simeq": "≃", "cong": "≅", "propto": "∝", "ll": "≪", "gg": "≫",
    "in": "∈", "notin": "∉", "ni": "∋", "subset": "⊂", "supset": "⊃", "subseteq": "⊆",
    "supseteq": "⊇", "mid": "∣", "parallel": "∥", "perp": "⊥", "models": "⊨", "vdash": "⊢",
    # arrows
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹", "iff": "⟺",
    "mapsto": "↦", "uparrow": "↑", "downarrow": "↓", "longrightarrow": "⟶",
    # delimiters and named functions
    "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "vert": "|", "Vert": "‖", "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖",
    "sin": "sin", "cos": "cos", "tan": "tan", "cot": "cot", "sec": "sec", "csc": "csc",
    "arcsin": "arcsin", "arccos": "arccos", "arctan": "arctan", "sinh": "sinh", "cosh": "cosh",
    "tanh": "tanh", "log": "log", "ln": "ln", "lg": "lg", "exp": "exp", "lim": "lim",
    "max": "max", "min": "min", "sup": "sup", "inf": "inf", "det": "det", "gcd": "gcd",
    "deg": "deg", "dim": "dim", "ker": "ker", "arg": "arg", "Pr": "Pr", "mod": "mod",
    "bmod": "mod", "pmod": "mod",
    # spacing and escapes
    "quad": "  ", "qquad": "   ", ",": " ", ";": " ", ":": " ", ">": " ", "!": "", " ": " ",
    "{": "{", "}": "}", "_": "_", "%": "%", "$": "$", "#": "#", "&": "&", "|": "‖",
    "\\": "\n", "cr": "\n", "newline": "\n",
}
_IGNORED = frozenset(
    {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
     "biggr", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "nonumber",
     "notag", "middle"}
)
_WRAPPERS = frozenset(
    {"text", "textrm", "textnormal", "mathrm", "mathbf", "mathit", "mathsf", "mathtt",
     "textbf", "textit", "texttt", "mbox", "operatorname", "boldsymbol", "bm", "mathcal",
     "mathscr", "mathfrak", "emph", "hbox"}
)
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0305",
            "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308", "tilde": "\u0303",
            "widetilde": "\u0303", "underline": "\u0332"}
_FRACTIONS = frozenset({"frac", "dfrac", "tfrac", "cfrac"})
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "H": "ℍ", "E": "𝔼"}

_SUP = dict(zip("0123456789+-=()nix" "abcdefghjklmoprstuvwyz" "ABDEGHIJKLMNOPRTUVW",
                "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˣ" "ᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷʸᶻ" "ᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ", strict=True))
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
_SUP.update({"∗": "*", "′": "′", "*": "*", "∘": "°", " ": ""})
_SUB.update({" ": ""})
# fmt: on

_MAX_DEPTH = 24
_SPACES = re.compile(r"[ \t\n]{2,}|\t")


def latex_to_unicode(src: str) -> str:
    """Convert a LaTeX math snippet to readable Unicode text (``\\n`` marks line breaks)."""
    out, _ = _Converter(src).sequence(0, 0, closing=False)
    lines = (_SPACES.sub(" ", line).strip() for line in out.split("\n"))
    return "\n".join(line for line in lines if line)


class _Converter:
    def __init__(self, src: str) -> None:
        self.src = src

    def sequence(self, pos: int, depth: int, *, closing: bool) -> tuple[str, int]:
        """Convert from ``pos`` until the end (or a closing brace when ``closing``)."""
        src, parts = self.src, list[str]()
        while pos < len(src):
            ch = src[pos]
            if ch == "}" and closing:
                return "".join(parts), pos + 1
            if ch == "\\":
                text, pos = self.command(pos, depth)
                parts.append(text)
            elif ch in "^_":
                arg, pos = self.argument(pos + 1, depth)
                parts.append(_script(arg, _SUP if ch == "^" else _SUB, ch))
            elif ch == "{":
                text, pos = self.group(pos, depth)
                parts.append(text)
            else:
                parts.append({"&": " ", "~": " ", "}": ""}.get(ch, ch))
                pos += 1
        return "".join(parts), pos

    def group(self, pos: int, depth: int) -> tuple[str, int]:
        """``pos`` is at ``{``: convert the group's content."""
        if depth >= _MAX_DEPTH:  # hostile nesting: keep the rest verbatim, stop recursing
            return self.src[pos:], len(self.src)
        return self.sequence(pos + 1, depth + 1, closing=True)

    def argument(self, pos: int, depth: int) -> tuple[str, int]:
        """One macro argument: a braced group, a command, or a single character."""
        src = self.src
        if depth >= _MAX_DEPTH:  # hostile chains like \\hat\\hat\\hat...: stop recursing
            return src[pos:], len(src)
        while pos < len(src) and src[pos] == " ":
            pos += 1
        if pos >= len(src):
            return "", pos
        if src[pos] == "{":
            return self.group(pos, depth)
        if src[pos] == "\\":
            return self.command(pos, depth)
        return src[pos], pos + 1

    def command(self, pos: int, depth: int) -> tuple[str, int]:
        """``pos`` is at a backslash: convert one control sequence (with its arguments)."""
        src, end = self.src, pos + 1
        while end < len(src) and src[end].isascii() and src[end].isalpha():
            end += 1
        if end == pos + 1:  # control symbol: \, \{ \\ ...
            end = min(pos + 2, len(src))
        name = src[pos + 1 : end]
        if name in _SYMBOLS:
            return _SYMBOLS[name], end
        if name in _IGNORED:
            if name in ("left", "right", "middle") and src.startswith(".", end):
                end += 1
            return "", end
        if name in ("begin", "end"):
            _, end = self.argument(end, depth + 1)
            return ("\n" if name == "end" else ""), end
        if name in _WRAPPERS:
            return self.argument(end, depth + 1)
        if name == "mathbb":
            arg, end = self.argument(end, depth + 1)
            return "".join(_BLACKBOARD.get(c, c) for c in arg), end
        if name in _FRACTIONS:
            num, end = self.argument(end, depth + 1)
            den, end = self.argument(end, depth + 1)
            return f"{_atom(num)}/{_atom(den)}", end
        if name == "sqrt":
            index = ""
            if src.startswith("[", end):
                close = src.find("]", end)
                if close > 0:
                    index, end = src[end + 1 : close], close + 1
            arg, end = self.argument(end, depth + 1)
            prefix = _script(index, _SUP, "^") if index else ""
            return f"{prefix}√{_atom(arg)}", end
        if name in _ACCENTS:
            arg, end = self.argument(end, depth + 1)
            if len(arg) == 1:
                return arg + _ACCENTS[name], end
            return f"{name}({arg})", end
        literal = ["\\" + name]
        while src.startswith("{", end):  # unknown macro: keep its arguments visible
            arg, end = self.group(end, depth + 1)
            literal.append("{" + arg + "}")
        return "".join(literal), end


def _atom(text: str) -> str:
    """Parenthesise ``text`` unless it reads as one unit (``x``, ``12``, ``α``, ``(a+b)``)."""
    text = text.strip()
    if len(text) <= 1 or text.isalnum() or (text.startswith("(") and text.endswith(")")):
        return text
    return f"({text})"


def _script(arg: str, table: dict[str, str], mark: str) -> str:
    """A super/subscript: Unicode script characters if all exist, else ``^(..)`` / ``_(..)``."""
    if arg and all(c in table for c in arg):
        return "".join(table[c] for c in arg)
    arg = arg.strip()
    return f"{mark}{arg}" if len(arg) <= 1 else f"{mark}({arg})"
