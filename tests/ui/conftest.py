"""GUI tests: real widgets offscreen and a real engine process (Qt warnings and leftover
processes fail any test: see tests/conftest.py)."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so that `tests.ui.driver` imports however pytest is run
    sys.path.insert(0, str(ROOT))

from app.core.store.settings import ModelLoad  # noqa: E402
from app.ui.common.collector import COLLECTOR  # noqa: E402
from app.ui.common.i18n import install_language  # noqa: E402
from app.ui.common.prefs import Preferences  # noqa: E402
from app.ui.common.qt import QApplication  # noqa: E402
from app.ui.common.theme import ThemeManager  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402


@pytest.fixture(autouse=True)
def ponder_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings go to a fresh folder, never the user's."""
    home = tmp_path / "ponder-home"
    monkeypatch.setenv("PONDER_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def gui_collector(qapp: QApplication) -> Iterator[None]:
    """Garbage is collected on the GUI thread only, as in the app (app/ui/common/collector.py);
    the tests outside tests/ui keep Python's automatic collection."""
    COLLECTOR.install(qapp)
    yield
    COLLECTOR.uninstall()


@pytest.fixture(scope="session", autouse=True)
def english(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The window in English, as the app installs it (its plural forms come from a translation,
    which a checkout compiles into PONDER_HOME's cache: a session folder here)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PONDER_HOME", str(tmp_path_factory.mktemp("i18n-home")))
        return install_language(qapp, "en")


@pytest.fixture(scope="session")
def theme(qapp: QApplication) -> ThemeManager:
    return ThemeManager(qapp, "light")


@pytest.fixture
def prefs() -> Preferences:
    p = Preferences()
    p.set_default_load(ModelLoad(n_ctx=2048, n_gpu_layers=0))
    return p


@pytest.fixture
def window(qtbot: object, theme: ThemeManager, prefs: Preferences) -> Iterator[MainWindow]:
    """The main window with its own engine; the engine must be gone afterwards."""
    w = MainWindow(theme, prefs)
    w.show()
    yield w
    w.shutdown()
    client = w.bridge.engine
    assert not client.alive, "engine process left running"
    w.close()
    w.deleteLater()
    assert not [p for p in multiprocessing.active_children() if p.name == "ponder-engine"]


@pytest.fixture
def make_window(qtbot: object, theme: ThemeManager) -> Iterator[Callable[[], MainWindow]]:
    """More windows on the test's PONDER_HOME (a restart is a new window on the same folder);
    each is shut down afterwards, engine and chat store included."""
    made: list[MainWindow] = []

    def make() -> MainWindow:
        prefs = Preferences()
        prefs.set_default_load(ModelLoad(n_ctx=2048, n_gpu_layers=0))
        w = MainWindow(theme, prefs)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        w.shutdown()
        assert not w.bridge.engine.alive, "engine process left running"
        w.close()
        w.deleteLater()
