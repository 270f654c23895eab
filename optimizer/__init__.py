"""Interoperability readiness optimizer."""
