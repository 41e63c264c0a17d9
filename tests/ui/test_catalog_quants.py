"""The catalog's quant suggestions on a small computer (issue #11): never below Q3_K_M; a model
too slow here keeps a proper quant and its badge says it is slow. The hardware is the only
stand-in (a 2-core laptop without a GPU)."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.models.catalog import load_catalog
from app.core.models.hardware import Hardware
from app.ui.common.qt import QKeySequence
from app.ui.main_window import MainWindow

WAIT_MS = 60_000


@pytest.fixture
def laptop(monkeypatch: pytest.MonkeyPatch) -> Hardware:
    hw = Hardware(ram_total=32 * 10**9, ram_available=16 * 10**9, cpu_physical=2, cpu_logical=2)
    monkeypatch.setattr("app.ui.library.service.probe_hardware", lambda *_args, **_kwargs: (hw, False))
    return hw


def test_cards_never_suggest_below_q3_k_m(qtbot: Any, laptop: Hardware, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keySequence(window, QKeySequence("Ctrl+M"))
    dialog = window.models_feature.dialog
    assert dialog is not None
    dialog.show_tab("catalog")
    service = dialog.service
    qtbot.waitUntil(lambda: service.hardware is not None and not service.tasks.busy, timeout=WAIT_MS)
    catalog = load_catalog()
    lowest = catalog.quant_rank("Q3_K_M")
    for card in dialog.catalog.cards():
        assert catalog.quant_rank(card.files.quant) >= lowest, (card.model.id, card.files.quant)
    assert dialog.catalog.card("qwen3-8b").files.quant == "Q3_K_M"  # was Q2_K
    # Too slow at any proper quant: the default quant stays, and the badge says so.
    fourteen = dialog.catalog.card("qwen3-14b")
    assert fourteen.files.quant == fourteen.model.default_quant
    assert fourteen.badge.text() == "CPU, slow on this computer"
    dialog.close()


def test_with_auto_context_each_badge_assumes_the_context_its_model_would_load_with(
    qtbot: Any, window: MainWindow
) -> None:
    """Auto: a small model's badge is planned at its native 32,768 tokens, not a fixed size."""
    from app.core.store.settings import ModelLoad

    window.prefs.set_default_load(ModelLoad(n_ctx=0, n_gpu_layers=0))
    service = window.models_feature.service
    qtbot.waitUntil(lambda: service.hardware is not None, timeout=60_000)
    assert service.hardware is not None
    if (service.hardware.ram_available or 0) < 16 * 1024**3:
        pytest.skip("needs 16 GB of free RAM, like the project's machines")
    catalog = service.catalog
    assert catalog is not None
    small = catalog.resolve("qwen3-0.6b").model
    fit = service.fit(small, small.quant())
    assert fit is not None and fit.fits and fit.estimate.n_ctx == small.native_context == 32768
    assert service.planned_context() == 8192
