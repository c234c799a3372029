"""Writes on quotes, trips and flights, one module per subject: ``quotes``, ``booking``,
``status``, ``manifest`` and ``extras`` (special services, concierge, feedback); ``common``
holds what they share. Admin, API and Celery call these; each keeps its invariants inside one
transaction (no double booking, legal status moves, manifests within capacity) and enqueues
notifications only after commit. Reads are in ``flights.selectors``."""
