"""The app's data: the model catalog, icons and stylesheet, installed as package data.

``app.data.models`` and ``app.data.resources`` live in the top-level ``models/`` and
``resources/`` folders of the source tree (pyproject.toml maps them there). Read their files
with ``importlib.resources.files("app.data.models")``: that works the same in an editable
install of a checkout (scripts/bootstrap.py), an installed wheel and the frozen bundle.
"""
