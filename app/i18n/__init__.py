"""The window's translations: ``ponder_<language>.ts`` sources (Qt Linguist), compiled to ``.qm``
when the package is built (see app.ui.common.i18n)."""
