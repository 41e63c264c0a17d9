"""The thinking-budget slider: 256 to 32,768 tokens on a log scale, then "Unlimited"."""

from __future__ import annotations

import math

from app.ui.common.i18n import decimal, number, tr
from app.ui.common.qt import QHBoxLayout, QLabel, QSlider, Qt, QWidget, Signal

MIN_BUDGET = 256
MAX_BUDGET = 32768
STEPS_PER_DOUBLING = 4
_DOUBLINGS = round(math.log2(MAX_BUDGET / MIN_BUDGET))  # 7
LAST_STEP = _DOUBLINGS * STEPS_PER_DOUBLING  # 28 -> 32768
UNLIMITED_STEP = LAST_STEP + 1


def budget_at(step: int) -> int | None:
    """The budget for slider position ``step`` (None: unlimited), rounded to a tidy number."""
    if step >= UNLIMITED_STEP:
        return None
    step = max(0, step)
    raw = MIN_BUDGET * 2 ** (step / STEPS_PER_DOUBLING)
    unit = 64 if raw < 4096 else 256
    return int(round(raw / unit) * unit)


def step_for(budget: int | None) -> int:
    """The slider position closest to ``budget``."""
    if budget is None:
        return UNLIMITED_STEP
    budget = min(max(budget, MIN_BUDGET), MAX_BUDGET)
    return round(math.log2(budget / MIN_BUDGET) * STEPS_PER_DOUBLING)


def budget_label(budget: int | None) -> str:
    if budget is None:
        return tr("Unlimited")
    if budget >= 1024:
        k = budget / 1024
        return f"{decimal(k, 0)}k" if k >= 10 or k == int(k) else f"{decimal(k, 1)}k"
    return str(budget)


class BudgetSlider(QWidget):
    """A slider and the value it stands for; ``value`` is tokens or None for unlimited."""

    changed = Signal(object)  # int | None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName(tr("Thinking budget"))
        self.slider.setRange(0, UNLIMITED_STEP)
        self.slider.setPageStep(STEPS_PER_DOUBLING)
        self.slider.setSingleStep(1)
        self.slider.setMinimumWidth(90)
        self.slider.setMaximumWidth(160)
        self.slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel()
        self.label.setObjectName("budgetLabel")
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(tr("Unlimited")) + 4)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        row.addWidget(self.slider)
        row.addWidget(self.label)
        self.slider.valueChanged.connect(self._moved)
        self.slider.setValue(UNLIMITED_STEP)
        self._moved(self.slider.value())

    def value(self) -> int | None:
        return budget_at(self.slider.value())

    def set_value(self, budget: int | None) -> None:
        self.slider.setValue(step_for(budget))

    def _moved(self, step: int) -> None:
        budget = budget_at(step)
        text = budget_label(budget)
        self.label.setText(text)
        if budget is None:
            self.slider.setAccessibleDescription(tr("Unlimited"))
            self.slider.setToolTip(tr("Thinking budget: unlimited"))
        else:
            self.slider.setAccessibleDescription(tr("{tokens} tokens").format(tokens=number(budget)))
            self.slider.setToolTip(tr("Thinking budget: {tokens} tokens").format(tokens=number(budget)))
        self.changed.emit(budget)
