"""Models from the Hugging Face Hub: search, verified resumable downloads, the local library.

Qt-free. Submodules, one role each:

* ``search``   -- find GGUF repositories, list a repository's GGUF models (metadata only)
* ``plan``     -- a catalog name, search result or file -> the exact files to download
* ``download`` -- the resumable, sha256-verified downloader of one model's files
* ``queue``    -- the background download queue, persisted across restarts
* ``library``  -- the models folder and the models in it
* ``auth``     -- the user's Hugging Face token (keyring, never a plain file)
* ``errors``   -- what can go wrong, in words for a person
"""
