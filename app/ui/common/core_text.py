"""Messages the core and the engines write, shown in the window's language.

The core and the engines know nothing of Qt and speak English: the CLI, the server and the logs
use their words as they are. The window translates them where it shows them. Each message it
knows is an English template below, marked for translation, whose ``{field}``s stand for any
text; a message that matches none is shown as written. A field's text is translated in turn
(``{where}`` may be "GPU memory"), item by item when it is a list; a message of several
sentences that does not match whole is translated sentence by sentence.

The templates follow the wording of the modules named above each group: a change there
needs the same change here (tests/ui/test_core_text.py produces the common ones).
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.core.chat.titles import DEFAULT_TITLE
from app.ui.common.i18n import QT_TR_NOOP, tr

_FIELD = re.compile(r"\{(\w+)\}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")
_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")

TEMPLATES: tuple[str, ...] = (
    # app.engine.local: the engine process, llama.cpp, preflight, crashes
    QT_TR_NOOP("The engine is not running."),
    QT_TR_NOOP("Reload the model."),
    QT_TR_NOOP("A reply is still being generated."),
    QT_TR_NOOP("No model is loaded."),
    QT_TR_NOOP("Generation failed: {reason}"),
    QT_TR_NOOP("Loading failed unexpectedly ({error}: {reason})."),
    QT_TR_NOOP("The engine was killed (out of memory, or stopped by the system)."),
    QT_TR_NOOP("The engine aborted inside llama.cpp (the model file may be damaged or unsupported)."),
    QT_TR_NOOP("The engine crashed ({signal})."),
    QT_TR_NOOP("The engine stopped unexpectedly (exit code {code})."),
    QT_TR_NOOP("The conversation ({tokens} tokens) does not fit the context of {size} tokens."),
    QT_TR_NOOP("Reload the model with a larger context, or let the oldest messages leave the model's view."),
    QT_TR_NOOP("Not a GGUF model file."),
    QT_TR_NOOP("The model file is incomplete or damaged (truncated download?)."),
    QT_TR_NOOP("Unsupported model: {detail}"),
    QT_TR_NOOP("llama.cpp could not load the model: {detail}"),
    QT_TR_NOOP("llama.cpp could not load the model."),
    QT_TR_NOOP("A {kv} KV cache needs flash attention, which is switched off."),
    QT_TR_NOOP("Turn flash attention on or choose the f16 KV cache."),
    QT_TR_NOOP("This llama.cpp build cannot use a {kv} KV cache for this model ({detail})."),
    QT_TR_NOOP("Choose the f16 KV cache."),
    QT_TR_NOOP("Could not create a context of {tokens} tokens (not enough memory?): {detail}"),
    QT_TR_NOOP("Choose a smaller quant or a shorter context."),
    QT_TR_NOOP("The model is spread over other computers: {parts}."),
    QT_TR_NOOP("1 layer on {where} ({size})"),
    QT_TR_NOOP("{count} layers on {where} ({size})"),
    QT_TR_NOOP("1 layer here ({size})"),
    QT_TR_NOOP("{count} layers here ({size})"),
    QT_TR_NOOP("Could not ask llama.cpp whether it can use a GPU."),
    QT_TR_NOOP("This llama.cpp build runs on the CPU only (no GPU found)."),
    QT_TR_NOOP("For a GPU build, reinstall llama-cpp-python with CMAKE_ARGS; see {url}."),
    QT_TR_NOOP("This llama.cpp build cannot offload to the GPU ({gpu}), so models run on the CPU."),
    QT_TR_NOOP('Rebuild it with CMAKE_ARGS="{flag}"; see {url}.'),
    QT_TR_NOOP('the README, section "GPU builds"'),
    # app.engine.local.rpc: other computers
    QT_TR_NOOP("The computer at {where} stopped answering."),
    QT_TR_NOOP("The computers at {some} and {last} stopped answering."),
    QT_TR_NOOP("The computer at {where} did not answer within {seconds} s."),
    QT_TR_NOOP("Cannot reach the computer at {where} ({reason})."),
    QT_TR_NOOP(
        "The worker at {where} speaks RPC protocol {theirs}, this Ponder speaks {ours}.x: install the same "
        "Ponder version on both computers."
    ),
    QT_TR_NOOP(
        "The computer at {where} accepted the connection but did not answer within {seconds} s (it may be "
        "serving another Ponder)."
    ),
    QT_TR_NOOP("The computer at {where} is not a Ponder worker ({reason})."),
    QT_TR_NOOP("{value} is not an address of the form HOST:PORT"),
    QT_TR_NOOP("{value}: the port must be a number"),
    QT_TR_NOOP("{value}: the port must be between 1 and 65535"),
    QT_TR_NOOP("the worker stopped"),
    QT_TR_NOOP(
        "Warning: the RPC protocol has no authentication and no encryption. Anyone who can reach "
        "{endpoint} can use this computer's memory and processors and see what they compute. Share it on "
        "a trusted network only."
    ),
    # app.engine.remote: servers
    QT_TR_NOOP("llama.cpp server"),
    QT_TR_NOOP("OpenAI-compatible server"),
    QT_TR_NOOP(
        "The server at {where} closed the connection mid-reply (it may have stopped or crashed). What was "
        "written is kept; reload the model to go on."
    ),
    QT_TR_NOOP("The server at {where} refused the request ({status}){said}."),
    QT_TR_NOOP(
        "The server at {where} needs an API key (401). Add it in Settings ▸ Engines, or pass --api-key."
    ),
    QT_TR_NOOP("The server at {where} refused access (403). Check the API key and its permissions."),
    QT_TR_NOOP("The server at {where} has no such endpoint or model (404){said}."),
    QT_TR_NOOP(
        "The conversation does not fit the server's context. Start a new chat, delete old messages, or "
        "restart the server with a larger context."
    ),
    QT_TR_NOOP("The server at {where} failed ({status}){said}. Try again."),
    QT_TR_NOOP("The server at {where} did not answer with JSON."),
    QT_TR_NOOP(
        "The TLS certificate of {host} could not be verified ({reason}). Give the server a certificate this "
        "computer trusts; Ponder does not skip the check."
    ),
    QT_TR_NOOP(
        "A secure connection to {host} failed ({reason}). Check whether the server speaks https:// or plain "
        "http://."
    ),
    QT_TR_NOOP("Nothing is listening at {where}. Check the address and that the server is running."),
    QT_TR_NOOP("The host {host} was not found. Check the address."),
    QT_TR_NOOP("The server at {where} did not answer within {seconds} s."),
    QT_TR_NOOP("Check the address, the network, or try again when the server is less busy."),
    QT_TR_NOOP(
        "Check the address, the network and whether the server speaks https:// or plain http://, or try "
        "again when the server is less busy."
    ),
    QT_TR_NOOP("{url} is not a server address ({reason})."),
    QT_TR_NOOP("{url} is not a server address: use http://host:port or https://host."),
    QT_TR_NOOP("Could not talk to {where} ({reason}). Check the address and that the server is running."),
    QT_TR_NOOP("The server at {where} refused the API key (401). Check the key."),
    QT_TR_NOOP(
        "The server at {where} went silent for {seconds} s mid-reply. What was written is kept; try again."
    ),
    QT_TR_NOOP("The server at {where} is not connected. Reload the model."),
    QT_TR_NOOP("No model is loaded. Pick one on the server first."),
    QT_TR_NOOP("That model belongs to another server, not {where}."),
    QT_TR_NOOP("Unexpected error talking to the server: {reason}"),
    QT_TR_NOOP("The server at {where} has no model '{model}'. It serves: {models}."),
    QT_TR_NOOP("The server at {where} serves no model yet. Load one on the server first."),
    QT_TR_NOOP("{url} answered /v1/models with no model list."),
    QT_TR_NOOP("{url} does not look like a model server (no /v1/models). Check the address and port."),
    QT_TR_NOOP("The server at {where} stopped the reply: {reason}"),
    QT_TR_NOOP(
        "The server at {where} stopped mid-reply (it may have crashed or been stopped). What was written is "
        "kept; reload the model to go on."
    ),
    QT_TR_NOOP("The server's /tokenize gave no token ids."),
    QT_TR_NOOP(
        "This server cannot continue a reply or take a raw prompt: it has no raw-prompt endpoint for this "
        "model."
    ),
    # app.core.gguf: model files
    QT_TR_NOOP(
        "{name} is part {index} of a model split into {count} files, but its name does not follow the "
        "NAME-00001-of-00003.gguf pattern llama.cpp needs."
    ),
    QT_TR_NOOP("{name}: its name says {count} parts but the file says {actual}."),
    QT_TR_NOOP("{name} is split into {count} parts and {missing} is missing: {names}."),
    QT_TR_NOOP("{name} is split into {count} parts and {missing} are missing: {names}."),
    QT_TR_NOOP("Download the missing parts into the same folder."),
    QT_TR_NOOP("Model file not found: {path}"),
    QT_TR_NOOP("{path} is a folder, not a model file."),
    QT_TR_NOOP("{name} is not a GGUF model file."),
    QT_TR_NOOP("{name} is incomplete (truncated download?)."),
    QT_TR_NOOP("Cannot read {path}: {reason}"),
    QT_TR_NOOP("{path} is a folder, not a GGUF model file."),
    QT_TR_NOOP("{name} is cut off inside its header."),
    QT_TR_NOOP(
        "{name} uses GGUF version 1 (2023), which llama.cpp no longer loads; download a newer conversion of "
        "this model."
    ),
    QT_TR_NOOP("{name} uses GGUF version {version}, which this version of Ponder does not know."),
    QT_TR_NOOP("{name} is incomplete: it has {size} of {total} ({missing} missing)."),
    QT_TR_NOOP("The download did not finish; download it again."),
    QT_TR_NOOP("{path} does not exist."),
    QT_TR_NOOP("{path} cannot be read: {reason}."),
    QT_TR_NOOP("{name} is not a GGUF model file (it is empty)."),
    QT_TR_NOOP("{name} is not a GGUF model file (it does not start with 'GGUF')."),
    QT_TR_NOOP(
        "{name} is cut off inside its header (it has {size}; the header alone needs more than {needed}): the "
        "download did not finish or the file is damaged."
    ),
    QT_TR_NOOP("{name} is not a valid GGUF model file: {reason}."),
    QT_TR_NOOP("{name} is cut off after {size} bytes: the download did not finish."),
    # app.core.hub: search and downloads
    QT_TR_NOOP("the search for {query}"),
    QT_TR_NOOP("the host name could not be resolved"),
    QT_TR_NOOP("Could not write {name} to {folder}: {reason}."),
    QT_TR_NOOP("The disk is full: {name} needs {size} more and {folder} has {free} free."),
    QT_TR_NOOP("The partial download is kept; free some space and resume."),
    QT_TR_NOOP("The Hub answered {status} for {what}."),
    QT_TR_NOOP(
        "The Hub refused access to {what} ({status}): the repository is private or gated, or the token is "
        "missing or invalid."
    ),
    QT_TR_NOOP("Add a Hugging Face token that has access."),
    QT_TR_NOOP("{what} was not found on the Hugging Face Hub (404)."),
    QT_TR_NOOP("The Hub is rate-limiting downloads of {what} (429); try again in a while."),
    QT_TR_NOOP("The Hub had a problem sending {what} ({status}); try again later."),
    QT_TR_NOOP("Too many redirects while requesting {what}."),
    QT_TR_NOOP(
        "{what} is in a gated repository: accept its terms on the Hugging Face website, then add a token "
        "from an account that has access."
    ),
    QT_TR_NOOP("{what} does not exist in the repository (404)."),
    QT_TR_NOOP("{what}: that revision does not exist (404)."),
    QT_TR_NOOP("Could not reach {host} to download {what}: {reason}."),
    QT_TR_NOOP("Check the internet connection."),
    QT_TR_NOOP("The connection failed while requesting {what}: {reason}."),
    QT_TR_NOOP("The Hub sent a redirect without a location for {what}."),
    QT_TR_NOOP("Unexpected problem with {what}: {reason}"),
    QT_TR_NOOP(
        "{what} is gated: accept its terms on the Hugging Face website, then add a token from an account "
        "that has access."
    ),
    QT_TR_NOOP("{what} was not found on the Hugging Face Hub."),
    QT_TR_NOOP("{what}: that revision does not exist."),
    QT_TR_NOOP("{what}: the file does not exist in the repository."),
    QT_TR_NOOP("The Hugging Face Hub refused the request for {what} ({status})."),
    QT_TR_NOOP("Could not reach the Hugging Face Hub ({hub}) for {what}: check the internet connection."),
    QT_TR_NOOP(
        "{what} was not found, or it is private: check the name, or add a Hugging Face token from an account "
        "that can see it."
    ),
    QT_TR_NOOP("The Hub refused access to {what} ({status}): the token is missing, invalid or lacks access."),
    QT_TR_NOOP("The Hugging Face Hub had a problem ({status}) with {what}; try again later."),
    QT_TR_NOOP("{path} no longer exists (moved or deleted)."),
    QT_TR_NOOP("{name} is already in the library folder."),
    QT_TR_NOOP("{file} is not in {repo}."),
    QT_TR_NOOP("{what} is no longer in {repo}; the catalog needs an update."),
    QT_TR_NOOP("{name} in {repo} is missing some of its parts on the Hub."),
    QT_TR_NOOP("{name} ({count} parts)"),
    QT_TR_NOOP("Unexpected error: {reason}"),
    QT_TR_NOOP("{path} already exists and is not the file on the Hub ({size} instead of {expected})."),
    QT_TR_NOOP("Remove it to download it again."),
    QT_TR_NOOP("Downloads are switched off (HF_HUB_OFFLINE is set)."),
    QT_TR_NOOP("Not enough disk space for {what}: it needs {size} and {folder} has {free} free."),
    QT_TR_NOOP(
        "{name} failed verification: the downloaded data does not match what the Hub published (sha256 "
        "{expected}, got {actual})."
    ),
    QT_TR_NOOP("The damaged file was deleted; download it again."),
    QT_TR_NOOP("Cannot create the folder {folder}: {reason}."),
    QT_TR_NOOP("The connection closed early while downloading {what}."),
    QT_TR_NOOP("The server sent the wrong part of {name}."),
    QT_TR_NOOP("The Hub sent more data than {name} should have."),
    QT_TR_NOOP("The connection dropped while downloading {what}: {reason}."),
    QT_TR_NOOP("The Hub keeps refusing byte ranges of {name}."),
    # app.core.models: fit badges and estimates, the catalog
    QT_TR_NOOP("GPU"),
    QT_TR_NOOP("CPU"),
    QT_TR_NOOP("Too big"),
    QT_TR_NOOP("CPU, slow on this computer"),
    QT_TR_NOOP("Spread over {count} computers"),
    QT_TR_NOOP("Partial GPU {layers}/{total} layers"),
    QT_TR_NOOP("{layers}/{total} layers on {computers}"),
    QT_TR_NOOP("1 other computer"),
    QT_TR_NOOP("{count} other computers"),
    QT_TR_NOOP("GPU memory"),
    QT_TR_NOOP("shared memory"),
    QT_TR_NOOP("1 other computer's memory"),
    QT_TR_NOOP("{count} other computers' memory"),
    QT_TR_NOOP("the GPU's and 1 other computer's memory"),
    QT_TR_NOOP("the GPU's and {count} other computers' memory"),
    QT_TR_NOOP("Fits in {where}: needs {size} of {free} free."),
    QT_TR_NOOP("Fits with {layers} of {total} layers on the GPU ({gpu}) and the rest in RAM ({ram})."),
    QT_TR_NOOP("Fits with {layers} of {total} layers in {where} ({gpu}) and the rest in RAM ({ram})."),
    QT_TR_NOOP("Runs on the CPU: needs {size} of {free} free RAM."),
    QT_TR_NOOP("Too big: needs about {size} with a {tokens}-token context; this machine has {free} free."),
    QT_TR_NOOP("The model catalog is missing ({path})."),
    QT_TR_NOOP("The model catalog is malformed: {reason}"),
    QT_TR_NOOP("The model catalog {path} is not valid JSON: {reason}"),
    # app.core.chat, app.core.store
    QT_TR_NOOP("The model's chat template failed: {reason}"),
    QT_TR_NOOP("not a Ponder chat export"),
    QT_TR_NOOP("not JSON: {reason}"),
    QT_TR_NOOP("unsupported chat export version {version}"),
    QT_TR_NOOP("chat export without chat or messages"),
    QT_TR_NOOP("malformed chat export: {reason}"),
    QT_TR_NOOP("{path} already exists"),
    QT_TR_NOOP("copy of the database in {folder} did not verify ({check})"),
    QT_TR_NOOP("database schema version {version} is newer than this app supports ({supported})"),
)


def chat_title(title: str) -> str:
    """A chat's title as shown: an untitled chat's name in the window's language."""
    return tr("New chat") if not title or title == DEFAULT_TITLE else title


def compile_templates() -> None:
    """Compile the templates' patterns now. The first message shown would otherwise pay for
    it on the GUI thread: 20 to 30 ms on a laptop CPU. The startup warm-up calls this off it."""
    _patterns()


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    # The most specific first: "1 other computer" before "{count} other computers".
    ranked = sorted(TEMPLATES, key=lambda t: len(_FIELD.sub("", t)), reverse=True)
    return tuple((_pattern(t), t) for t in ranked)


def _pattern(template: str) -> re.Pattern[str]:
    seen: set[str] = set()
    parts: list[str] = []
    last = 0
    for field in _FIELD.finditer(template):
        parts.append(re.escape(template[last : field.start()]))
        name = field.group(1)
        parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        last = field.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts), re.DOTALL)


def _whole(text: str) -> str | None:
    for pattern, template in _patterns():
        found = pattern.fullmatch(text)
        if found is not None:
            fields = {k: _field(v) for k, v in found.groupdict().items()}
            return tr(template).format(**fields)
    return None


def _field(text: str) -> str:
    """A field's text: a list item by item, a known message or phrase, else as is."""
    items = text.split(", ")
    if len(items) > 1:  # a list: each item known, or the list is not one
        shown = [_whole(item) for item in items]
        if all(shown):
            return tr(", ", "between the items of a list").join(s or "" for s in shown)
    return _whole(text) or text


def from_core(text: str) -> str:
    """``text`` (a message of the core or an engine) in the window's language, as far as known."""
    text = text.strip()
    if not text:
        return text
    whole = _whole(text)
    if whole is not None:
        return whole
    sentences = _SENTENCE_END.split(text)
    if len(sentences) == 1:
        return text
    out = ""
    for sentence in sentences:
        piece = _whole(sentence) or sentence
        out += piece if not out or _CJK_END.search(out) else " " + piece
    return out
