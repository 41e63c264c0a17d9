"""The Settings dialog's "Language" page: the window's language, applied at the next start."""

from __future__ import annotations

from app.core.store.settings import Language
from app.ui.common.i18n import LANGUAGES, resolve_language, tr
from app.ui.common.qt import QComboBox, QFormLayout, QLabel, QLocale, QWidget


class LanguagePage(QWidget):
    def __init__(self, current: Language, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = current
        self.choice = QComboBox()
        self.choice.setAccessibleName(tr("Language"))
        system = LANGUAGES[resolve_language("system", QLocale.system().uiLanguages())]
        self.choice.addItem(tr("As the system ({language})").format(language=system), "system")
        for code, name in LANGUAGES.items():  # each language named in itself
            self.choice.addItem(name, code)
        self.choice.setCurrentIndex(max(0, self.choice.findData(current)))
        self.choice.currentIndexChanged.connect(self._changed)
        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(tr("Language"), self.choice)
        form.addRow(self.note)
        self._changed()

    def language(self) -> Language:
        chosen = self.choice.currentData()
        return chosen if chosen in ("system", *LANGUAGES) else "system"

    def _changed(self) -> None:
        changed = self.language() != self.current
        self.note.setText(
            tr("Ponder shows the new language when it next starts.")
            if changed
            else tr("Numbers and sizes follow the language too.")
        )
