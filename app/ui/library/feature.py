"""Models in the main window: the Models window (Ctrl+M), its button and menu entry, the welcome.

The window hands it a :class:`ModelsWindow`, the few parts of the window it works with; the
feature never sees the window itself. The window creates the feature before it lays itself
out and places ``button`` in its top bar and ``welcome`` next to the conversation (so the
tab order follows the layout), and calls :meth:`ModelsFeature.shutdown` when it closes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.ui.common.i18n import tr
from app.ui.common.icons import set_icon
from app.ui.common.model_state import ModelState
from app.ui.common.prefs import Preferences
from app.ui.common.qt import QAction, QKeySequence, QObject, Qt, QToolButton, QWidget
from app.ui.library.dialog import ModelsDialog
from app.ui.library.service import ModelsService
from app.ui.library.welcome import WelcomePanel

SHORTCUT = "Ctrl+M"


@dataclass(frozen=True, slots=True)
class ModelsWindow:
    """What the Models feature uses of the window, and nothing more."""

    widget: QWidget  # the parent of the Models window; its shortcut works anywhere in it
    prefs: Preferences
    add_model_action: Callable[[QAction], None]  # in the model menu, after "Open model…"
    model_state: Callable[[], ModelState]
    loaded_model: Callable[[], str | None]  # the path of the model loaded, if any
    load_model: Callable[[str], None]
    open_model_file: Callable[[], None]  # "Open model…": the file picker
    show_conversation: Callable[[bool], None]  # False while the welcome takes its place
    on_model_changed: Callable[[Callable[[], None]], object]  # call this when the model changes
    on_chat_opened: Callable[[Callable[..., None]], object]  # ... when the user goes to a stored chat


class ModelsFeature(QObject):
    def __init__(self, window: ModelsWindow) -> None:
        super().__init__(window.widget)
        self.window = window
        prefs = window.prefs
        self.service = ModelsService(lambda: prefs.default_load().n_ctx, self, prefs=prefs)
        self.dialog: ModelsDialog | None = None
        self._welcome_over = False  # once a model loads, the welcome does not come back

        self.action = QAction(tr("Models…"), window.widget)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setToolTip(
            tr("Models: library, catalog, search and downloads ({keys})").format(keys=SHORTCUT)
        )
        self.action.triggered.connect(lambda _checked=False: self.open_dialog())
        window.add_model_action(self.action)
        self.button = QToolButton()
        self.button.setObjectName("modelsButton")
        self.button.setText(tr("Models"))
        self.button.setAccessibleName(tr("Models"))
        self.button.setToolTip(self.action.toolTip())
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_icon(self.button, "models")
        self.button.clicked.connect(lambda _checked=False: self.open_dialog())
        self.welcome = WelcomePanel(self.service)
        self.welcome.hide()
        self.welcome.choose_requested.connect(lambda: self.open_dialog("catalog"))
        self.welcome.open_file_requested.connect(window.open_model_file)

        self.service.open_requested.connect(window.load_model)
        self.service.library_changed.connect(self._check_welcome)
        window.on_model_changed(self._check_welcome)
        # Going to a stored chat (a click, a search hit) leaves the welcome for good.
        window.on_chat_opened(self.dismiss_welcome)
        self.service.probe()
        self.service.refresh_library()

    # ---- the Models window ---------------------------------------------------------
    def open_dialog(self, tab: str | None = None) -> ModelsDialog:
        if self.dialog is None:
            widget = self.window.widget
            self.dialog = ModelsDialog(self.service, self.window.loaded_model, widget)
            self.dialog.load_requested.connect(self.window.load_model)
            self.dialog.fit_to(widget)
            tab = tab or ("library" if self.service.models else "catalog")
        self.service.refresh_library()
        self.service.probe()  # free memory changes; the fits follow
        if tab:
            self.dialog.show_tab(tab)
        self.dialog.show()
        self.dialog.activateWindow()  # brings it forward on every platform that allows it
        return self.dialog

    def gpu_note(self) -> str:
        return self.service.gpu_note()

    # ---- the welcome -----------------------------------------------------------------
    def _check_welcome(self) -> None:
        w = self.window
        if w.model_state() is not ModelState.NONE:
            self._welcome_over = True
        wanted = (
            not self._welcome_over
            and self.service.scanned
            and not self.service.models
            and not w.prefs.last_model
        )
        if wanted == self.welcome.isHidden():
            self.welcome.setVisible(wanted)
            w.show_conversation(not wanted)

    def dismiss_welcome(self, *_chat: str) -> None:
        """The user went to a stored chat: show it, and leave the welcome for good."""
        self._welcome_over = True
        self._check_welcome()

    # ---- lifetime --------------------------------------------------------------------
    def shutdown(self) -> None:
        if self.dialog is not None:
            self.dialog.hide()
        self.service.shutdown()
