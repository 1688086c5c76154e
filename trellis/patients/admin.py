"""Patients are managed in the app (with audit), not the admin: nothing is registered here."""
