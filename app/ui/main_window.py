"""The main window: sidebar, conversation, composer, toolbar; wiring and shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.core.chat.chats import ChatRepository
from app.ui.chat.composer import ANSWER_NOW_KEYS, Composer
from app.ui.chat.controller import ChatController
from app.ui.chat.conversation import MAX_WIDTH, ConversationView, centred
from app.ui.chat.model_picker import ModelPicker
from app.ui.chat.presenter import ConversationPresenter
from app.ui.common.banner import Banner
from app.ui.common.bridge import EngineBridge
from app.ui.common.bus import MessageBus
from app.ui.common.core_text import chat_title
from app.ui.common.drops import gguf_paths
from app.ui.common.i18n import QT_TR_NOOP, tr
from app.ui.common.icons import retint, set_icon
from app.ui.common.model_state import ModelManager, ModelState
from app.ui.common.prefs import Preferences
from app.ui.common.qt import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QKeySequence,
    QMainWindow,
    QShortcut,
    QSizePolicy,
    QSplitter,
    Qt,
    QTimer,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from app.ui.common.theme import ThemeManager
from app.ui.history.feature import ChatHistory, HistoryWindow
from app.ui.history.sidebar import Sidebar
from app.ui.history.store_chats import open_chats
from app.ui.library.feature import ModelsFeature, ModelsWindow
from app.ui.settings.dialog import SettingsDialog
from app.ui.settings.server_page import WindowServer

WELCOME = QT_TR_NOOP("Ask anything.\nThe model runs on this computer; nothing leaves it.")
NO_MODEL = QT_TR_NOOP("Open a model to begin: Model ▸ Open model…, or drop a .gguf file here.")
HANDLE_REACH = 3  # pixels a splitter's 1-pixel handle reaches over the conversation beside it


@dataclass(frozen=True, slots=True)
class WindowDriver:
    """The window as a script uses it (the self-test, run_app's test hook): the widget to find
    controls in by their accessible names, and what a user sees of the model and the reply."""

    widget: QWidget
    load_model: Callable[[str], None]
    model_ready: Callable[[], bool]
    model_problem: Callable[[], str | None]  # why the model failed or crashed ("" unsaid); else None
    thinking_support: Callable[[], str]  # "hybrid", "always" or "never"
    replying: Callable[[], bool]
    on_model_changed: Callable[[Callable[[], None]], object]  # call this when the model changes
    open_chat: Callable[[str], None]
    send: Callable[[str], None]  # type the text in the composer and press Send
    shutdown: Callable[[], None]


class MainWindow(QMainWindow):
    def __init__(
        self,
        theme: ThemeManager,
        prefs: Preferences | None = None,
        repo: ChatRepository | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ponder")
        self.setAcceptDrops(True)
        self.theme = theme
        self.prefs = prefs or Preferences()
        self.bus = MessageBus(self)
        self.repo: ChatRepository = repo or open_chats(
            self.prefs.settings.database_path(), self._store_problem
        )
        self.bridge = EngineBridge(self)
        self.server = WindowServer(self.bridge, self, self.prefs)  # Settings ▸ Server
        self.models = ModelManager(self.bridge, self.prefs, self.bus, self)
        self._closed = False

        self.sidebar = Sidebar()
        self.banner = Banner(self.bus)
        self.conversation = ConversationView()
        self.composer = Composer()
        self.presenter = ConversationPresenter(self.conversation, lambda: self.theme.render_theme, self)
        self.controller = ChatController(
            self.bridge, self.models, self.repo, self.prefs, self.bus, self.presenter, self
        )
        self.controller.on_open_model = self.open_model_dialog
        self.controller.on_new_chat = self.new_chat
        self.models.on_open = self.open_model_dialog
        self.picker = ModelPicker(self.models, self.prefs)
        self.models_feature = ModelsFeature(  # Models window (Ctrl+M), first-run welcome
            ModelsWindow(
                widget=self,
                prefs=self.prefs,
                add_model_action=self._add_model_action,
                model_state=lambda: self.models.state,
                loaded_model=lambda: self.models.path,
                load_model=self.load_model,
                open_model_file=self.open_model_dialog,
                show_conversation=self.conversation.setVisible,
                on_model_changed=self.models.changed.connect,
                on_chat_opened=self._on_chat_opened,
            )
        )
        self._build_layout()
        self._connect()
        self._shortcuts()
        self.history = ChatHistory(  # persisted chats: search, pin, chat settings, export/import
            HistoryWindow(
                widget=self,
                repo=self.repo,
                bus=self.bus,
                prefs=self.prefs,
                sidebar=self.sidebar,
                current_chat=lambda: self.controller.chat,
                replying=lambda: self.controller.generating,
                show_chat=self.select_chat,
                refresh_chats=self._refresh_sidebar,
                reveal=self.presenter.reveal,
                loaded_model=lambda: self.models.path,
                load_model=self.load_model,
            )
        )
        top = self.settings_button.parentWidget()
        top_bar = top.layout() if top is not None else None
        if isinstance(top_bar, QHBoxLayout):  # the chat menu goes before Settings
            top_bar.insertWidget(top_bar.indexOf(self.settings_button), self.history.menu_button)
        self.new_chat()
        self._model_changed()
        self.resize(1280, 800)

    # -- building ----------------------------------------------------------------------
    def _build_layout(self) -> None:
        top = QFrame()
        top.setObjectName("topBar")
        bar = QHBoxLayout(top)
        bar.setContentsMargins(10, 6, 10, 6)
        bar.setSpacing(8)
        bar.addWidget(self.picker)
        bar.addStretch(1)
        self.settings_button = QToolButton()
        self.settings_button.setObjectName("settingsButton")
        self.settings_button.setText(tr("Settings"))
        self.settings_button.setAccessibleName(tr("Settings"))
        self.settings_button.setToolTip(tr("Settings (Ctrl+,)"))
        self.settings_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.settings_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        set_icon(self.settings_button, "settings")
        self.settings_button.clicked.connect(self.open_settings)
        bar.addWidget(self.models_feature.button)
        bar.addWidget(self.settings_button)

        right = QWidget()
        right.setObjectName("mainArea")
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.conversation, 1)
        column.addWidget(self.models_feature.welcome, 1)  # shown instead of it on a first run
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(24, 4, 24, 16)
        self.composer.setMaximumWidth(MAX_WIDTH)
        self.composer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        holder_layout.addLayout(centred(self.composer))
        column.addWidget(holder)

        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.sidebar.setMinimumWidth(180)
        self.sidebar.setMaximumWidth(420)
        self.splitter.setSizes([250, 1030])
        # Qt widens a 1-pixel handle to 5 pixels, over both of its neighbours.
        self.conversation.keep_clear_left(HANDLE_REACH)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(top)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _connect(self) -> None:
        self.bridge.received.connect(self.models.on_event)
        self.bridge.received.connect(self.controller.on_event)
        self.models.changed.connect(self._model_changed)
        self.picker.open_requested.connect(self.open_model_dialog)
        self.picker.load_requested.connect(self.load_model)
        self.picker.reload_requested.connect(self.models.reload)
        self.picker.servers_requested.connect(lambda: self.open_settings(engines=True))
        self.models_feature.welcome.connect_requested.connect(lambda: self.open_settings(engines=True))
        self.composer.send.connect(self._send)
        self.composer.stop.connect(self.controller.stop)
        self.composer.answer_now.connect(self.controller.answer_now)
        self.controller.reasoning_changed.connect(self.composer.set_reasoning)
        self.controller.context_changed.connect(self.composer.set_context)
        self.models.changed.connect(self.controller.model_changed)
        self.composer.think_changed.connect(self._options_changed)
        self.composer.budget_changed.connect(self._options_changed)
        self.controller.generating_changed.connect(self.composer.set_generating)
        self.controller.chats_changed.connect(self._refresh_sidebar)
        self.sidebar.new_chat.connect(self.new_chat)
        self.sidebar.selected.connect(self.select_chat)
        self.sidebar.rename.connect(self._rename_chat)
        self.sidebar.delete.connect(self.delete_chat)
        self.theme.changed.connect(self._theme_changed)

    def _shortcuts(self) -> None:
        def shortcut(keys: str, slot: object) -> None:
            s = QShortcut(QKeySequence(keys), self)
            s.setContext(Qt.ShortcutContext.WindowShortcut)
            s.activated.connect(slot)

        shortcut("Ctrl+N", self.new_chat)
        shortcut("Ctrl+F", self.sidebar.focus_search)
        shortcut("Ctrl+T", self.composer.toggle_thinking)
        shortcut("Ctrl+L", self.focus_composer)
        shortcut("Ctrl+O", self.open_model_dialog)
        shortcut("Ctrl+,", self.open_settings)
        shortcut("Escape", self.controller.stop)
        shortcut(ANSWER_NOW_KEYS, self.controller.answer_now)

    # -- chats -------------------------------------------------------------------------
    def new_chat(self) -> None:
        current = self.controller.chat
        if current is not None and not current.entries:
            self.focus_composer()
            return
        chat = self.repo.create_chat()
        self.repo.set_options(chat.id, self.composer.thinking(), self.composer.budget.value())
        self._refresh_sidebar(chat.id)
        self.select_chat(chat.id)

    def select_chat(self, chat_id: str) -> None:
        chat = self.repo.get_chat(chat_id)
        if chat is None or chat is self.controller.chat:
            return
        self.controller.open_chat(chat)
        self.composer.blockSignals(True)
        self.composer.set_thinking(chat.think)
        self.composer.budget.set_value(chat.budget)
        self.composer.blockSignals(False)
        self.sidebar.select(chat.id)  # opening changes no title or order: no rebuild
        self._update_title()
        self.focus_composer()

    def delete_chat(self, chat_id: str) -> None:
        chat = self.repo.get_chat(chat_id)
        if chat is None:
            return
        self.controller.delete_chat(chat_id)
        if self.controller.chat is chat:
            self.controller.open_chat(None)
            remaining = self.repo.list_chats()
            if remaining:
                self.select_chat(remaining[0].id)
            else:
                self.new_chat()
        self._refresh_sidebar()
        self.bus.info(
            tr("Deleted “{title}”.").format(title=chat_title(chat.title)),
            tr("Undo"),
            lambda: self._undo_delete(chat_id),
            key="chat",
        )

    def _undo_delete(self, chat_id: str) -> None:
        self.repo.restore_chat(chat_id)
        self._refresh_sidebar()
        self.select_chat(chat_id)

    def _rename_chat(self, chat_id: str, title: str) -> None:
        self.repo.rename_chat(chat_id, title)
        self._refresh_sidebar()
        self._update_title()

    def _refresh_sidebar(self, current: str | None = None) -> None:
        chat = self.controller.chat
        self.sidebar.set_chats(self.repo.list_chats(), current or (chat.id if chat else None))
        self._update_title()

    def _update_title(self) -> None:
        chat = self.controller.chat
        self.setWindowTitle(f"{chat_title(chat.title)} — Ponder" if chat and chat.entries else "Ponder")

    def _options_changed(self, *_args: object) -> None:
        chat = self.controller.chat
        if chat is not None:
            self.repo.set_options(chat.id, self.composer.thinking(), self.composer.budget.value())

    def _send(self, text: str) -> None:
        if self.controller.send(text, self.composer.thinking(), self.composer.budget.value()):
            self.composer.clear()

    def focus_composer(self) -> None:
        self.composer.edit.setFocus()

    def _on_chat_opened(self, slot: Callable[..., None]) -> None:
        """``slot`` runs when the user goes to a stored chat: a click in the list, a search hit."""
        self.sidebar.selected.connect(slot)
        self.sidebar.open_result.connect(slot)

    # -- models ------------------------------------------------------------------------
    def open_model_dialog(self) -> None:
        start = str(Path(self.models.path).parent) if self.models.path else str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(
            self, tr("Open model"), start, tr("GGUF models (*.gguf);;All files (*)")
        )
        if path:
            self.load_model(path)

    def load_model(self, path: str) -> None:
        if self.controller.generating:
            self.controller.stop()
        self.models.load(path)

    def _add_model_action(self, action: QAction) -> None:
        """A window-wide action (its shortcut) that the model menu lists after "Open model…"."""
        self.addAction(action)
        menu = self.picker.menu

        def extend() -> None:  # connected after the picker's own filling: slots run in that order
            actions = menu.actions()
            if len(actions) > 1:
                menu.insertAction(actions[1], action)
            else:
                menu.addAction(action)

        menu.aboutToShow.connect(extend)

    def _model_changed(self) -> None:
        m = self.models
        self.composer.set_thinking_support(m.thinking_support)
        if m.state is ModelState.READY and self.controller.chat is not None:
            self.composer.set_thinking(self.controller.chat.think)
        self.conversation.set_placeholder(
            tr(WELCOME) if m.state in (ModelState.READY, ModelState.LOADING) else tr(NO_MODEL)
        )

    def settings_dialog(self, *, engines: bool = False) -> SettingsDialog:
        dialog = SettingsDialog(
            self.prefs,
            self.models.path,
            self,
            gpu_note=self.models_feature.gpu_note(),
            servers=self.bridge.servers,
            server=self.server,
            model_info=self.models.loaded.info if self.models.loaded is not None else None,
        )
        if engines:  # "Connect to a server…"
            dialog.tabs.setCurrentWidget(dialog.engines)
        return dialog

    def open_settings(self, engines: bool = False) -> None:
        dialog = self.settings_dialog(engines=engines)
        if dialog.exec():
            dialog.apply()
            problem = self.prefs.save()
            if problem:
                self.bus.warning(problem, key="settings")
            if dialog.data_folder.chosen:
                self.history.move_data_folder(dialog.data_folder.chosen)

    # -- drag and drop -----------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if gguf_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = gguf_paths(event)
        if paths:
            event.acceptProposedAction()
            self.load_model(paths[0])

    # -- look and lifetime -------------------------------------------------------------
    def _theme_changed(self, _name: str) -> None:
        retint(self)
        self.presenter.set_theme()

    def driver(self) -> WindowDriver:
        m = self.models
        return WindowDriver(
            widget=self,
            load_model=self.load_model,
            model_ready=lambda: m.ready,
            model_problem=lambda: m.error if m.state in (ModelState.FAILED, ModelState.CRASHED) else None,
            thinking_support=lambda: m.thinking_support,
            replying=lambda: self.controller.generating,
            on_model_changed=m.changed.connect,
            open_chat=self.select_chat,
            send=self._type_and_send,
            shutdown=self.shutdown,
        )

    def _type_and_send(self, text: str) -> None:
        self.composer.edit.setPlainText(text)
        self.composer.send_button.click()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the engine and save settings (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        self.controller.stop()
        self.controller.abandon()  # a reply still streaming is saved as stopped
        self.models_feature.shutdown()
        self.server.shutdown()
        self.presenter.shutdown()
        self.bridge.close()
        self.prefs.save()
        self.repo.close()

    def _store_problem(self, text: str) -> None:
        QTimer.singleShot(0, self, lambda: self.bus.error(text, key="store"))
