"""The Settings dialog's "Chats" page: where the chat database lives, and moving it.

Choosing a folder only records the wish; the window moves the database when the dialog is
accepted (see :meth:`app.ui.history.feature.ChatHistory.move_data_folder`).
"""

from __future__ import annotations

from pathlib import Path

from app.ui.common.i18n import tr
from app.ui.common.qt import QFileDialog, QLabel, QPushButton, Qt, QVBoxLayout, QWidget


class DataFolderBox(QWidget):
    def __init__(self, current: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = current
        self.chosen: str | None = None
        intro = QLabel(tr("Your chats are kept in one database file in this folder:"))
        intro.setWordWrap(True)
        self.path_label = QLabel(str(current))
        self.path_label.setAccessibleName(tr("Data folder"))
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton(tr("Move to another folder…"))
        self.choose_button.setAccessibleName(tr("Move chats to another folder"))
        self.choose_button.clicked.connect(lambda _checked=False: self.ask())
        self.note = QLabel(tr("The database is copied, checked, and only then removed from here."))
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.path_label)
        layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def ask(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Move chats to"), str(self.current))
        if folder:
            self.choose(folder)

    def choose(self, folder: str) -> None:
        if Path(folder).resolve() == self.current.resolve():
            self.chosen = None
            self.note.setText(tr("That is where the chats are now."))
            return
        self.chosen = folder
        self.note.setText(tr("The chats move to {folder} when you press OK.").format(folder=folder))
