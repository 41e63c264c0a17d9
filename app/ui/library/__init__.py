"""The Models window and the first-run welcome: library, catalog, Hub search, downloads.

Widgets only; the work is done by the Qt-free ``app.core.hub``, ``app.core.models.catalog`` and
``app.core.models.fit``, called off the GUI thread through :class:`~app.ui.library.service.ModelsService`.
"""

from app.ui.library.feature import ModelsFeature

__all__ = ["ModelsFeature"]
