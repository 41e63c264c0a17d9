"""``ponder models``: the library, Hub search, downloads and the Hub token.

Subcommands: ``list`` (also what a bare ``ponder models`` does), ``search``, ``download``,
``remove``, ``login``, ``logout`` here; ``info``, ``catalog`` and ``fit`` (which need the
hardware) in :mod:`app.cli.fit`. A paused download is not a failure, but it also ends with
one line on stderr, and with exit status 130, so scripts can tell it from success.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.cli.common import (
    EXIT_PAUSED,
    CliError,
    ProgressPrinter,
    catalog_or_none,
    emit_json,
    hub_token,
    library,
    one_line,
    one_line_errors,
    positive,
    table,
)
from app.cli.remote import add_server_options, cmd_list_server
from app.core.units import human_params, human_size

if TYPE_CHECKING:
    from app.core.hub.download import DownloadControl
    from app.core.hub.library import LocalModel, ModelLibrary
    from app.core.hub.plan import DownloadPlan

__all__ = ["add_parser"]

PAUSE_WAIT = 3.0  # seconds a paused download gets to stop at its next step


# ---- the parser ------------------------------------------------------------------------
def add_parser(sub: Any) -> Any:
    """Register ``ponder models`` and its library and Hub commands on the top-level subparsers;
    returns the group's subparsers, where :mod:`app.cli.fit` adds the commands about fit."""
    models = sub.add_parser("models", help="find, download and manage models; check what fits")
    models.set_defaults(func=one_line_errors(cmd_list), json=False)
    cmds = models.add_subparsers(dest="models_command", metavar="COMMAND")

    p = cmds.add_parser("list", help="the downloaded models (with --server: the models a server serves)")
    p.add_argument("--json", action="store_true")
    add_server_options(p)
    p.set_defaults(func=one_line_errors(cmd_list))

    p = cmds.add_parser("search", help="search the Hugging Face Hub for GGUF repositories")
    p.add_argument("query")
    p.add_argument("--limit", type=positive, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=one_line_errors(cmd_search))

    p = cmds.add_parser("download", help="download a catalog model or a Hub repository's GGUF")
    p.add_argument("name", metavar="REPO_OR_CATALOG_NAME", help="qwen3-8b:q4_k_m, or owner/repo")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--file", help="the file in the repository (any part of a split model)")
    which.add_argument("--quant", help="the quantisation, e.g. Q4_K_M")
    p.set_defaults(func=one_line_errors(cmd_download))

    p = cmds.add_parser("remove", help="delete a downloaded model (a linked file is only forgotten)")
    p.add_argument("name")
    p.set_defaults(func=one_line_errors(cmd_remove))

    p = cmds.add_parser("login", help="store a Hugging Face token (read from stdin) for gated models")
    p.set_defaults(func=one_line_errors(cmd_login))
    p = cmds.add_parser("logout", help="forget the stored Hugging Face token")
    p.set_defaults(func=one_line_errors(cmd_logout))
    return cmds


# ---- list and remove -------------------------------------------------------------------------
def _partials(lib: ModelLibrary) -> list[dict[str, Any]]:
    """Paused downloads: ``.part`` files with their sidecar, and how to resume them."""
    found: list[dict[str, Any]] = []
    if not lib.root.is_dir():
        return found
    catalog = catalog_or_none()
    for side in sorted(lib.root.rglob("*.gguf.part.json")):
        try:
            meta = json.loads(side.read_text("utf-8"))
        except (OSError, ValueError):
            meta = {}
        part = side.with_name(side.name[: -len(".json")])
        done = part.stat().st_size if part.exists() else 0
        name = part.name[: -len(".part")]
        spec = None
        if catalog is not None and (hit := catalog.find_file(name)) is not None:
            spec = hit.spec
        repo, path = meta.get("repo"), meta.get("path")
        resume = spec or (f"{repo} --file {path}" if repo and path else None)
        found.append(
            {
                "file": name,
                "path": str(part),
                "done": done,
                "size": meta.get("size"),
                "catalog": spec,
                "repo": repo,
                "resume": f"ponder models download {resume}" if resume else None,
            }
        )
    return found


def _model_json(m: LocalModel) -> dict[str, Any]:
    return {
        "name": m.name,
        "path": str(m.path),
        "parts": [str(p) for p in m.parts],
        "size": m.size,
        "quant": m.quant,
        "arch": m.arch,
        "context_length": m.context_length,
        "params": m.n_params,
        "repo": m.repo,
        "catalog": m.catalog_spec,
        "linked": m.referenced,
        "problem": m.problem,
    }


def cmd_list(args: argparse.Namespace, out: TextIO) -> int:
    if getattr(args, "server", None):
        return cmd_list_server(args, out)
    lib = library()
    models, partial = lib.models(), _partials(lib)
    if args.json:
        listed = [_model_json(m) for m in models]
        return emit_json(out, {"root": str(lib.root), "models": listed, "paused": partial})
    if not models and not partial:
        out.write(f"No models in {lib.root} yet. Try `ponder models catalog` or `ponder models fit`.\n")
        return 0
    if models:
        rows = [
            [
                m.catalog_spec or m.name,
                m.quant or "?",
                human_size(m.size),
                human_params(m.n_params),
                m.repo or (str(m.path) if m.referenced else "local"),
                "ok" if m.usable else "damaged",
            ]
            for m in models
        ]
        out.write(table(["NAME", "QUANT", "SIZE", "PARAMS", "SOURCE", "STATUS"], rows, right=(2, 3)) + "\n")
        for m in models:
            if m.problem:
                out.write(f"  {m.catalog_spec or m.name}: {one_line(m.problem)}\n")
    if partial:
        out.write("\nPaused downloads:\n")
        for p in partial:
            of = f" of {human_size(p['size'])}" if p["size"] else ""
            resume = f"; resume: {p['resume']}" if p["resume"] else ""
            out.write(f"  {p['file']}: {human_size(p['done'])}{of}{resume}\n")
    out.write(f"\nModels folder: {lib.root}\n")
    return 0


def cmd_remove(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.hub.library import ModelNotFoundError
    from app.core.hub.partial import discard_partial

    lib = library()
    try:
        model = lib.remove(args.name)
    except ModelNotFoundError:
        wanted = args.name.lower()
        paused = [
            p
            for p in _partials(lib)
            if wanted in (p["file"].lower(), p["file"].lower().removesuffix(".gguf"), p["catalog"])
        ]
        if not paused:
            raise
        for p in paused:
            discard_partial(Path(p["path"][: -len(".part")]))
            out.write(f"Removed the paused download of {p['file']} ({human_size(p['done'])}).\n")
        return 0
    if model.referenced:
        out.write(f"Forgot {model.name}; its file stays where it is: {model.path}\n")
        return 0
    folder = model.path.parent
    for d in (folder, folder.parent):  # tidy the owner/repo folders once they are empty
        if d != lib.root and lib.root in d.parents:
            with contextlib.suppress(OSError):
                d.rmdir()
    out.write(f"Removed {model.catalog_spec or model.name} ({human_size(model.size)} freed).\n")
    return 0


# ---- search and download ----------------------------------------------------------------------
def cmd_search(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.hub.search import search_gguf_repos

    results = search_gguf_repos(args.query, limit=args.limit, token=hub_token())
    if args.json:
        listed = [
            {
                "repo": r.repo,
                "downloads": r.downloads,
                "likes": r.likes,
                "gated": r.gated,
                "last_modified": r.last_modified.isoformat() if r.last_modified else None,
            }
            for r in results
        ]
        return emit_json(out, listed)
    if not results:
        out.write(f"No GGUF repositories match {args.query!r}.\n")
        return 0
    rows = [
        [
            r.repo,
            f"{r.downloads or 0:,}",
            f"{r.likes or 0:,}",
            r.last_modified.date().isoformat() if r.last_modified else "?",
            "gated" if r.gated else "",
        ]
        for r in results
    ]
    out.write(table(["REPOSITORY", "DOWNLOADS", "LIKES", "UPDATED", ""], rows, right=(1, 2)) + "\n")
    out.write("\nDownload one with: ponder models download OWNER/REPO --quant Q4_K_M\n")
    return 0


def _plan(name: str, file: str | None, quant: str | None) -> DownloadPlan:
    from app.core.hub.plan import plan_catalog, plan_hub_model, plan_repo_file
    from app.core.hub.search import list_gguf_models

    token = hub_token()
    if "/" not in name:
        if file:
            raise CliError("--file needs a Hub repository (owner/name), not a catalog name.")
        spec = name
        if quant:
            model_id, _, named = name.partition(":")
            if named and named.upper() != quant.upper():
                raise CliError(f"{name} already names a quant; drop --quant {quant} or the :{named}.")
            spec = f"{model_id}:{quant}"
        return plan_catalog(spec, token=token)
    if file:
        return plan_repo_file(name, file, token=token)
    models = list_gguf_models(name, token=token)
    if not models:
        raise CliError(f"{name} has no GGUF model files.")
    chosen = models
    if quant:
        chosen = [m for m in models if (m.quant or "").upper() == quant.upper()]
        if not chosen:
            raise CliError(f"{name} has no {quant.upper()} model; it has {_choices(models)}.")
    if len(chosen) > 1:
        how = "--file NAME" if quant else "--quant Q or --file NAME"
        raise CliError(f"{name} holds {len(chosen)} models ({_choices(chosen)}): choose one with {how}.")
    return plan_hub_model(chosen[0])


def _choices(models: list[Any]) -> str:
    names = [m.quant if m.quant and [n.quant for n in models].count(m.quant) == 1 else m.name for m in models]
    return ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")


def _download_pausable(
    run: Callable[[DownloadControl], list[Path]], printer: ProgressPrinter
) -> list[Path] | None:
    """Run the download on a worker thread so Ctrl+C is answered at once: it asks the
    download to pause at its next step and waits briefly. Returns None when paused.

    The ``.part`` file is always a true prefix of the file (bytes are appended in order
    and the hash is recomputed on resume), so leaving a worker stuck in a stalled read
    behind at exit loses nothing."""
    from app.core.hub.download import DownloadControl
    from app.core.hub.errors import DownloadStopped

    control = DownloadControl()
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["paths"] = run(control)
        except BaseException as exc:  # handed to the main thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="ponder-download", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.2)
    except KeyboardInterrupt:
        control.pause()
        printer.note("Pausing...")
        with contextlib.suppress(KeyboardInterrupt):
            worker.join(PAUSE_WAIT)
        if "paths" not in outcome:  # still stopping, or stopped: either way paused
            return None
    error = outcome.get("error")
    if isinstance(error, DownloadStopped):
        return None
    if error is not None:
        raise error
    paths: list[Path] = outcome["paths"]
    return paths


def cmd_download(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.hub.download import Downloader
    from app.core.hub.partial import partial_bytes

    plan = _plan(args.name, args.file, args.quant)
    lib = library()
    dest = lib.download_dir(plan.repo)
    targets = [dest / f.name for f in plan.files]
    if all(
        t.exists() and (f.size is None or t.stat().st_size == f.size)
        for t, f in zip(targets, plan.files, strict=True)
    ):
        out.write(f"{plan.name} is already downloaded: {targets[0]}\n")
        return 0
    size = human_size(plan.size) if plan.size is not None else "unknown size"
    count = f", {len(plan.files)} files" if len(plan.files) > 1 else ""
    out.write(f"Downloading {plan.name} from {plan.repo} ({size}{count}) to {dest}\n")
    kept = sum(partial_bytes(t) for t in targets)
    if kept:
        out.write(f"Resuming: {human_size(kept)} already downloaded.\n")
    out.flush()
    printer = ProgressPrinter(out)
    downloader = Downloader(token=hub_token())
    try:
        paths = _download_pausable(
            lambda control: downloader.download(plan.files, dest, progress=printer, control=control), printer
        )
    finally:
        printer.finish()
    if paths is None:
        have = sum(t.stat().st_size if t.exists() else partial_bytes(t) for t in targets)
        of = f" of {human_size(plan.size)}" if plan.size else ""
        print(
            f"ponder: paused with {human_size(have)}{of} kept; run the same command again to resume.",
            file=sys.stderr,
        )
        return EXIT_PAUSED
    catalog = catalog_or_none()
    hit = catalog.find_file(paths[0].name) if catalog else None
    out.write(f"Saved {plan.name} to {paths[0]}\n")
    out.write(f'Ask it: ponder ask {hit.spec if hit else plan.name} "Hello"\n')
    return 0


# ---- the token ---------------------------------------------------------------------------------
def cmd_login(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.hub.auth import default_token_store

    store = default_token_store()
    if not store.persistent:
        raise CliError(
            "no credential store (keyring backend) is available here, so a token cannot be saved; "
            "set HF_TOKEN in the environment instead."
        )
    if sys.stdin.isatty():
        import getpass

        token = getpass.getpass("Hugging Face token (input hidden): ")
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise CliError("no token given.")
    if any(c.isspace() for c in token):
        raise CliError("that does not look like a token (it contains spaces).")
    if not store.set(token):
        raise CliError("the credential store refused the token; set HF_TOKEN in the environment instead.")
    out.write("Saved the Hugging Face token in the system credential store.\n")
    return 0


def cmd_logout(args: argparse.Namespace, out: TextIO) -> int:
    from app.core.hub.auth import default_token_store

    default_token_store().clear()
    out.write("Forgot the stored Hugging Face token.\n")
    return 0
