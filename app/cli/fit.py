"""``ponder models info``, ``catalog`` and ``fit``: what a model is and what fits here.

The hardware comes from :func:`app.core.models.hardware.detect_hardware`; what this llama.cpp
build can do from :func:`app.engine.local.capabilities.probe_capabilities` (asked in a child
process), and when it cannot offload to a GPU, the output says so and points to the README's
GPU build section.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import (
    CliError,
    catalog_or_none,
    emit_json,
    hub_token,
    library,
    load_default_catalog,
    one_line,
    one_line_errors,
    positive,
    table,
)
from app.core.models.hardware import detect_hardware
from app.core.store.settings import DEFAULT_CONTEXT
from app.core.units import human_params, human_size
from app.engine.local.capabilities import gpu_advice, probe_capabilities

if TYPE_CHECKING:
    from app.core.hub.library import LocalModel, ModelLibrary
    from app.core.models.catalog import CatalogModel
    from app.core.models.fit import Fit, Recommendation
    from app.core.models.hardware import GPUInfo, Hardware

__all__ = ["add_commands"]

_gb = functools.partial(human_size, unit="GB")  # memory side by side, in one unit


def add_commands(cmds: Any) -> None:
    """Register ``ponder models catalog``, ``info`` and ``fit`` on the ``models`` group."""
    p = cmds.add_parser("catalog", help="the curated Qwen3 models, with what fits this machine")
    p.add_argument(
        "--ctx",
        type=positive,
        default=DEFAULT_CONTEXT,
        help=f"context to plan for (default {DEFAULT_CONTEXT})",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=one_line_errors(cmd_catalog))

    p = cmds.add_parser("info", help="what a model file or name is, and whether it fits")
    p.add_argument("name", metavar="NAME_OR_PATH")
    p.add_argument("--ctx", type=positive, default=DEFAULT_CONTEXT)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=one_line_errors(cmd_info))

    p = cmds.add_parser("fit", help="this machine's hardware and which models fit")
    p.add_argument("--ctx", type=positive, default=DEFAULT_CONTEXT)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=one_line_errors(cmd_fit))


def hardware() -> tuple[Hardware, bool | None]:
    """This machine, and whether its llama.cpp build can offload to a GPU (None: unknown)."""
    offload = probe_capabilities().gpu_offload
    return detect_hardware(gpu_offload=bool(offload)), offload


def fit_json(fit: Fit) -> dict[str, Any]:
    return {
        "verdict": str(fit.verdict),
        "badge": fit.badge,
        "gpu_layers": fit.gpu_layers,
        "memory_needed": fit.estimate.total,
        "ram_needed": fit.ram_needed,
        "vram_needed": fit.vram_needed,
        "message": fit.message,
    }


def _hardware_json(hw: Hardware, offload: bool | None) -> dict[str, Any]:
    return {
        "system": hw.system,
        "machine": hw.machine,
        "ram_total": hw.ram_total,
        "ram_available": hw.ram_available,
        "cpu_physical": hw.cpu_physical,
        "cpu_logical": hw.cpu_logical,
        "gpus": [
            {
                "name": g.name,
                "backend": g.backend,
                "vram_total": g.vram_total,
                "vram_free": g.vram_free,
                "unified_memory": g.unified_memory,
            }
            for g in hw.gpus
        ],
        "gpu_offload": offload,
    }


def _local_fit(model: LocalModel, ctx: int, hw: Hardware) -> Fit | None:
    from app.core.gguf.model import read_model
    from app.core.models.fit import ModelShape, check_fit

    if not model.usable:
        return None
    try:
        shape = ModelShape.from_header(read_model(model.path, check=False))
    except Exception:  # no architecture figures: the fit cannot be told
        return None
    return check_fit(shape, model.size, ctx, hw)


# ---- info ------------------------------------------------------------------------------
def _field_rows(out: TextIO, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        out.write(f"{key.ljust(width)}  {value}\n")


def _looks_like_repo(text: str) -> bool:
    owner, sep, name = text.partition("/")
    return bool(sep and owner and name and "/" not in name and not text.lower().endswith(".gguf"))


def cmd_info(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.hub.library import ModelNotFoundError
    from app.core.models.catalog import CatalogError

    lib = library()
    text = args.name
    candidate = Path(text).expanduser()
    if candidate.is_file():
        return _info_file(candidate, args, out, lib)
    if _looks_like_repo(text) and not candidate.exists():
        return _info_repo(text, args, out, lib)
    if ("/" in text or "\\" in text or text.lower().endswith(".gguf")) and not candidate.exists():
        raise CliError(f"{text} does not exist.")
    try:
        path = lib.resolve(text)
    except ModelNotFoundError as exc:
        catalog = catalog_or_none()
        if catalog is None:
            raise
        with contextlib.suppress(CatalogError):
            return _info_catalog(catalog.resolve(text).model, args, out, lib)
        names = [m.id for m in catalog] + [m.name.lower() for m in lib.models()]
        close = difflib.get_close_matches(text.lower(), names, n=3, cutoff=0.6)
        if not close:
            raise
        raise CliError(f"{one_line(str(exc))} Did you mean {', '.join(close)}?") from None
    return _info_file(path, args, out, lib)


def _thinking_of(template: str) -> str:
    if "enable_thinking" in template:
        return "switchable (the template reads enable_thinking)"
    return "in the template" if "<think>" in template else "not in the template"


def _info_file(path: Path, args: argparse.Namespace, out: TextIO, lib: ModelLibrary) -> int:
    from app.core.gguf.model import read_model
    from app.core.models.fit import ModelShape, check_fit

    model = read_model(path, check=True)
    h = model.header
    local = lib.find(model.path)
    catalog = catalog_or_none()
    found = catalog.find_file(model.path.name) if catalog else None
    template = h.chat_template or ""
    thinking = found.model.thinking if found else _thinking_of(template)
    hw, offload = hardware()
    fit: Fit | None
    try:
        fit = check_fit(ModelShape.from_header(model), model.file_size, args.ctx, hw)
    except ValueError:
        fit = None
    name = h.name or model.path.stem
    if args.json:
        return emit_json(
            out,
            {
                "name": name,
                "path": str(model.path),
                "parts": [str(p) for p in model.part_paths],
                "size": model.file_size,
                "arch": h.architecture,
                "quant": h.quant,
                "params": model.n_params,
                "context_length": h.context_length,
                "layers": h.block_count,
                "heads": h.head_count,
                "kv_heads": h.head_count_kv,
                "head_dim": h.head_dim,
                "embedding": h.embedding_length,
                "experts": h.expert_count,
                "experts_used": h.expert_used_count,
                "thinking": thinking,
                "chat_template": bool(template),
                "catalog": found.spec if found else None,
                "repo": local.repo if local else None,
                "ctx": args.ctx,
                "fit": fit_json(fit) if fit else None,
                "gpu_offload": offload,
            },
        )
    parts = f" in {len(model.parts)} parts" if model.is_split else ""
    shape = (
        f"{h.block_count or '?'} ({h.head_count or '?'} heads, {h.head_count_kv or '?'} KV heads, "
        f"head size {h.head_dim or '?'}, width {h.embedding_length or '?'})"
    )
    rows = [
        ("Name", name),
        ("File", str(model.path)),
        ("Size", f"{human_size(model.file_size)}{parts}"),
        ("Architecture", h.architecture or "?"),
        ("Quant", h.quant or "?"),
        ("Parameters", human_params(model.n_params)),
        ("Context", f"{h.context_length:,} tokens" if h.context_length else "?"),
        ("Layers", shape),
    ]
    if h.expert_count:
        rows.append(("Experts", f"{h.expert_count}, {h.expert_used_count or '?'} used per token"))
    rows.append(("Thinking", thinking))
    rows.append(("Chat template", "yes" if template else "none (ChatML is used)"))
    if found:
        rows.append(("Catalog", found.spec))
    if local and local.repo:
        rows.append(("From", local.repo))
    verdict = f"{fit.badge}: {fit.message}" if fit else "unknown (the file lacks the figures)"
    rows.append((f"Fit at {args.ctx:,} ctx", verdict))
    _field_rows(out, rows)
    gpu_note(out, hw, offload)
    return 0


def _info_catalog(model: CatalogModel, args: argparse.Namespace, out: TextIO, lib: ModelLibrary) -> int:
    from app.core.models.fit import ModelShape, check_fit

    hw, offload = hardware()
    shape = ModelShape.from_catalog(model)
    have = {m.catalog_spec for m in lib.models() if m.catalog_spec}
    quants = [
        (q, f"{model.id}:{q.quant.lower()}", check_fit(shape, q.size, args.ctx, hw))
        for q in model.quants.values()
    ]
    if args.json:
        return emit_json(
            out,
            {
                "id": model.id,
                "name": model.name,
                "arch": model.arch,
                "thinking": model.thinking,
                "params": model.params,
                "active_params": model.active_params,
                "layers": model.n_layers,
                "context_length": model.context_length,
                "native_context": model.native_context,
                "default_quant": model.default_quant,
                "ctx": args.ctx,
                "gpu_offload": offload,
                "quants": [
                    {
                        "spec": spec,
                        "quant": q.quant,
                        "size": q.size,
                        "repo": q.repo,
                        "files": list(q.files),
                        "downloaded": spec in have,
                        "fit": fit_json(fit),
                    }
                    for q, spec, fit in quants
                ],
            },
        )
    active = f" ({human_params(model.active_params)} active)" if model.active_params else ""
    context = f"{model.native_context:,} tokens native, {model.context_length:,} in the file"
    _field_rows(
        out,
        [
            ("Name", f"{model.name} (catalog name {model.id})"),
            ("Architecture", model.arch),
            ("Parameters", human_params(model.params) + active),
            ("Thinking", model.thinking),
            ("Context", context),
        ],
    )
    rows = [
        [
            spec + (" (default)" if q.quant == model.default_quant else ""),
            human_size(q.size),
            fit.badge,
            "yes" if spec in have else "",
            q.repo,
        ]
        for q, spec, fit in quants
    ]
    out.write(f"\nQuants (fit at {args.ctx:,} tokens of context):\n")
    out.write(table(["NAME", "SIZE", "FIT", "DOWNLOADED", "REPOSITORY"], rows, right=(1,)) + "\n")
    gpu_note(out, hw, offload)
    return 0


def _info_repo(repo: str, args: argparse.Namespace, out: TextIO, lib: ModelLibrary) -> int:
    """The GGUF models in a Hub repository (sizes from the Hub; fit when the catalog knows them)."""
    from app.core.hub.search import list_gguf_models
    from app.core.models.fit import ModelShape, check_fit

    models = list_gguf_models(repo, token=hub_token())
    catalog = catalog_or_none()
    hw, offload = hardware()
    folder = lib.download_dir(repo)
    entries = []
    for m in models:
        hit = catalog.find_file(m.files[0].name) if catalog else None
        fit = check_fit(ModelShape.from_catalog(hit.model), m.size or 0, args.ctx, hw) if hit else None
        entries.append((m, hit.spec if hit else None, fit, (folder / m.files[0].name).exists()))
    if args.json:
        listed = [
            {
                "name": m.name,
                "quant": m.quant,
                "size": m.size,
                "files": [f.path for f in m.files],
                "catalog": spec,
                "fit": fit_json(fit) if fit else None,
                "downloaded": have,
            }
            for m, spec, fit, have in entries
        ]
        return emit_json(out, {"repo": repo, "ctx": args.ctx, "gpu_offload": offload, "models": listed})
    if not entries:
        out.write(f"{repo} has no GGUF model files.\n")
        return 0
    rows = [
        [
            m.name,
            m.quant or "?",
            human_size(m.size) if m.size is not None else "?",
            str(len(m.files)),
            fit.badge if fit else "?",
            "yes" if have else "",
        ]
        for m, _spec, fit, have in entries
    ]
    out.write(table(["MODEL", "QUANT", "SIZE", "FILES", "FIT", "DOWNLOADED"], rows, right=(2, 3)) + "\n")
    out.write(f"\nDownload one with: ponder models download {repo} --quant QUANT (or --file NAME)\n")
    return 0


# ---- catalog and fit -----------------------------------------------------------------------
def gpu_note(out: TextIO, hw: Hardware, offload: bool | None) -> None:
    advice = gpu_advice(hw, offload)
    if advice:
        out.write(f"\n{advice}\n")


def cmd_catalog(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.models.fit import ModelShape, check_fit, rank_catalog

    catalog = load_default_catalog()
    hw, offload = hardware()
    ranked = rank_catalog(hw, catalog, n_ctx=args.ctx, thinking=("hybrid", "always", "never"))
    best_of: dict[str, str] = {}
    for rec in ranked:
        best_of.setdefault(rec.model.id, rec.spec)
    top = next((r for r in ranked if r.model.thinking == "hybrid"), None)
    have = {m.catalog_spec for m in library().models() if m.catalog_spec}
    entries = []
    for model in catalog:
        q = model.quant()
        fit = check_fit(ModelShape.from_catalog(model), q.size, args.ctx, hw)
        mine = sorted(s.split(":", 1)[1].upper() for s in have if s.startswith(model.id + ":"))
        entries.append((model, q, fit, best_of.get(model.id), mine))
    if args.json:
        listed = [
            {
                "id": model.id,
                "name": model.name,
                "params": model.params,
                "thinking": model.thinking,
                "default": f"{model.id}:{q.quant.lower()}",
                "size": q.size,
                "fit": fit_json(fit),
                "best_here": best,
                "recommended": top is not None and top.model.id == model.id,
                "downloaded": mine,
            }
            for model, q, fit, best, mine in entries
        ]
        return emit_json(out, {"ctx": args.ctx, "gpu_offload": offload, "models": listed})
    rows = [
        [
            ("* " if top is not None and top.model.id == model.id else "  ") + model.id,
            human_params(model.params),
            model.thinking,
            q.quant,
            human_size(q.size),
            fit.badge,
            best or "-",
            ", ".join(mine),
        ]
        for model, q, fit, best, mine in entries
    ]
    headers = ["  MODEL", "PARAMS", "THINKING", "DEFAULT", "SIZE", "FIT", "BEST HERE", "DOWNLOADED"]
    out.write(table(headers, rows, right=(1, 4)) + "\n")
    out.write(f"\nFIT is the default quant's at {args.ctx:,} tokens of context; * is recommended here.\n")
    if top:
        out.write(f"Download: ponder models download {top.spec}\n")
    gpu_note(out, hw, offload)
    return 0


def _gpu_line(g: GPUInfo) -> str:
    memory = "shared memory" if g.unified_memory else f"{_gb(g.vram_free)} free of {_gb(g.vram_total)}"
    return f"{g.name} ({g.backend}, {memory})"


def cmd_fit(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.models.fit import rank_catalog

    hw, offload = hardware()
    catalog = catalog_or_none()
    ranked = rank_catalog(hw, catalog, n_ctx=args.ctx) if catalog else []
    rec = ranked[0] if ranked else None
    others: list[Recommendation] = []
    for r in ranked[1:]:
        if rec and r.model.id != rec.model.id and all(o.model.id != r.model.id for o in others):
            others.append(r)
    others = others[:4]
    downloaded = [(m, _local_fit(m, args.ctx, hw)) for m in library().models()]
    if args.json:
        return emit_json(
            out,
            {
                "hardware": _hardware_json(hw, offload),
                "ctx": args.ctx,
                "recommended": _rec_json(rec) if rec else None,
                "also_fits": [_rec_json(r) for r in others],
                "downloaded": [
                    {"name": m.catalog_spec or m.name, "path": str(m.path), "fit": fit_json(f) if f else None}
                    for m, f in downloaded
                ],
                "advice": gpu_advice(hw, offload),
            },
        )
    offload_text = {True: "yes", False: "no (CPU only)", None: "unknown (could not ask llama.cpp)"}[offload]
    out.write("This machine\n")
    _field_rows(
        out,
        [
            ("  System", f"{hw.system or '?'} {hw.machine}".strip()),
            ("  RAM", f"{_gb(hw.ram_available)} free of {_gb(hw.ram_total)}"),
            ("  CPU", f"{hw.cpu_physical or '?'} cores, {hw.cpu_logical or '?'} threads"),
            *[("  GPU", _gpu_line(g)) for g in hw.gpus],
            *([] if hw.gpus else [("  GPU", "none found")]),
            ("  GPU offload", offload_text),
        ],
    )
    out.write(f"\nAt {args.ctx:,} tokens of context:\n")
    if rec:
        what = f"{rec.model.name} {rec.quant.quant}, {human_size(rec.quant.size)}"
        out.write(f"Recommended: {rec.spec} ({what})\n")
        out.write(f"  {rec.fit.badge}: {rec.fit.message}\n")
        out.write(f"  Download: ponder models download {rec.spec}\n")
    else:
        out.write("Recommended: nothing in the catalog runs well here (too little free memory).\n")
    if others:
        out.write("Also fits: " + ", ".join(f"{r.spec} ({r.fit.badge})" for r in others) + "\n")
    if downloaded:
        rows = [
            [
                m.catalog_spec or m.name,
                human_size(m.size),
                f.badge if f else "unknown",
                f.message if f else one_line(m.problem or "the file lacks the figures"),
            ]
            for m, f in downloaded
        ]
        out.write("\nDownloaded models:\n")
        out.write(table(["NAME", "SIZE", "FIT", "DETAILS"], rows, right=(1,)) + "\n")
    gpu_note(out, hw, offload)
    return 0


def _rec_json(rec: Recommendation) -> dict[str, Any]:
    return {
        "spec": rec.spec,
        "name": rec.model.name,
        "quant": rec.quant.quant,
        "size": rec.quant.size,
        "fit": fit_json(rec.fit),
    }
