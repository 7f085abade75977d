"""determination: internal layer of ira30d (see docs/architecture.md); the API is ``ira30d``."""
