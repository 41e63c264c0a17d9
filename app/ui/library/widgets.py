"""Small parts the models window's tabs share: cards in a scrolling list, badges, a token field."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from app.core.models.fit import CPU_ACTIVE_LIMIT, Fit
from app.ui.common.core_text import from_core
from app.ui.common.drops import gguf_paths
from app.ui.common.i18n import number, tr
from app.ui.common.qt import (
    QDragEnterEvent,
    QDropEvent,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


def label(text: str = "", name: str = "", *, wrap: bool = True, selectable: bool = False) -> QLabel:
    """A plain-text label (never rich text: names come from the Hub)."""
    lab = QLabel(text)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setWordWrap(wrap)
    if name:
        lab.setObjectName(name)
    if wrap:
        lab.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    if selectable:
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


def button(
    text: str, accessible: str, slot: Callable[[], object] | None = None, *, name: str = ""
) -> QPushButton:
    b = QPushButton(text)
    b.setAccessibleName(accessible)
    b.setAutoDefault(False)
    if name:
        b.setObjectName(name)
    if slot is not None:
        b.clicked.connect(lambda _checked=False: slot())
    return b


class FitBadge(QLabel):
    """GPU / partial GPU / CPU / too big for this machine; the estimate as the tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fitBadge")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.set_fit(None)

    def set_fit(self, fit: Fit | None, pending: str = "") -> None:
        self.fit = fit
        text = from_core(fit.badge) if fit else pending or tr("Checking fit…")
        # The badge's verdict holds for one context size: say which.
        detail = (
            tr("{estimate} (at a {tokens}-token context)").format(
                estimate=from_core(fit.message), tokens=number(fit.estimate.n_ctx)
            )
            if fit
            else ""
        )
        self.setText(text)
        self.setToolTip(detail)
        self.setAccessibleName(tr("Fit: {verdict}").format(verdict=text))
        self.setAccessibleDescription(detail)
        self.setProperty("verdict", str(fit.verdict) if fit else "unknown")
        self.setProperty("slow", bool(fit and fit.cpu_active_bytes > CPU_ACTIVE_LIMIT))
        repolish(self)


class Card(QFrame):
    """One entry of a :class:`CardList`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelCard")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)


class CardList(QScrollArea):
    """A scrolling column of cards with an empty-state line; optionally takes dropped .gguf files."""

    files_dropped = Signal(list)

    def __init__(self, accessible: str, empty: str, *, drops: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("cardList")
        self.setAccessibleName(accessible)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAcceptDrops(drops)
        self.viewport().setAcceptDrops(drops)  # drops land on the viewport
        inner = QWidget()
        inner.setObjectName("cardListContent")
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(2, 2, 8, 2)
        self.column.setSpacing(8)
        self.empty = label(empty, "emptyHint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.column.addWidget(self.empty)
        self.column.addStretch(1)
        self.setWidget(inner)
        self.cards: list[QWidget] = []

    def set_cards(self, cards: Sequence[QWidget]) -> None:
        for old in self.cards:
            self.column.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.cards = list(cards)
        for i, card in enumerate(self.cards):
            self.column.insertWidget(1 + i, card)
        self.empty.setVisible(not self.cards)

    def add_card(self, card: QWidget, *, first: bool = False) -> None:
        self.cards.insert(0 if first else len(self.cards), card)
        self.column.insertWidget(1 if first else len(self.cards), card)
        self.empty.hide()

    def move_first(self, card: QWidget) -> None:
        if card in self.cards and self.cards[0] is not card:
            self.cards.remove(card)
            self.cards.insert(0, card)
            self.column.removeWidget(card)
            self.column.insertWidget(1, card)

    def remove_card(self, card: QWidget) -> None:
        if card in self.cards:
            self.cards.remove(card)
            self.column.removeWidget(card)
            card.hide()
            card.deleteLater()
        self.empty.setVisible(not self.cards)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.acceptDrops() and gguf_paths(event):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDropEvent) -> None:
        if self.acceptDrops() and gguf_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = gguf_paths(event)
        if self.acceptDrops() and paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)


class TokenPrompt(QFrame):
    """Asks for a Hugging Face token in a password field; ``submitted`` hands it over once."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tokenPrompt")
        self.info = label(
            tr(
                "This repository needs a Hugging Face access token. Create a read token at "
                "huggingface.co/settings/tokens (and accept the model's terms there if it is gated), "
                "then paste it here. It is kept in the system's credential store (without one, for this "
                "session only) and never written to a file or a log."
            )
        )
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setPlaceholderText("hf_…")
        self.field.setAccessibleName(tr("Hugging Face token"))
        self.field.returnPressed.connect(self._submit)
        self.save = button(tr("Save token and retry"), tr("Save token"), self._submit)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.field, 1)
        row.addWidget(self.save)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 8, 10, 8)
        column.addWidget(self.info)
        column.addLayout(row)
        self.hide()

    def _submit(self) -> None:
        token = self.field.text().strip()
        if not token:
            self.field.setFocus()
            return
        self.field.clear()
        self.hide()
        self.submitted.emit(token)
