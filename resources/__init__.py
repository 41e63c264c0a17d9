"""Icons and the stylesheet, installed as the data package ``app.data.resources``."""
