"""The model catalog (catalog.json), installed as the data package ``app.data.models``."""
