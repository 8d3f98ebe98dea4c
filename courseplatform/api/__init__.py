"""Plumbing every API view shares: the error shape, authentication, throttles,
idempotent writes and the OpenAPI pieces that describe them.

The API views themselves live in their apps (`accounts/api.py`, `lessons/api.py`,
`assessments/api/`) and call the same services and selectors as the web pages.
"""
