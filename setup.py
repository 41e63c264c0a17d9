"""The package list; the rest of the build configuration is in pyproject.toml.

``app.data.models`` and ``app.data.resources`` are the top-level models/ and resources/ folders
(pyproject.toml's ``package-dir``). A ``packages.find`` in pyproject.toml only sees the folders
under app/ and cannot be combined with a list, hence this file.
"""

from setuptools import find_namespace_packages, setup

setup(packages=[*find_namespace_packages(include=["app", "app.*"]), "app.data.models", "app.data.resources"])
