"""Per-chat settings: the system prompt (with presets from the settings file) and the model
the chat remembers."""

from __future__ import annotations

from collections.abc import Callable

from app.ui.common.core_text import chat_title
from app.ui.common.i18n import tr
from app.ui.common.model_state import model_name
from app.ui.common.prefs import Preferences
from app.ui.common.qt import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ChatSettingsDialog(QDialog):
    """Edits one chat's system prompt; ``system_prompt()`` is the result when accepted.

    Saving a preset writes it into the preferences (the caller saves them)."""

    def __init__(
        self,
        prefs: Preferences,
        title: str,
        system_prompt: str,
        model: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Chat settings — {title}").format(title=chat_title(title)))
        self.setAccessibleName(tr("Chat settings"))
        self.prefs = prefs
        self.prompt = QPlainTextEdit(system_prompt)
        self.prompt.setAccessibleName(tr("System prompt"))
        self.prompt.setPlaceholderText(
            tr("Instructions the model sees before this chat, e.g. “Answer briefly.”")
        )
        # A push button leaves room for its menu arrow whatever the text's length (a tool
        # button drew it over the last character of a two-character label).
        self.presets_button = QPushButton(tr("Presets"))
        self.presets_button.setAccessibleName(tr("System prompt presets"))
        self.presets_button.setAutoDefault(False)
        self.presets_menu = QMenu(self.presets_button)
        self.presets_button.setMenu(self.presets_menu)
        self.preset_name = QLineEdit()
        self.preset_name.setAccessibleName(tr("Preset name"))
        self.preset_name.setPlaceholderText(tr("Name"))
        self.save_preset_button = QPushButton(tr("Save as preset"))
        self.save_preset_button.setAccessibleName(tr("Save as preset"))
        self.save_preset_button.clicked.connect(lambda _checked=False: self.save_preset())
        self._fill_presets()

        presets = QHBoxLayout()
        presets.addWidget(self.presets_button)
        presets.addStretch(1)
        presets.addWidget(self.preset_name)
        presets.addWidget(self.save_preset_button)
        form = QFormLayout()
        used = QLabel(model_name(model) if model else tr("None yet (the model loaded when you send)"))
        used.setObjectName("hint")
        used.setAccessibleName(tr("Model used"))
        form.addRow(tr("Model"), used)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(tr("System prompt")))
        layout.addWidget(self.prompt, 1)
        layout.addLayout(presets)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def _fill_presets(self) -> None:
        self.presets_menu.clear()
        self.presets_menu.addAction(tr("None", "no system prompt preset"), self._setter(""))
        for name, text in sorted(self.prefs.settings.system_prompts.items()):
            self.presets_menu.addAction(name, self._setter(text))

    def _setter(self, text: str) -> Callable[[], None]:
        return lambda: self.prompt.setPlainText(text)

    def preset_names(self) -> list[str]:
        return [a.text() for a in self.presets_menu.actions()]

    def apply_preset(self, name: str) -> None:
        for action in self.presets_menu.actions():
            if action.text() == name:
                action.trigger()
                return

    def save_preset(self) -> None:
        name = self.preset_name.text().strip()
        text = self.system_prompt()
        if not name or not text:
            return
        self.prefs.settings.system_prompts[name] = text
        self.preset_name.clear()
        self._fill_presets()

    def system_prompt(self) -> str:
        return self.prompt.toPlainText().strip()
