"""A production-sized dataset for performance work: ``manage.py seed_scale``."""
