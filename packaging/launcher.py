"""Entry point of the frozen app (PyInstaller runs this file as __main__)."""

import multiprocessing
import sys

if __name__ == "__main__":
    # The engine child process re-enters here; freeze_support hands it to multiprocessing.
    multiprocessing.freeze_support()
    from app.cli.main import main

    sys.exit(main())
