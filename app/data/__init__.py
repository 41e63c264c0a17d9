"""The app's data: the model catalog, icons and stylesheet, installed as package data.

``app.data.models`` and ``app.data.resources`` live in the top-level ``models/`` and
``resources/`` folders of the source tree (pyproject.toml maps them there); read their files
with ``importlib.resources.files("app.data.models")``, which works the same in a source
checkout, an installed wheel and the frozen bundle.
"""
