"""Models in the main window: the Models window (Ctrl+M), its button and menu entry, the welcome.

The window creates one :class:`ModelsFeature` before it lays itself out, places ``button``
in its top bar and ``welcome`` next to the conversation (so the tab order follows the
layout), and calls :meth:`shutdown` when it closes; the rest is wired here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.ui.common.icons import set_icon
from app.ui.library.dialog import ModelsDialog
from app.ui.library.service import ModelsService
from app.ui.library.welcome import WelcomePanel
from app.ui.common.model_state import ModelState
from app.ui.common.qt import QAction, QKeySequence, QObject, Qt, QToolButton

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

SHORTCUT = "Ctrl+M"


class ModelsFeature(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.service = ModelsService(lambda: window.prefs.default_load().n_ctx, self, prefs=window.prefs)
        self.dialog: ModelsDialog | None = None
        self._welcome_over = False  # once a model loads, the welcome does not come back

        self.action = QAction("Models…", window)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setToolTip(f"Models: library, catalog, search and downloads ({SHORTCUT})")
        self.action.triggered.connect(lambda _checked=False: self.open_dialog())
        window.addAction(self.action)
        self.button = QToolButton()
        self.button.setObjectName("modelsButton")
        self.button.setText("Models")
        self.button.setAccessibleName("Models")
        self.button.setToolTip(self.action.toolTip())
        self.button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_icon(self.button, "models")
        self.button.clicked.connect(lambda _checked=False: self.open_dialog())
        self.welcome = WelcomePanel(self.service)
        self.welcome.hide()
        self.welcome.choose_requested.connect(lambda: self.open_dialog("catalog"))
        self.welcome.open_file_requested.connect(window.open_model_dialog)
        # After the picker fills its menu (slots run in connection order), add "Models…".
        window.picker.menu.aboutToShow.connect(self._extend_picker_menu)

        self.service.open_requested.connect(window.load_model)
        self.service.library_changed.connect(self._check_welcome)
        window.models.changed.connect(self._check_welcome)
        # Going to a stored chat (a click, a search hit) leaves the welcome for good.
        window.sidebar.selected.connect(self.dismiss_welcome)
        window.sidebar.open_result.connect(self.dismiss_welcome)
        self.service.probe()
        self.service.refresh_library()

    # ---- the Models window ---------------------------------------------------------
    def _extend_picker_menu(self) -> None:
        menu = self.window.picker.menu
        actions = menu.actions()
        if len(actions) > 1:
            menu.insertAction(actions[1], self.action)
        else:
            menu.addAction(self.action)

    def open_dialog(self, tab: str | None = None) -> ModelsDialog:
        if self.dialog is None:
            self.dialog = ModelsDialog(self.service, lambda: self.window.models.path, self.window)
            self.dialog.load_requested.connect(self.window.load_model)
            self.dialog.fit_to(self.window)
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
        if w.models.state is not ModelState.NONE:
            self._welcome_over = True
        wanted = (
            not self._welcome_over
            and self.service.scanned
            and not self.service.models
            and not w.prefs.last_model
        )
        if wanted == self.welcome.isHidden():
            self.welcome.setVisible(wanted)
            w.conversation.setVisible(not wanted)

    def dismiss_welcome(self, *_chat: str) -> None:
        """The user went to a stored chat: show it, and leave the welcome for good."""
        self._welcome_over = True
        self._check_welcome()

    # ---- lifetime --------------------------------------------------------------------
    def shutdown(self) -> None:
        if self.dialog is not None:
            self.dialog.hide()
        self.service.shutdown()
