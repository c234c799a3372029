"""Clients permission names, referenced through these constants (never scattered strings)."""

from __future__ import annotations

VIEW_CLIENT = "clients.view_client"
CHANGE_CLIENT_PREFERENCES = "clients.change_client_preferences"
MANAGE_CLIENT_USERS = "clients.manage_client_users"
EXPORT_CLIENT = "clients.export_client"
# GDPR erasure: a critical operation (``jetops.critical``), checked by ``clients.services``.
ERASE_CLIENT = "clients.erase_client"
# Full passport numbers and dates of birth (``clients.personal``).
VIEW_PASSPORT = "clients.view_passport"
VIEW_PAYMENTMETHOD = "clients.view_paymentmethod"
ADD_PAYMENTMETHOD = "clients.add_paymentmethod"
DELETE_PAYMENTMETHOD = "clients.delete_paymentmethod"
VIEW_DATAREQUEST = "clients.view_datarequest"
ADD_DATAREQUEST = "clients.add_datarequest"
